"""A working group set up in the browser, as a secretariat that has never seen a YAML file would:
the administrator creates the group and names its secretariat; the secretariat (following its
invitation link) adds a delegation, imports more from a spreadsheet, invites a head of delegation,
and changes a weight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import TestDatabase, running_server
from tests.e2e.conftest import signed_in


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server of its own: this test creates a group and accounts."""
    with running_server(tmp_path_factory.mktemp("setup"), demo_template) as url:
        yield url


def test_a_group_is_set_up_in_the_browser_from_nothing(browser: Browser, server: str, tmp_path: Path) -> None:
    admin = signed_in(browser, server, "chair")  # the demo's first account: the site administrator
    admin.get_by_role("link", name="Create a working group").click()
    admin.get_by_label("Name", exact=True).first.fill("Committee on Cyber Norms")
    admin.get_by_label("Address", exact=True).fill("Cyber Norms")
    admin.locator("#secretariat_name").fill("Ms. Ada Secretariat")
    admin.locator("#secretariat_email").fill("ada@secretariat.example")
    admin.get_by_role("button", name="Create the group").click()
    # The address is refused as typed, and said why; the rest is kept.
    expect(admin.locator("#slug-error")).to_contain_text("lowercase letters")
    expect(admin.locator("#secretariat_email")).to_have_value("ada@secretariat.example")
    admin.get_by_label("Address", exact=True).fill("cyber-norms")
    admin.get_by_role("button", name="Create the group").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Group created")
    link = admin.get_by_label("Link").input_value()
    assert "/invitations/" in link

    # The secretariat accepts the invitation and chooses a password.
    desk = browser.new_context(base_url=server).new_page()
    desk.goto(link)
    desk.get_by_label("New password").fill("a long secretariat password")
    desk.get_by_label("Repeat the password").fill("a long secretariat password")
    desk.get_by_role("button", name="Set password and log in").click()
    desk.goto("/groups/cyber-norms")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Committee on Cyber Norms")

    # One delegation by hand: a bad weight is refused on the form, then corrected.
    desk.get_by_role("link", name="Add a delegation").click()
    desk.get_by_label("Code").fill("KEN")
    desk.get_by_label("Name").fill("Kenya")
    desk.get_by_label("Weight").fill("54,03")
    desk.get_by_role("button", name="Add the delegation").click()
    expect(desk.locator("#weight-error")).to_contain_text("positive number")
    desk.get_by_label("Weight").fill("54.03")
    desk.get_by_role("button", name="Add the delegation").click()
    expect(desk.get_by_role("row", name="Kenya")).to_contain_text("54.03")

    # More from a spreadsheet: preview first, then import.
    sheet = tmp_path / "delegations.csv"
    sheet.write_text(
        "code;name;weight;voting_status\r\nIND;India;1428.63;participating\r\nVAT;Holy See;;observing\r\n",
        encoding="utf-8-sig",
    )
    desk.get_by_role("link", name="Import delegations from a spreadsheet").click()
    desk.get_by_label("CSV file").set_input_files(str(sheet))
    desk.get_by_role("button", name="Preview").click()
    expect(desk.get_by_role("status")).to_contain_text("2 rows are ready to import")
    desk.get_by_role("button", name="Import all 2 rows").click()
    expect(desk.get_by_role("status")).to_contain_text("2 rows were imported")
    desk.get_by_role("link", name="Back to the group").click()
    expect(desk.get_by_role("row", name="Holy See")).to_contain_text("Observing")

    # A head of delegation invited: the link to send is shown once.
    desk.get_by_role("link", name="Add a member").click()
    desk.get_by_label("Name").fill("Ambassador Kamau")
    desk.get_by_label("E-mail address").fill("kamau@kenya.example")
    desk.get_by_label("Role").select_option("delegate")
    desk.get_by_label("Delegation", exact=True).select_option("KEN")
    desk.get_by_label("Head of delegation").check()
    desk.get_by_role("button", name="Prepare the invitation").click()
    assert "/invitations/" in desk.get_by_label("Link").input_value()

    # A weight changed later on the delegation's page.
    desk.goto("/groups/cyber-norms")
    desk.get_by_role("link", name="Change or remove · India").click()
    desk.get_by_label("Weight").fill("1441.72")
    desk.get_by_role("button", name="Save the delegation").click()
    expect(desk.get_by_role("status")).to_contain_text("The delegation is saved")
    desk.goto("/groups/cyber-norms")
    expect(desk.get_by_role("row", name="India")).to_contain_text("1,441.72")
