"""A national body's commenting form brought in by the secretariat in a browser: upload, the
preview of every row (a bad row stops it), then the corrected file imported."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import TestDatabase, running_server
from tests.e2e.conftest import signed_in

D = "/groups/oewg-ict/documents/declaration"
HEADINGS = [
    "MB/NC",
    "Line number",
    "Clause/Subclause",
    "Paragraph/Figure/Table",
    "Type of comment",
    "Comments",
    "Proposed change",
    "Observations of the secretariat",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: this test adds comments that others would count."""
    with running_server(tmp_path_factory.mktemp("comment-import"), demo_template) as url:
        yield url


def word_form(path: Path, rows: list[list[str]]) -> Path:
    form = docx.Document()
    table = form.add_table(rows=1, cols=len(HEADINGS))
    for cell, text in zip(table.rows[0].cells, HEADINGS, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=False):
            cell.text = text
    out = io.BytesIO()
    form.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_the_secretariat_previews_a_form_then_imports_the_corrected_one(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    good = ["KEN-01", "", "3.2", "(a)", "te", "Name the competent authority.", "Add 'national CERT'."]
    bad = word_form(tmp_path / "kenya.docx", [good, ["KEN-02", "", "99", "", "ed", "No such clause.", ""]])
    fixed = word_form(tmp_path / "kenya-corrected.docx", [good, ["KEN-02", "", "4.1", "", "ed", "A typo.", ""]])

    page = signed_in(browser, server, "secretariat")
    page.goto(f"{D}/comments")
    page.get_by_role("link", name="Import a filled commenting form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a filled commenting form")
    page.get_by_label("Whose comments are these?").select_option("KEN")
    page.get_by_label("Filled form").set_input_files(str(bad))
    page.get_by_role("button", name="Show what will be imported").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("1 row cannot be imported")
    expect(page.locator("#row-3")).to_contain_text("There is no clause 99 in version 1.")
    expect(page.locator("#row-2")).to_contain_text("Name the competent authority.")
    expect(page.get_by_role("button", name="Import 2 comments")).to_have_count(0)

    page.get_by_role("link", name="Upload the corrected file").click()
    page.get_by_label("Whose comments are these?").select_option("KEN")
    page.get_by_label("Filled form").set_input_files(str(fixed))
    page.get_by_role("button", name="Show what will be imported").click()
    expect(page.get_by_role("status").first).to_contain_text("Every row can be imported")
    expect(page.locator("#row-3")).to_contain_text("A typo.")
    page.get_by_role("button", name="Import 2 comments").click()

    expect(page).to_have_url(f"{server}{D}/comments?delegation=KEN")
    expect(page.get_by_role("status").first).to_have_text("2 comments")
    table = page.locator("table.table--comments")
    expect(table).to_contain_text("Name the competent authority.")
    expect(table).to_contain_text("A typo.")
    expect(table.locator("tbody tr").first).to_contain_text("(a)")
