"""The room in a real browser: the projector, the chair's console and the summary of proceedings
pass axe (WCAG 2.2 AA), the projector at 200 % zoom too; the console works by keyboard alone; the
projector follows the meeting by itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from consensus.db import make_engine
from tests.conftest import DEMO_PASSWORD, TestDatabase, make_settings, running_server
from tests.e2e.conftest import assert_accessible
from tests.meetings import arrange_meeting


@dataclass(frozen=True)
class Room:
    url: str
    meeting: int
    other: int
    """A second meeting under way, for the test that moves it on."""
    other_first_item: int

    @property
    def base(self) -> str:
        return f"/groups/oewg-ict/meetings/{self.meeting}"


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[Room]:
    served = tmp_path_factory.mktemp("room")
    prepared = demo_template.clone(served)
    engine = make_engine(make_settings(served, prepared.url).database)
    with Session(engine, expire_on_commit=False) as db:
        meeting = arrange_meeting(db).meeting
        other = arrange_meeting(db, title="Third session, afternoon")
    engine.dispose()
    with running_server(served, prepared, copy=False) as url:
        yield Room(url, meeting, other.meeting, other.items[0])
    prepared.drop()


def visitor(browser: Browser, room: Room, account: str, **context: object) -> Page:
    page = browser.new_context(base_url=room.url, bypass_csp=True, **context).new_page()  # type: ignore[arg-type]
    page.goto("/login")
    page.locator("#email").fill(f"{account}@demo.example")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.locator("h1")).to_be_visible()
    return page


def test_the_projector_is_accessible_and_reflows_at_200_percent(browser: Browser, room: Room) -> None:
    page = visitor(browser, room, "observer")
    page.goto(f"{room.base}/projector")
    expect(page.locator(".projector__speaker")).to_contain_text("India")
    assert_accessible(page, "the projector")
    narrow = visitor(browser, room, "observer", viewport={"width": 640, "height": 400})  # 1280 px at 200 %
    narrow.goto(f"{room.base}/projector")
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
    assert_accessible(narrow, "the projector at 200 % zoom")


def test_the_console_and_the_summary_are_accessible(browser: Browser, room: Room) -> None:
    chair = visitor(browser, room, "chair")
    chair.goto(f"{room.base}/console")
    assert_accessible(chair, "the chair's console")
    secretariat = visitor(browser, room, "secretariat")
    secretariat.goto(f"{room.base}/record")
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text("Summary of proceedings")
    assert_accessible(secretariat, "the summary of proceedings (not written yet)")
    secretariat.get_by_role("link", name="Edit the summary").click()
    secretariat.get_by_label("The summary (Markdown)").fill("# The morning\n\n- **Kenya** spoke.")
    secretariat.get_by_role("button", name="Preview").click()
    expect(secretariat.locator("#record-preview strong")).to_have_text("Kenya")
    assert_accessible(secretariat, "the summary being edited, with its preview")


def test_the_projector_follows_the_meeting_by_itself(browser: Browser, room: Room) -> None:
    screen = visitor(browser, room, "observer")
    screen.goto(f"{room.base}/projector")
    expect(screen.locator(".projector__round")).to_have_count(0)
    chair = visitor(browser, room, "chair")
    chair.goto(f"{room.base}/console")
    chair.get_by_role("button", name="Open a consensus round on clause 3.2").click()
    expect(chair.get_by_role("status")).to_contain_text("The consensus round is open.")
    expect(screen.locator(".projector__round")).to_contain_text("0 of 16 delegations have voted", timeout=5_000)
    assert screen.url.endswith("/projector"), "nobody touched the screen"


def test_the_chairs_console_moves_the_room_and_every_screen_follows_within_a_second(
    browser: Browser, room: Room
) -> None:
    base = f"/groups/oewg-ict/meetings/{room.other}"
    screen = visitor(browser, room, "observer")
    screen.goto(f"{base}/projector")
    expect(screen.locator(".projector__speaker")).to_contain_text("India")
    delegate = visitor(browser, room, "ken.delegate")
    delegate.goto(f"/meetings/{room.other}/items/{room.other_first_item}/speakers")
    expect(delegate.locator(".speakers__current")).to_contain_text("India")
    chair = visitor(browser, room, "chair")
    chair.goto(f"{base}/console")

    chair.get_by_role("button", name=re.compile("^Next speaker: Egypt")).click()
    expect(delegate.locator(".speakers__current")).to_contain_text("Egypt", timeout=1_000)
    expect(screen.locator(".projector__speaker")).to_contain_text("Egypt", timeout=1_000)

    chair.get_by_role("button", name="Next item").click()
    expect(screen.locator(".projector__item")).to_contain_text("Clauses 3.3 to 3.4", timeout=1_000)
    expect(chair.locator(".console__item[aria-current]")).to_contain_text("Clauses 3.3 to 3.4")
    assert screen.url.endswith("/projector"), "nobody touched the screen"


def tab_to(page: Page, reached: str, what: str) -> None:
    """Tab from the top of the page until the focused element's id or its text starts with ``reached``,
    each stop visibly focused."""
    page.locator("body").focus()
    for _ in range(160):
        page.keyboard.press("Tab")
        # One evaluation: a live update may replace the focused element between two of them.
        names, outline = page.evaluate(
            "(e => [[e.id, e.textContent.trim()], e === document.body ? null : getComputedStyle(e).outlineStyle])"
            "(document.activeElement)"
        )
        if outline is None:
            continue  # between the end of the page and its first stop, or a live update took the focus away
        focused = " / ".join(names)
        assert outline != "none", f"no visible focus on {focused!r}"
        if any(name.startswith(reached) for name in names):
            return
    pytest.fail(f"{what} was not reached by Tab")


def test_the_console_works_by_keyboard_alone(browser: Browser, room: Room) -> None:
    chair = visitor(browser, room, "chair")
    chair.goto(f"{room.base}/console")
    tab_to(chair, "gavel-", "the gavel")
    chair.keyboard.press("Enter")
    expect(chair.get_by_role("status")).to_contain_text("agreed ad referendum")
    tab_to(chair, "Next speaker: Egypt", "the next speaker")
    chair.keyboard.press("Enter")
    expect(chair.locator(".speakers__current")).to_contain_text("Egypt")
    tab_to(chair, "Take up: Any other business", "taking up an item")
    chair.keyboard.press("Enter")
    expect(chair.locator(".console__item[aria-current]")).to_contain_text("Any other business")
