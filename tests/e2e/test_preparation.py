"""A secretariat brings in a draft in the browser: pastes the text, corrects the clauses found in
the preview, saves, edits a clause in place (htmx), and circulates it to the group."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import TestDatabase, running_server
from tests.e2e.conftest import signed_in

PASTED = """Draft principles on capacity building

1. Purpose
States cooperate to build the capacity of national CERTs.

States share what they learn.

2. Scope
These principles apply to every State.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: this test adds a document to the demo group."""
    with running_server(tmp_path_factory.mktemp("preparation"), demo_template) as url:
        yield url


def test_paste_correct_save_edit_and_circulate(browser: Browser, server: str) -> None:
    secretariat = signed_in(browser, server, "secretariat")
    secretariat.goto("/groups/oewg-ict")
    secretariat.get_by_role("link", name="New document").click()
    secretariat.get_by_label("Address name").fill("capacity")
    secretariat.get_by_label("Or paste the text").fill(PASTED)
    secretariat.get_by_role("button", name="Find the clauses").click()

    expect(secretariat.get_by_role("heading", level=1)).to_have_text("The clauses found")
    clauses = secretariat.locator(".draft-preview__clause")
    expect(clauses).to_have_count(2)
    # Split clause 1 before its second paragraph, then merge it back, then rename a heading.
    secretariat.locator("#split-0").click()
    expect(clauses).to_have_count(3)
    secretariat.locator("#merge-0").click()
    expect(clauses).to_have_count(2)
    secretariat.get_by_label("Heading").nth(1).fill("Who")
    secretariat.get_by_role("button", name="Save the document").click()

    expect(secretariat.get_by_role("heading", level=1)).to_have_text("Draft principles on capacity building")
    expect(secretariat.get_by_text("In preparation: only the secretariat and the chair")).to_be_visible()
    clause = secretariat.locator("#draft-clause-0")
    clause.get_by_label("Text of clause 1").fill("States cooperate to build national CERTs.")
    clause.get_by_role("button", name="Save clause 1").click()
    expect(secretariat.locator("#draft-clause-0 textarea")).to_have_value("States cooperate to build national CERTs.")
    expect(secretariat.locator("#draft-clause-1 input[name=heading]")).to_have_value("Who")

    secretariat.get_by_label("I have checked the text").check()
    secretariat.get_by_role("button", name="Circulate the document").click()
    expect(secretariat.get_by_text("The document has been circulated")).to_be_visible()

    delegate = signed_in(browser, server, "ken.head")
    delegate.goto("/groups/oewg-ict/documents/capacity")
    expect(delegate.locator("[id='clause-1']")).to_contain_text("States cooperate to build national CERTs.")
