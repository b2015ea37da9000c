"""A delegate brings in their capital's Word redline in a browser: the preview of every amendment
found, one unticked, the others proposed and listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DEMO_PASSWORD, TestDatabase, running_server
from tests.e2e.conftest import assert_accessible, signed_in

REDLINES = Path(__file__).parent.parent / "data" / "redlines"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: this test adds a document and amendments to the demo group."""
    with running_server(tmp_path_factory.mktemp("redline"), demo_template) as url:
        yield url


def delegate_page(browser: Browser, server: str) -> Page:
    """Kenya's head, in a context where axe-core may be injected (it bypasses the CSP)."""
    page = browser.new_context(base_url=server, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill("ken.head@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    return page


def test_a_delegate_unticks_one_amendment_found_and_proposes_the_others(browser: Browser, server: str) -> None:
    secretariat = signed_in(browser, server, "secretariat")
    secretariat.goto("/groups/oewg-ict")
    secretariat.get_by_role("link", name="New document").click()
    secretariat.get_by_label("Address name").fill("principles")
    secretariat.get_by_label("File (.docx").set_input_files(REDLINES / "base.docx")
    secretariat.get_by_role("button", name="Find the clauses").click()
    secretariat.get_by_role("button", name="Save the document").click()
    secretariat.get_by_label("I have checked the text").check()
    secretariat.get_by_role("button", name="Circulate the document").click()
    expect(secretariat.get_by_text("The document has been circulated")).to_be_visible()

    delegate = delegate_page(browser, server)
    delegate.goto("/groups/oewg-ict/documents/principles")
    delegate.get_by_text("Propose amendments from a Word file").click()
    delegate.get_by_label("Word file of version 1 with your changes").set_input_files(REDLINES / "tracked.docx")
    delegate.get_by_role("button", name="Show the amendments found").click()

    expect(delegate.get_by_role("heading", level=2, name="5 amendments")).to_be_visible()
    expect(delegate.locator(".redline__amendment del").first).to_have_text("[deleted: cyber]")
    expect(delegate.get_by_text("ICT is the term the group uses elsewhere.")).to_be_visible()
    expect(delegate.get_by_text("Comments of the capital, 30 November")).to_be_visible()
    assert_accessible(delegate, "the preview of the amendments found")
    delegate.get_by_label("Delete clause 4").uncheck()
    delegate.get_by_role("button", name="Propose what is ticked").click()

    expect(delegate.get_by_text("4 amendments were proposed from the Word file.")).to_be_visible()
    listed = delegate.locator("main")
    expect(listed).to_contain_text("ICT")
    expect(listed).to_contain_text("48")
    expect(listed).to_contain_text("States help one another build the capacity to respond to incidents.")
    expect(listed).not_to_contain_text("delete clause 4", ignore_case=True)
