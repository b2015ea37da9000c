"""Every page and state that matters, checked by axe-core against WCAG 2.2 AA in a real browser:
no violation is tolerated, and each one found is listed by rule and element."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import Session

from consensus import PROJECT_ROOT
from consensus.amendments import services as amendments
from consensus.comments import services as comments
from consensus.db import make_engine
from consensus.voting import services as voting
from tests.conftest import DEMO_PASSWORD, TestDatabase, make_settings, running_server, who
from tests.e2e.conftest import accessibility_problems, assert_accessible

GROUP = "/groups/oewg-ict"
RESULTS = PROJECT_ROOT / "test-results"
DOCUMENT = f"{GROUP}/documents/declaration"


@dataclass(frozen=True)
class World:
    url: str
    comment_clause: str
    amendment: int
    open_round: int
    closed_round: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[World]:
    """A server whose demo has a comment thread, an amendment, an open round with ballots and a
    closed one."""
    served = tmp_path_factory.mktemp("accessibility")
    prepared = demo_template.clone(served)
    engine = make_engine(make_settings(served, prepared.url).database)
    with Session(engine, expire_on_commit=False) as db:
        ken, ind, chair = (who(db, f"{name}@demo.example") for name in ("ken.head", "ind.head", "chair"))
        first = comments.post_comment(
            db, ken, "oewg-ict", "declaration", "3.2", comments.CommentInput("Please define the term.", "technical")
        )
        comments.post_comment(
            db, ind, "oewg-ict", "declaration", "3.2", comments.CommentInput("We agree.", parent_id=first)
        )
        amendment = amendments.propose(
            db,
            ken,
            "oewg-ict",
            "declaration",
            "3.2",
            amendments.AmendmentInput("replace", "States should protect personal data in line with law.", "Clearer."),
        )
        closed = voting.create_round(
            db,
            chair,
            "oewg-ict",
            voting.RoundInput("declaration", "Vote on clause 3.2", "simple_majority", clause="3.2"),
        )
        voting.open_round(db, chair, "oewg-ict", closed)
        voting.cast_ballot(db, ken, "oewg-ict", closed, "yes", "We support it.")
        voting.cast_ballot(db, ind, "oewg-ict", closed, "no")
        voting.close_round(db, chair, "oewg-ict", closed)
        opened = voting.create_round(
            db, chair, "oewg-ict", voting.RoundInput("declaration", "Consensus on the whole text", "consensus")
        )
        voting.open_round(db, chair, "oewg-ict", opened)
        voting.cast_ballot(db, ind, "oewg-ict", opened, "reservation", "On paragraph 2.")
    engine.dispose()
    with running_server(served, prepared, copy=False) as url:
        yield World(url, "3.2", amendment, opened, closed)
    prepared.drop()


def visitor(browser: Browser, world: World, account: str | None = None, **context: object) -> Page:
    page = browser.new_context(base_url=world.url, bypass_csp=True, **context).new_page()  # type: ignore[arg-type]
    if account:
        page.goto("/login")
        page.locator("#email").fill(f"{account}@demo.example")  # by id: the labels may be in Arabic
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#password").press("Enter")
        expect(page.locator("h1")).to_be_visible()
    return page


def test_the_pages_of_a_delegate_are_accessible(browser: Browser, world: World) -> None:
    page = visitor(browser, world)
    page.goto("/login")
    assert_accessible(page, "the login page")
    page.get_by_role("button", name="Log in").click()  # the login page with its error
    assert_accessible(page, "the login page refusing empty credentials")
    page = visitor(browser, world, "ken.head")
    assert_accessible(page, "the dashboard")
    for path, what in [
        (GROUP, "the group page"),
        (DOCUMENT, "the document"),
        (f"{DOCUMENT}/versions/1/clauses/3.2", "a clause with its comment thread and amendment"),
        (f"{GROUP}/amendments/{world.amendment}", "an amendment with its diff"),
        (f"{DOCUMENT}/amendments", "the amendments"),
        (f"{DOCUMENT}/comments", "the comment table"),
        (f"{DOCUMENT}/agreement", "the agreement matrix"),
        (f"{DOCUMENT}/versions", "the versions"),
        (f"{GROUP}/rounds", "the rounds"),
        (f"{GROUP}/rounds/{world.open_round}", "an open round with its ballot"),
        (f"{GROUP}/rounds/{world.closed_round}", "a closed round with its result"),
        ("/account", "the settings"),
        (f"{GROUP}/rounds/999999", "the not-found page"),
        (f"{GROUP}/members/new", "the not-allowed page"),
    ]:
        page.goto(path)
        assert_accessible(page, what)
    page.goto(DOCUMENT)
    clause = page.locator("[id='clause-3.2']")
    clause.locator("summary").click()  # the thread opens in place
    expect(clause.locator(".thread-panel")).to_be_visible()
    assert_accessible(page, "the document with a comment thread open")
    page.goto(f"{DOCUMENT}/versions/1/clauses/3.2")
    page.get_by_role("link", name="Propose an amendment").first.click()
    page.get_by_label("Amended text").fill("States should protect personal data.")
    page.get_by_role("button", name="Show the difference").click()
    assert_accessible(page, "an amendment being written, with its preview")


def test_the_chairs_pages_are_accessible(browser: Browser, world: World) -> None:
    page = visitor(browser, world, "chair")
    for path, what in [
        (f"{GROUP}/rounds/{world.open_round}", "the chair's live tally"),
        (f"{GROUP}/rounds/new", "the form for a new round"),
        (f"{DOCUMENT}/agreement", "the agreement matrix as the chair"),
        (f"{GROUP}/amendments/{world.amendment}", "an amendment awaiting the chair's decision"),
    ]:
        page.goto(path)
        assert_accessible(page, what)


def test_the_interface_is_accessible_in_arabic_right_to_left(browser: Browser, world: World) -> None:
    page = visitor(browser, world, "ken.head", locale="ar", extra_http_headers={"Accept-Language": "ar"})
    page.goto(f"{GROUP}/rounds/{world.open_round}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert_accessible(page, "an open round in Arabic")
    page.goto(DOCUMENT)
    assert_accessible(page, "the document in Arabic")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "arabic-document.png"), full_page=True)
    # Laid out right to left: the name of the product starts the header on the right, the trail of
    # links starts on the right, and nothing overflows sideways (the English draft keeps its own
    # direction: see the screenshot).
    width = page.viewport_size["width"] if page.viewport_size else 1280
    brand = page.locator(".brand").bounding_box()
    assert brand is not None and brand["x"] + brand["width"] > width * 0.75
    trail = page.locator(".breadcrumbs li").first.bounding_box()  # "My groups", in Arabic
    assert trail is not None and trail["x"] > width * 0.5
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_the_check_finds_what_breaks_the_rules(browser: Browser, world: World) -> None:
    """The checker itself: a page with an unnamed image, an unlabelled field and grey-on-white text."""
    page = visitor(browser, world)
    page.goto("/login")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<img src="data:,"><input type="text"><p style="color:#ccc;background:#fff">faint</p>')"""
    )
    problems = "\n".join(accessibility_problems(page))
    assert "image-alt" in problems and "label" in problems and "color-contrast" in problems


