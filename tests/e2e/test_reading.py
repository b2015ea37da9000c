"""A head of delegation logs in, reads the draft, follows a clause anchor, and logs out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_head_of_delegation_reads_the_draft_and_logs_out(page: Page, base_url: str) -> None:
    page.goto("/groups/oewg-ict/documents/declaration")
    expect(page).to_have_url(re.compile(r"/login\?next=/groups/oewg-ict/documents/declaration$"))
    log_in(page, "ken.head@demo.example")

    expect(page).to_have_url(f"{base_url}/groups/oewg-ict/documents/declaration")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft Declaration")
    clauses = page.locator("section.clause")
    assert clauses.count() >= 20

    page.get_by_role("navigation", name="Contents").get_by_role("link", name=re.compile(r"^3\.2 ")).click()
    expect(page).to_have_url(re.compile(r"#clause-3\.2$"))
    target = page.locator("[id='clause-3.2']")
    expect(target).to_be_in_viewport()
    expect(target.get_by_role("heading")).to_contain_text("3.2")

    page.goto("/groups/oewg-ict/documents/declaration#clause-5.1")
    expect(page.locator("[id='clause-5.1']")).to_be_in_viewport()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login\?logged_out=1$"))
    expect(page.get_by_role("status")).to_contain_text("You have logged out")
    page.goto("/groups/oewg-ict/documents/declaration")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_wrong_password_is_reported_on_the_page(page: Page) -> None:
    page.goto("/login")
    log_in(page, "ken.head@demo.example", "not the password")
    expect(page.get_by_role("alert")).to_contain_text("e-mail address or password is not right")


def test_the_skip_link_is_the_first_stop_for_the_keyboard(page: Page) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_keyboard_alone_logs_in_and_reaches_a_clause(page: Page, base_url: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").focus()
    page.keyboard.type("ken.delegate@demo.example")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/")
    link = page.get_by_role("link", name=re.compile("Draft Declaration"))
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft Declaration")


def test_pages_work_without_javascript(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    log_in(page, "chair@demo.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    page.get_by_role("link", name=re.compile("Draft Declaration")).first.click()
    expect(page.locator("section.clause").first).to_be_visible()
    context.close()


def test_htmx_loads_under_the_content_security_policy(page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/login")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("window.htmx.version").startswith("2.")
    assert errors == []


def test_the_document_reflows_on_a_narrow_phone(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    log_in(page, "ken.head@demo.example")
    page.goto("/groups/oewg-ict/documents/declaration")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    context.close()
