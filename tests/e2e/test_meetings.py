"""Meetings in a browser: the secretariat schedules a meeting, puts two items on its agenda (one on
a clause of the declaration) and takes the roll call; every page is axe clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DEMO_PASSWORD, TestDatabase, running_server
from tests.e2e.conftest import assert_accessible


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: this test adds meetings to the demo group."""
    with running_server(tmp_path_factory.mktemp("meetings"), demo_template) as url:
        yield url


def signed_in(browser: Browser, server: str, account: str) -> Page:
    """Logged in, in a context where axe-core may be injected (it bypasses the CSP)."""
    page = browser.new_context(base_url=server, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(f"{account}@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    return page


def test_the_secretariat_schedules_a_meeting_with_two_items_and_takes_the_roll_call(
    browser: Browser, server: str
) -> None:
    page = signed_in(browser, server, "secretariat")
    page.goto("/groups/oewg-ict")
    page.get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    assert_accessible(page, "the meetings list")
    page.get_by_role("link", name="Schedule a meeting").click()
    assert_accessible(page, "the meeting form")
    page.get_by_label("Title").fill("Informal consultations on information sharing")
    page.get_by_label("Starts").fill("2027-03-01T10:00")
    page.get_by_label("Ends").fill("2027-03-01T13:00")
    page.get_by_label("Place (optional)").fill("Conference Room XX")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Informal consultations on information sharing")

    page.get_by_label("Title of the item").fill("Adoption of the agenda")
    page.get_by_role("button", name="Add the item").click()
    page.get_by_label("Title of the item").fill("Information sharing between national CERTs")
    page.get_by_label("Document").select_option("declaration")
    page.get_by_label("Clause number").fill("3.2")
    page.get_by_role("button", name="Add the item").click()
    agenda = page.locator("ol.agenda > li")
    expect(agenda).to_have_count(2)
    expect(agenda.nth(0)).to_contain_text("Adoption of the agenda")
    expect(agenda.nth(1)).to_contain_text("clause 3.2")
    assert_accessible(page, "the meeting page")

    page.get_by_role("link", name="Take the roll call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roll call")
    assert_accessible(page, "the roll call")
    page.locator("#present-KEN").check()
    page.locator("#present-NGA").check()
    page.locator("#absent-ZAF").check()
    page.get_by_role("button", name="Save the roll call").click()
    attendance = page.locator("ul.attendance")
    expect(attendance).to_contain_text("Kenya (KEN): present")
    expect(attendance).to_contain_text("South Africa (ZAF): absent")
    expect(page.get_by_text("2 delegations present")).to_be_visible()
    assert_accessible(page, "the meeting page with its roll call")
