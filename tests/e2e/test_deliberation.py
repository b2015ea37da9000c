"""The whole chain in a browser: comment inline, propose an amendment watching the diff, the chair
accepts, the secretariat consolidates, the comparison shows the change."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import TestDatabase, running_server
from tests.e2e.conftest import signed_in

D = "/groups/oewg-ict/documents/declaration"
NEW_TEXT = (
    "States shall adopt or maintain legal and technical frameworks for the protection of personal data, "
    "and shall notify data breaches without undue delay."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: this test makes a new version of the demo draft."""
    with running_server(tmp_path_factory.mktemp("deliberation"), demo_template) as url:
        yield url


def test_comment_amend_decide_consolidate_compare(browser: Browser, server: str) -> None:
    delegate = signed_in(browser, server, "ken.head")
    delegate.goto(D)
    clause = delegate.locator("[id='clause-3.2']")

    # Comment inline: the thread opens in place and the new comment appears without a reload.
    clause.get_by_text("0 comments").click()
    thread = clause.locator(".thread-panel")
    expect(thread.get_by_role("heading", name="Comments on clause 3.2")).to_be_visible()
    thread.get_by_label("Technical").check()
    thread.get_by_label("Your comment on clause 3.2").fill("Breach notification is missing.")
    thread.get_by_label("Proposed change (optional)").fill("Add a duty to notify breaches.")
    thread.get_by_role("button", name="Post comment").click()
    expect(clause.locator(".comment")).to_contain_text("Breach notification is missing.")
    expect(clause.locator("details.thread > summary")).to_contain_text("1 comment")
    expect(delegate).to_have_url(re.compile(rf"{D}$"))  # no navigation happened

    # Propose an amendment, watching the word diff follow the typing.
    clause.get_by_role("link", name=re.compile("Propose an amendment")).click()
    expect(delegate.get_by_role("heading", level=1)).to_have_text("Propose an amendment to clause 3.2")
    text = delegate.get_by_label("Amended text (empty for a deletion)")
    text.fill(NEW_TEXT)
    preview = delegate.locator("#diff-preview")
    expect(preview.locator("ins").first).to_be_visible()
    expect(preview.locator("ins", has_text="without undue delay")).to_be_visible()
    expect(preview.locator("del").first).to_contain_text("should")
    delegate.get_by_label("Rationale").fill("Follows the comment on breach notification.")
    delegate.get_by_role("button", name="Propose the amendment").click()
    expect(delegate.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Amendment \d+"))
    amendment_url = delegate.url

    # The chair accepts it.
    chair = signed_in(browser, server, "chair")
    chair.goto(amendment_url)
    chair.get_by_label("Accept").check()
    chair.get_by_label("Reason (required to reject)").fill("Agreed in informal consultations.")
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.locator(".facts")).to_contain_text("Accepted")

    # The secretariat consolidates version 2.
    secretariat = signed_in(browser, server, "secretariat")
    secretariat.goto(f"{D}/versions")
    expect(secretariat.get_by_text("1 accepted amendment waits")).to_be_visible()
    secretariat.get_by_role("button", name="Consolidate into version 2").click()
    expect(secretariat.get_by_role("status")).to_contain_text("Version 2 has been made")
    expect(secretariat.locator("[id='clause-3.2']")).to_contain_text("without undue delay")

    # The comparison shows the change, with the rest folded away.
    secretariat.goto(f"{D}/versions")
    secretariat.get_by_role("button", name="Compare").click()
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text("version 1 compared with version 2")
    change = secretariat.locator("section.change--changed")
    expect(change).to_have_count(1)
    expect(change.locator("ins").first).to_be_visible()
    expect(secretariat.get_by_text(re.compile(r"\d+ unchanged clauses")).first).to_be_visible()

    # The old comment is still there, shown against the new version's clause.
    delegate.goto(D)
    expect(delegate.locator("[id='clause-3.2'] details.thread > summary")).to_contain_text("1 on earlier versions")
