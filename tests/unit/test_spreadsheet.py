"""CSV cells that a spreadsheet program would run as formulas are written as text."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from consensus.core.spreadsheet import FORMULA_STARTS, csv_table, inert


def test_cells_that_start_like_a_formula_get_an_apostrophe() -> None:
    assert [inert(c) for c in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
    ]
    assert [inert(c) for c in ["Kenya", "", "3.2", "a=b", "'quoted"]] == ["Kenya", "", "3.2", "a=b", "'quoted"]


@given(st.lists(st.lists(st.text(max_size=12), min_size=2, max_size=2), max_size=8))
def test_no_cell_of_a_table_starts_like_a_formula_and_nothing_else_changes(rows: list[list[str]]) -> None:
    text = csv_table(["=header", "plain"], rows)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["'=header", "plain"]
    for written, typed in zip(read[1:], rows, strict=True):
        for cell, original in zip(written, typed, strict=True):
            assert not cell.startswith(FORMULA_STARTS)
            assert cell == original or cell == "'" + original
