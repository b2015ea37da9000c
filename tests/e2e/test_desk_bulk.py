"""Daily work in bulk, in a browser: the chair reads what stands on the chosen clauses and marks them
agreed at once, opens a cell of the matrix inline; the secretariat disposes of a comment in its row
of the comment table, with htmx, without leaving the filtered page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DEMO_PASSWORD, TestDatabase, running_server
from tests.e2e.conftest import assert_accessible, signed_in

D = "/groups/oewg-ict/documents/declaration"
OBJECTION = "The clause says nothing of breach notification."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: these tests mark clauses agreed and dispose of comments."""
    with running_server(tmp_path_factory.mktemp("desk-bulk"), demo_template) as url:
        yield url


def checked_by_axe(browser: Browser, server: str, account: str) -> Page:
    """Signed in, in a context where axe-core may be injected (the CSP would refuse it)."""
    page = browser.new_context(base_url=server, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(f"{account}@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    return page


def test_the_chair_reads_the_objections_then_marks_clauses_agreed_at_once(browser: Browser, server: str) -> None:
    head = signed_in(browser, server, "ken.head")
    head.goto(f"{D}/versions/1/clauses/3.2")
    head.locator("#position").get_by_role("radio", name="Objection").check()
    head.get_by_label("Text of the reservation or objection (required for those)").fill(OBJECTION)
    head.get_by_role("button", name="State the position").click()
    expect(head.locator("#positions")).to_contain_text(OBJECTION)

    chair = checked_by_axe(browser, server, "chair")
    chair.goto(f"{D}/agreement")
    chair.get_by_label("Choose clause 3.2").check()
    chair.get_by_label("Choose clause 4.1").check()
    chair.get_by_role("button", name="Mark the chosen clauses agreed…").click()

    expect(chair.get_by_role("heading", level=1)).to_contain_text("Mark clauses agreed ad referendum")
    first = chair.locator(".agree-list__clause").nth(0)
    expect(first.get_by_role("heading", level=2)).to_contain_text("3.2")
    expect(first).to_contain_text("Kenya (KEN)")
    expect(first).to_contain_text("Objection")
    expect(first).to_contain_text(OBJECTION)
    expect(chair.locator(".agree-list__clause").nth(1)).to_contain_text(
        "No objection or reservation stands on this clause."
    )
    assert_accessible(chair, "the confirmation of clauses to mark agreed")
    chair.get_by_role("button", name="Mark these 2 clauses agreed ad referendum").click()

    expect(chair).to_have_url(re.compile(rf"{D}/agreement\?agreed=2$"))
    expect(chair.get_by_role("status").filter(has_text="2 clauses marked agreed ad referendum.")).to_be_visible()
    summary = chair.locator(".table--summary")
    expect(summary.get_by_role("row", name=re.compile(r"^3\.2 "))).to_contain_text("Agreed ad referendum")
    expect(summary.get_by_role("row", name=re.compile(r"^4\.1 "))).to_contain_text("Agreed ad referendum")
    expect(chair.get_by_label("Choose clause 3.2")).to_have_count(0)

    # A cell of the matrix opens the position and its text beside the matrix, without leaving it.
    cell = chair.get_by_role("link", name="Kenya on clause 3.2: Objection")
    cell.focus()
    chair.keyboard.press("Enter")
    detail = chair.locator("#position-detail")
    expect(detail.get_by_role("heading", name="Kenya on clause 3.2")).to_be_visible()
    expect(detail).to_contain_text(OBJECTION)
    expect(chair).to_have_url(re.compile(rf"{D}/agreement\?agreed=2$"))
    assert_accessible(chair, "the agreement matrix with a cell opened")


def test_the_secretariat_disposes_of_a_comment_in_its_row(browser: Browser, server: str) -> None:
    head = signed_in(browser, server, "ken.head")
    head.goto(f"{D}/versions/1/clauses/4.2")
    head.get_by_label("Technical").check()
    head.get_by_label("Your comment on clause 4.2").fill("Name the national CERTs.")
    head.get_by_role("button", name="Post comment").click()
    expect(head.locator(".comment")).to_contain_text("Name the national CERTs.")

    secretariat = checked_by_axe(browser, server, "secretariat")
    secretariat.goto(f"{D}/comments?disposition=none")
    row = secretariat.get_by_role("row").filter(has_text="Name the national CERTs.")
    row.get_by_label("Disposition of the comment by Kenya on clause 4.2").select_option("rejected")
    row.get_by_role("button", name=re.compile("^Record")).click()
    expect(row.locator(".field-error")).to_contain_text("an observation is required")

    row.get_by_label("Observation on the comment by Kenya on clause 4.2").fill("CERTs are named in annex B.")
    row.get_by_role("button", name=re.compile("^Record")).click()
    expect(row.locator("strong")).to_have_text("Rejected")
    expect(row).to_contain_text("CERTs are named in annex B.")
    expect(row.locator(".field-error")).to_have_count(0)
    expect(secretariat).to_have_url(re.compile(r"comments\?disposition=none$"))
    assert_accessible(secretariat, "the comment table with a disposition form per row")
