"""CSV for spreadsheet programs, with every cell written so that none is read as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, LibreOffice or Google Sheets read a cell as a formula (CSV injection)."""


def inert(cell: str) -> str:
    """A typed cell a spreadsheet shows as text: one that starts like a formula gets a leading
    apostrophe, which spreadsheets hide."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def typed(cell: str) -> str:
    """What was typed into a cell that ``inert`` wrote: the apostrophe before a formula's first
    character comes off again (a file exported here and brought back gives the same text)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell


def csv_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A header and rows as CSV (CRLF line ends, as RFC 4180 asks), every cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(cell) for cell in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue()
