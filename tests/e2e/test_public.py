"""An anonymous visitor reads a published text and prints it to PDF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader
from sqlalchemy import update
from sqlmodel import Session

from consensus.db import make_engine
from consensus.models import Clause
from consensus.publishing import services as publishing
from tests.conftest import TestDatabase, make_settings, running_server, who
from tests.e2e.conftest import assert_accessible


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: TestDatabase) -> Iterator[str]:
    """A server whose demo draft has been adopted and published."""
    served = tmp_path_factory.mktemp("public")
    prepared = demo_template.clone(served)
    engine = make_engine(make_settings(served, prepared.url).database)
    with Session(engine, expire_on_commit=False) as db:
        db.execute(update(Clause).values(status="agreed_ad_ref"))
        db.commit()
        publishing.adopt(db, who(db, "chair@demo.example"), "oewg-ict", "declaration", 1)
        publishing.publish(db, who(db, "secretariat@demo.example"), "oewg-ict", "declaration", 1)
    engine.dispose()
    with running_server(served, prepared, copy=False) as url:
        yield url
    prepared.drop()


def test_an_anonymous_visitor_reads_downloads_and_prints(browser: Browser, server: str, tmp_path: Path) -> None:
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.goto("/p/oewg-ict")
    page.get_by_role("link", name=re.compile("Draft Declaration")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft Declaration")
    expect(page.get_by_role("main")).to_contain_text("Adopted on")
    expect(page.locator("[id='clause-3.2']")).to_contain_text("Data protection")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Markdown")).click()
    assert info.value.suggested_filename.startswith("oewg-ict-declaration-v1-adopted-")

    page.emulate_media(media="print")
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Data protection" in text and "Download" not in text  # the downloads box does not print
    context.close()


def test_the_public_page_reflows_on_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto("/p/oewg-ict/declaration")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    context.close()


def test_the_public_pages_are_accessible(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, bypass_csp=True)
    page = context.new_page()
    for path, what in [
        ("/p/oewg-ict", "the list of published texts"),
        ("/p/oewg-ict/declaration", "a published text with its annexes"),
        ("/p/oewg-ict/nothing", "the public not-found page"),
    ]:
        page.goto(path)
        assert_accessible(page, what)
    context.close()
