"""The chair's compromise form in a browser: two delegations propose competing amendments, the chair
ticks both and proposes a compromise text; the compromise page names the superseded amendments and
their delegations, and each superseded amendment links to the compromise."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DEMO_PASSWORD, TestDatabase, running_server
from tests.e2e.conftest import assert_accessible

D = "/groups/oewg-ict/documents/declaration"
CLAUSE = f"{D}/versions/1/clauses/4.1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: this test changes the amendments of the demo draft."""
    with running_server(tmp_path_factory.mktemp("compromise"), demo_template) as url:
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


def propose_amendment(browser: Browser, server: str, account: str, text: str) -> str:
    delegate = signed_in(browser, server, account)
    delegate.goto(CLAUSE)
    delegate.get_by_role("link", name="Propose an amendment").click()
    delegate.get_by_label("Amended text (empty for a deletion)").fill(text)
    delegate.get_by_role("button", name="Propose the amendment").click()
    heading = delegate.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Amendment \d+"))
    found = re.search(r"Amendment (\d+)", heading.inner_text())
    assert found is not None
    delegate.context.close()
    return found.group(1)


def test_the_chair_proposes_a_compromise_superseding_two_amendments(browser: Browser, server: str) -> None:
    kenya = propose_amendment(browser, server, "ken.head", "Each State should designate a national CERT within a year.")
    india = propose_amendment(
        browser, server, "ind.head", "Each State should designate a national CERT within three years."
    )

    chair = signed_in(browser, server, "chair")
    chair.goto(CLAUSE)
    chair.get_by_role("link", name="Propose a compromise").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Propose a compromise on clause 4.1")
    assert_accessible(chair, "the compromise form")

    # Nothing ticked: refused on the page, naming the field, with the text kept.
    chair.get_by_label("Compromise text").fill("Each State should designate a national CERT within two years.")
    expect(chair.locator("#diff-preview ins").first).to_be_visible()  # the diff follows the typing
    expect(chair.locator("#diff-preview")).to_contain_text("years")
    chair.get_by_role("button", name="Propose the compromise").click()
    expect(chair.locator("#supersedes-error")).to_contain_text("at least one")
    expect(chair.get_by_label("Compromise text")).to_have_value(
        "Each State should designate a national CERT within two years."
    )

    chair.get_by_label(re.compile(rf"Amendment {kenya} .*Kenya", re.DOTALL)).check()
    chair.get_by_label(re.compile(rf"Amendment {india} .*India", re.DOTALL)).check()
    chair.get_by_label("Rationale").fill("Between one and three years.")
    chair.get_by_role("button", name="Propose the compromise").click()
    heading = chair.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Compromise \d+"))
    found = re.search(r"Compromise (\d+)", heading.inner_text())
    assert found is not None
    compromise = found.group(1)
    superseded = chair.get_by_role("table")
    expect(superseded).to_contain_text("Kenya")
    expect(superseded).to_contain_text("India")
    expect(superseded.get_by_text("Superseded by a compromise")).to_have_count(2)

    superseded.get_by_role("link", name=f"Amendment {kenya}").click()
    link = chair.get_by_role("link", name=f"Superseded by compromise #{compromise}")
    expect(link).to_be_visible()
    link.click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text(f"Compromise {compromise}")
