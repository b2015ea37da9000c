"""Two browsers: the chair opens a round and watches; a head votes in the other; the chair's tally
moves without a reload; the chair closes and reads the reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import TestDatabase, running_server
from tests.e2e.conftest import signed_in


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("live-round"), demo_template) as url:
        yield url


def test_the_chair_watches_ballots_arrive_and_closes(browser: Browser, server: str) -> None:
    chair = signed_in(browser, server, "chair")
    chair.goto("/groups/oewg-ict/rounds/new?document=declaration&clause=3.2")
    chair.get_by_label("Title").fill("Two-thirds vote on clause 3.2")
    chair.get_by_label("Rule").select_option("two_thirds")
    chair.get_by_role("button", name="Save the draft round").click()
    chair.get_by_role("button", name="Open the round").click()
    expect(chair.locator(".round-status")).to_contain_text("0 of 16 delegations have voted")
    round_url = chair.url

    head = signed_in(browser, server, "ken.head")
    head.goto(round_url)
    yes = head.get_by_role(
        "button", name=re.compile(r"^Yes — cast your delegation's ballot in “Two-thirds vote on clause 3\.2”")
    )
    head.get_by_label("Explanation of vote (optional)").fill("Kenya supports the clause.")
    yes.click()
    expect(head.get_by_role("status")).to_contain_text("Your ballot has been recorded")
    expect(head.locator(".receipt code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))

    # The chair's page changes by itself (server-sent events), no reload.
    expect(chair.locator(".round-status")).to_contain_text("1 of 16 delegations has voted", timeout=10_000)
    expect(chair.locator(".running")).to_contain_text("If the round closed now: Passed: 1 yes ≥ 2/3 of 1 votes cast")
    expect(chair.locator("#live-announce")).to_contain_text("1 of 16 delegations have voted")
    assert chair.url == round_url

    chair.get_by_role("button", name="Close the round and take the tally").click()
    expect(chair.get_by_role("heading", name=re.compile("Result: passed"))).to_be_visible()
    expect(chair.locator(".result__reason")).to_contain_text("1 yes ≥ 2/3 of 1 votes cast (2/3)")
    expect(chair.get_by_role("img", name=re.compile("Delegations by choice"))).to_be_visible()

    head.reload()
    expect(head.locator(".result__reason")).to_contain_text("Passed")
    expect(head.get_by_role("cell", name="Kenya supports the clause.")).to_be_visible()
