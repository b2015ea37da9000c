"""The interface in the six UN languages: chosen by the account, else the switcher's cookie, else the
browser; Arabic right to left; dates in the reader's time zone with UTC alongside; numbers as the
language writes them; the drafts themselves unchanged."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from markupsafe import escape
from sqlalchemy import select, update
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.db import utcnow
from consensus.i18n import _, format_number, format_percent, use
from consensus.models import Round, User
from tests.conftest import ServerProcess, TestDatabase, csrf_token, login, post_form, q
from tests.integration.test_rounds import ROUNDS, act, create, opened, round_id, vote


def translated(language: str, message: str) -> str:
    with use(language):
        text = _(message)
    assert text != message or language == "en", f"no {language} translation of {message!r}"
    return text


@pytest.mark.parametrize(
    ("header", "language", "direction"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr", "ltr"),
        ("de-DE, ar;q=0.5", "ar", "rtl"),
        ("zh-Hans-CN", "zh", "ltr"),
        ("es-419", "es", "ltr"),
        ("ru;q=0.2, en;q=0.9", "en", "ltr"),
        ("de, ja", "en", "ltr"),
        ("fr;q=garbage, *", "en", "ltr"),
    ],
)
def test_the_browser_language_chooses_the_interface(client, header: str, language: str, direction: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login", headers={"Accept-Language": header})
    assert page.status_code == 200 and page.headers["content-language"] == language
    assert f'<html lang="{language}" dir="{direction}">' in page.text
    assert translated(language, "Log in") in page.text


def test_the_switcher_keeps_a_visitors_choice_in_a_cookie(client) -> None:  # type: ignore[no-untyped-def]
    response = post_form(client, "/language", {"language": "es", "next": "/login?next=/groups"}, page="/login")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/groups"
    page = client.get("/login", headers={"Accept-Language": "fr"})  # the choice beats the browser
    assert '<html lang="es"' in page.text and translated("es", "Log in") in page.text
    # Every page offers the switcher, each language named in itself.
    assert 'name="language"' in page.text
    assert re.search(r'lang="ar"[^>]*>العربية<', page.text) and re.search(r'lang="zh"[^>]*>中文<', page.text)


def test_a_signed_in_user_keeps_their_language_on_their_account(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = make_client()
    assert login(first, "chair@demo.example").status_code == 303
    assert post_form(first, "/language", {"language": "ru", "next": "/"}, page="/").status_code == 303
    chair = q(db).execute(select(User).where(User.email == "chair@demo.example")).scalar_one()
    assert chair.language == "ru"
    elsewhere = make_client()  # another browser, no cookie, an English browser
    assert login(elsewhere, "chair@demo.example").status_code == 303
    page = elsewhere.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="ru"' in page.text and translated("ru", "My groups") in page.text
    # Back to following the browser.
    assert post_form(elsewhere, "/account", {"language": "", "time_zone": "UTC"}, page="/account").status_code == 303
    assert '<html lang="en"' in elsewhere.get("/", headers={"Accept-Language": "en"}).text


def test_an_unknown_language_or_time_zone_is_refused_by_name(client, as_user) -> None:  # type: ignore[no-untyped-def]
    response = post_form(client, "/language", {"language": "xx", "next": "/"}, page="/login")
    assert response.status_code == 422 and "Choose one of the languages offered." in response.text
    chair = as_user("chair@demo.example")
    response = chair.post(
        "/account",
        data={"language": "fr", "time_zone": "Mars/Olympus_Mons", "_csrf_token": csrf_token(chair, "/account")},
    )
    assert response.status_code == 422
    assert "The time zone Mars/Olympus_Mons is not known" in response.text
    response = chair.post(
        "/account", data={"language": "tlh", "time_zone": "UTC", "_csrf_token": csrf_token(chair, "/account")}
    )
    assert response.status_code == 422 and "The language must be one of" in response.text


def test_deadlines_show_in_the_readers_time_zone_with_utc_alongside(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers)
    deadline = utcnow().replace(microsecond=0) + timedelta(days=3)
    q(db).execute(update(Round).where(Round.id == rid).values(closes_at=deadline))
    db.commit()
    chair = browsers("chair")
    assert (
        post_form(chair, "/account", {"language": "en", "time_zone": "Asia/Tokyo"}, page="/account").status_code == 303
    )
    page = chair.get(f"{ROUNDS}/{rid}").text
    tokyo = deadline.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%H:%M}" in page or f"{tokyo.hour % 12 or 12}:{tokyo:%M}" in page
    assert "JST" in page and f"{deadline:%H:%M} UTC" in page


def test_numbers_and_the_interface_follow_the_language_but_the_draft_does_not(as_user, demo_spec) -> None:  # type: ignore[no-untyped-def]
    chair = as_user("chair@demo.example")
    assert post_form(chair, "/language", {"language": "fr", "next": "/"}, page="/").status_code == 303
    group = chair.get("/groups/oewg-ict").text
    with use("fr"):
        weight = format_number(Decimal("1428.63"))
    assert weight in group and weight != "1,428.63"  # India's weight, written the French way
    document = chair.get("/groups/oewg-ict/documents/declaration").text
    assert '<html lang="fr"' in document
    first_clause = demo_spec.documents[0].clauses[0]
    assert str(escape(first_clause.text)) in document  # the draft stays in the language it was written in


def test_error_pages_speak_the_readers_language(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/p/nobody", headers={"Accept-Language": "zh"})
    assert page.status_code == 404 and '<html lang="zh"' in page.text
    assert translated("zh", "Not found") in page.text


def test_a_deadline_typed_in_the_form_is_in_the_readers_time_zone(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    assert post_form(chair, "/account", {"language": "", "time_zone": "Asia/Tokyo"}, page="/account").status_code == 303
    assert "Deadline (Asia/Tokyo time, optional)" in chair.get(f"{ROUNDS}/new").text
    rid = round_id(create(chair, closes_at="2030-01-01T09:00"))
    stored = q(db).get(Round, rid)
    assert stored is not None and stored.closes_at == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo


def test_results_show_shares_and_figures_the_languages_way(browsers) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers, rule="simple_majority")
    assert vote(browsers("ken.head"), rid, "yes").status_code == 303
    chair = browsers("chair")
    assert act(chair, rid, "close").status_code == 303
    english = chair.get(f"{ROUNDS}/{rid}").text
    assert "Share of the electorate" in english and "6.3%" in english  # 1 of 16
    assert post_form(chair, "/language", {"language": "fr", "next": "/"}, page="/").status_code == 303
    french = chair.get(f"{ROUNDS}/{rid}").text
    with use("fr"):
        share, heading, verdict = format_percent(Fraction(1, 16)), _("Share of the electorate"), _("Passed")
    assert share == "6,3\u00a0%" and share in french and heading in french
    assert f"{verdict}\u00a0:" in french or f"{verdict}:" in french  # the reason, in French


def test_live_panels_are_shared_only_by_readers_of_the_same_language(
    browsers, db: Session, tmp_path: Path, test_database: TestDatabase
) -> None:  # type: ignore[no-untyped-def]
    """One server process shares a panel's render among its streams: never across languages."""
    rid = opened(browsers, rule="simple_majority")
    assert vote(browsers("ken.head"), rid, "yes").status_code == 303
    assert act(browsers("chair"), rid, "close").status_code == 303
    token = create_api_token(q(db), "ken.head@demo.example")  # no language on the account
    db.close()
    server = ServerProcess(tmp_path, test_database.url)
    panels = {}
    try:
        url = server.start()
        for language in ("fr", "en", "fr"):
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
            with httpx.stream("GET", f"{url}{ROUNDS}/{rid}/live", headers=headers, timeout=10) as stream:
                panels[language] = "".join(stream.iter_text())
    finally:
        server.stop()
    with use("fr"):
        passed_fr = _("Result: passed")
    assert passed_fr in panels["fr"] and passed_fr not in panels["en"]
    assert "Result: passed" in panels["en"]


def test_the_draft_is_marked_with_its_own_language_inside_a_page_in_another(as_user) -> None:  # type: ignore[no-untyped-def]
    """WCAG 3.1.2: a screen reader reads the English draft with an English voice on an Arabic page."""
    head = as_user("ken.head@demo.example")
    page = head.get("/groups/oewg-ict/documents/declaration", headers={"Accept-Language": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page
    assert '<h1 id="document-title" lang="en">' in page and 'class="clause__text" lang="en"' in page
    clause = head.get("/groups/oewg-ict/documents/declaration/versions/1/clauses/3.2").text
    assert 'class="clause__text clause-page__text" lang="en"' in clause
