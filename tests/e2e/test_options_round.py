"""A browser: the chair puts a clause's alternatives to an options round from the document page, a
head picks one on the round page, the chair's tally shows it per alternative, and the result names
the alternative chosen."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DEMO_PASSWORD, TestDatabase, running_server
from tests.e2e.conftest import assert_accessible, signed_in


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("options-round"), demo_template) as url:
        yield url


def checked_head(browser: Browser, server: str) -> Page:
    """Kenya's head, in a context where axe-core may be injected."""
    page = browser.new_context(base_url=server, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill("ken.head@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    return page


def test_a_head_picks_an_alternative_in_an_options_round(browser: Browser, server: str) -> None:
    chair = signed_in(browser, server, "chair")
    chair.goto("/groups/oewg-ict/documents/declaration")
    alternatives = chair.get_by_role("group", name="Alternatives 1: one is to be chosen").filter(has_text="72")
    expect(alternatives).to_contain_text("Alternative A: 24")
    alternatives.get_by_role("link", name=re.compile("Put to an options round")).click()
    expect(chair.get_by_label("Rule")).to_have_value("most_support")
    chair.get_by_label("Title").fill("Hours to notify under clause 4.3")
    chair.get_by_role("button", name="Save the draft round").click()
    chair.get_by_role("button", name="Open the round").click()
    round_url = chair.url

    head = checked_head(browser, server)
    head.goto(round_url)
    expect(head.get_by_role("region", name="The alternatives put to the vote")).to_contain_text("Alternative B: 72")
    assert_accessible(head, "an open options round for a head")
    choice = head.get_by_role("button", name=re.compile(r"Alternative B: 72 — cast your delegation's ballot"))
    choice.focus()
    head.keyboard.press("Enter")
    expect(head.get_by_role("status")).to_contain_text("Your ballot has been recorded")
    expect(head.locator("#my-ballot")).to_contain_text("Your delegation voted: Alternative B.")
    expect(choice).to_have_attribute("aria-pressed", "true")

    running = chair.locator(".running")
    expect(running.get_by_role("row", name=re.compile(r"^Alternative B 1 "))).to_be_visible(timeout=10_000)
    expect(running).to_contain_text("alternative B has the most support: 1")

    chair.get_by_role("button", name="Close the round and take the tally").click()
    expect(chair.get_by_role("heading", name=re.compile("Result: passed"))).to_be_visible()
    expect(chair.locator(".result__winner")).to_contain_text("Chosen: Alternative B: 72.")
    expect(chair.get_by_role("img", name=re.compile("Delegations by choice"))).to_contain_text("Alternative B")
