"""Two browsers on one agenda item's list of speakers: a delegate inscribes; the chair gives the
floor; the delegate's page shows its delegation speaking within a second, without a reload, and the
countdown runs. Both pages are clean under axe."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from consensus.audit.keys import sign_with
from consensus.db import make_engine
from tests.conftest import AUDIT_KEY, DEMO_PASSWORD, TestDatabase, running_server
from tests.e2e.conftest import assert_accessible
from tests.integration.test_speakers import a_meeting


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[tuple[str, str]]:
    """A server on a copy of the demo with a meeting of one agenda item; yields (address, the list's path)."""
    from consensus.settings import DatabaseSettings

    folder = tmp_path_factory.mktemp("speakers")
    (folder / "server").mkdir()
    database = demo_template.clone(folder / "db")
    engine = make_engine(DatabaseSettings(url=database.url))
    sign_with(engine, AUDIT_KEY)  # the meeting is arranged as the app would write it
    with Session(engine, expire_on_commit=False) as session:
        meeting, (item,) = a_meeting(session, "General exchange of views")
    engine.dispose()
    with running_server(folder / "server", database, copy=False) as url:
        yield url, f"/meetings/{meeting}/items/{item}/speakers"
    database.drop()


def signed_in(browser: Browser, server: str, account: str) -> Page:
    page = browser.new_context(base_url=server, bypass_csp=True).new_page()  # axe is injected as a script
    page.goto("/login")
    page.get_by_label("E-mail address").fill(f"{account}@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    return page


def test_the_delegate_sees_its_delegation_take_the_floor_and_the_countdown_run(
    browser: Browser, room: tuple[str, str]
) -> None:
    server, path = room
    delegate = signed_in(browser, server, "ken.head")
    delegate.goto(path)
    delegate.get_by_role("button", name="Inscribe my delegation").click()
    waiting = delegate.locator(".speakers__waiting")
    expect(waiting).to_contain_text("Kenya (KEN)")
    expect(delegate.get_by_role("button", name=re.compile("^Withdraw"))).to_be_visible()

    chair = signed_in(browser, server, "chair")
    chair.goto(path)
    chair.get_by_label("Speaking-time limit (seconds; empty for none)").fill("90")
    chair.get_by_role("button", name="Set the limit").click()
    expect(chair.locator(".speakers__state")).to_contain_text("1:30 per intervention")
    assert_accessible(chair, "the chair's list of speakers")
    chair.get_by_role("button", name=re.compile("^Next speaker: Kenya")).click()
    expect(chair.locator(".speakers__current")).to_contain_text("Kenya (KEN)")

    # The delegate's page follows by itself (server-sent events), within a second.
    current = delegate.locator(".speakers__current")
    expect(current).to_contain_text("Kenya (KEN)", timeout=1_000)
    timer = delegate.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^1:(30|29|28) left$"))
    expect(timer).to_have_text(re.compile(r"^1:(27|26|25) left$"), timeout=5_000)  # it counts down
    assert_accessible(delegate, "the delegate's list of speakers with a speaker")

    # Keyboard alone: the chair ends the intervention.
    ending = chair.get_by_role("button", name="End this intervention")
    ending.focus()
    chair.keyboard.press("Enter")
    expect(chair.locator(".speakers__done")).to_contain_text("Kenya (KEN)")
    expect(delegate.locator(".speakers__current")).to_contain_text("Nobody has the floor.", timeout=2_000)
    expect(delegate.locator(".speakers__time")).to_contain_text("Kenya (KEN)")