def tab_to(page: Page, target: Locator, limit: int = 250) -> None:
    """Press Tab until ``target`` has the focus (it must be named for a screen reader to be found)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            # Where the focus is can be seen: an outline drawn by :focus-visible.
            outline = target.evaluate("element => getComputedStyle(element).outlineStyle")
            assert outline != "none", f"the focus on {target} cannot be seen"
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_head_of_delegation_does_everything_with_the_keyboard_alone(browser: Browser, world: World) -> None:
    """Log in, read a clause, comment, state a position, cast a ballot and hear the result: no mouse."""
    page = browser.new_context(base_url=world.url).new_page()
    page.goto("/login")
    tab_to(page, page.get_by_role("textbox", name="E-mail address"))
    page.keyboard.type("bra.head@demo.example")
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")

    tab_to(page, page.get_by_role("link", name=re.compile("Open-ended Working Group")))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=re.compile("Draft Declaration")).first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft Declaration")
    clause = page.locator("[id='clause-3.2']")
    tab_to(page, clause.get_by_role("link", name=re.compile("Propose an amendment")))  # reading the clause
    page.keyboard.press("Shift+Tab")
    tab_to(page, clause.locator("summary"))
    page.keyboard.press("Enter")  # opens the comments, loaded in place
    expect(clause.locator(".thread-panel")).to_be_visible()

    # A comment, posted in place and announced without moving the focus.
    tab_to(page, clause.get_by_label("Your comment on clause 3.2"))
    page.keyboard.type("The word 'appropriate' needs a definition.")
    tab_to(page, clause.get_by_role("button", name="Post comment"))
    page.keyboard.press("Enter")
    expect(clause.get_by_role("status")).to_have_text("Your comment has been posted.")
    expect(clause.get_by_text("needs a definition")).to_be_visible()

    tab_to(page, clause.get_by_role("link", name=re.compile("Clause 3.2 on its own page")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.2")

    # A position: a radio group is entered with Tab and moved through with the arrows.
    position = page.locator("#position")
    tab_to(page, position.get_by_role("radio").first)
    while not position.get_by_role("radio", name=re.compile("Reservation")).is_checked():
        page.keyboard.press("ArrowDown")
    tab_to(page, position.get_by_label(re.compile("Text of the reservation")))
    page.keyboard.type("Pending consultations in the capital.")
    tab_to(page, position.get_by_role("button", name="State the position"))
    page.keyboard.press("Enter")
    expect(page.locator("#position")).to_contain_text("Pending consultations")

    # The ballot: through the group's page to the open round; each button names choice and round.
    tab_to(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=re.compile("Open-ended")))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Voting and consensus rounds"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Consensus on the whole text"))
    page.keyboard.press("Enter")
    support = page.get_by_role(
        "button", name="Support — cast your delegation's ballot in “Consensus on the whole text”"
    )
    tab_to(page, support)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Your ballot has been recorded.")).to_be_visible()

    # The chair closes the round elsewhere; the result arrives on the open page and is announced
    # politely, without moving the focus.
    tab_to(page, support)  # where a delegate may well be when the result comes
    chair = visitor(browser, world, "chair")
    chair.goto(f"{GROUP}/rounds/{world.open_round}")
    chair.get_by_role("button", name="Close the round and take the tally").click()
    expect(page.locator(".result")).to_contain_text("Result: passed")
    announcer = page.locator("#live-announce")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_contain_text("The round is closed.")
    expect(support).to_be_focused()


def test_pages_reflow_at_320_pixels_without_sideways_scrolling(browser: Browser, world: World) -> None:
    """WCAG 1.4.10: at 320 CSS pixels nothing needs scrolling in two directions (wide tables scroll
    inside their own box)."""
    page = visitor(browser, world, "chair", viewport={"width": 320, "height": 640})
    for path in [
        "/",
        GROUP,
        DOCUMENT,
        f"{DOCUMENT}/versions/1/clauses/3.2",
        f"{GROUP}/amendments/{world.amendment}",
        f"{DOCUMENT}/comments",
        f"{DOCUMENT}/agreement",
        f"{GROUP}/rounds/{world.open_round}",
        f"{GROUP}/rounds/{world.closed_round}",
        "/account",
    ]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow} px too wide at 320 px"


def test_the_secretariats_member_pages_and_the_invitation_pages_are_accessible(browser: Browser, world: World) -> None:
    page = visitor(browser, world, "secretariat")
    page.goto(f"{GROUP}/members/new")
    assert_accessible(page, "the form for inviting someone")
    page.locator("#name").fill("Ms. Ama Owusu")
    page.locator("#email").fill("ama.owusu@example.org")
    page.locator("#delegation").select_option("KEN")
    page.get_by_role("button", name="Prepare the invitation").click()
    expect(page.locator("h1")).to_have_text("Invitation prepared")
    assert_accessible(page, "the invitation prepared, with its link")
    link = page.locator("#invitation-link").input_value()
    page.goto(GROUP)
    assert_accessible(page, "the group page as the secretariat, with an invitation pending")
    page.get_by_role("link", name=re.compile("Change or remove.*Mr. Brian Otieno")).click()
    expect(page.get_by_role("heading", name="Change the seat")).to_be_visible()
    assert_accessible(page, "a member's page")
    page.get_by_role("button", name=re.compile("Remove Mr. Brian Otieno")).click()
    page.goto(f"{GROUP}/members/new")
    page.locator("#name").fill("Mr. Brian Otieno")
    page.locator("#email").fill("ken.delegate@demo.example")
    page.locator("#delegation").select_option("KEN")
    page.get_by_role("button", name="Prepare the invitation").click()
    rejoin = page.locator("#invitation-link").input_value()

    newcomer = visitor(browser, world)
    newcomer.goto(link)
    assert_accessible(newcomer, "an invitation that sets a password")
    returning = visitor(browser, world)
    returning.goto(rejoin)
    assert_accessible(returning, "an invitation to sign in and join")
    member = visitor(browser, world, "ken.delegate")
    member.goto(rejoin)
    assert_accessible(member, "an invitation to join, signed in")
    member.get_by_role("button", name="Join").click()
    expect(member.locator("h1")).to_have_text(re.compile("Open-ended Working Group"))
