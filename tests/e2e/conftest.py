"""Browser tests: a real server process on a free port, driven by Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from consensus import PROJECT_ROOT
from tests.conftest import DEMO_PASSWORD, TestDatabase, running_server

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """The server most browser tests share (they only read, or write what no other test reads)."""
    with running_server(tmp_path_factory.mktemp("live"), demo_template) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:  # type: ignore[type-arg]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def signed_in(browser: Browser, server: str, account: str) -> Page:
    """A new browser context on ``server``, logged in as a demo account."""
    page = browser.new_context(base_url=server).new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(f"{account}@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    return page


AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def accessibility_problems(page: Page) -> list[str]:
    """What axe-core (from the npm registry) finds against WCAG 2.2 AA on the page as it is now,
    one line per element. The page's context must be made with ``bypass_csp=True``: axe is injected
    as a script the Content-Security-Policy would refuse."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it with npm")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.flatMap(v => v.nodes.map(n =>
                `${v.id} (${v.impact}): ${v.help} — ${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`));
        }""",
        WCAG,
    )
    return list(violations)


def assert_accessible(page: Page, what: str) -> None:
    problems = accessibility_problems(page)
    assert problems == [], f"{what} ({page.url}) breaks WCAG 2.2 AA:\n" + "\n".join(problems)
