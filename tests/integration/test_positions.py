"""Positions, the agreement matrix and clause status, through HTTP."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.amendments import services as amendments
from consensus.documents import versions
from consensus.models import Clause, Position, Version
from tests.conftest import D, clause_url, post_form, q, who


def state(client, number: str | None, position: str, text: str = ""):  # type: ignore[no-untyped-def]
    return post_form(client, f"{D}/position", {"clause": number or "", "position": position, "text": text}, page=D)


def test_a_head_states_positions_and_the_latest_counts(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    assert state(ken, "3.2", "support").status_code == 303
    assert state(ken, "3.2", "objection", "The text ignores breach notification.").status_code == 303
    assert state(ken, None, "accept").status_code == 303
    assert q(db).execute(select(func.count()).select_from(Position)).scalar_one() == 3
    page = ken.get(clause_url("3.2")).text
    assert "The text ignores breach notification." in page and "2 statements on record" in page
    matrix = browsers("chair").get(f"{D}/agreement").text
    row = matrix.split('<th scope="row"><abbr title="Kenya">KEN</abbr>', 1)[1].split("</tr>", 1)[0]
    assert "Objection" in row and "Accept" in row


@pytest.mark.parametrize(
    ("position", "text", "says"),
    [
        ("reservation", "", "The text of the reservation or objection is empty"),
        ("objection", "  ", "The text of the reservation or objection is empty"),
        ("veto", "", "The position must be one of"),
    ],
)
def test_bad_positions_are_refused_and_nothing_is_written(browsers, db: Session, position, text, says) -> None:  # type: ignore[no-untyped-def]
    response = state(browsers("ken.head"), "3.2", position, text)
    assert response.status_code == 422 and says in response.text
    assert q(db).execute(select(func.count()).select_from(Position)).scalar_one() == 0


@pytest.mark.parametrize("account", ["ken.delegate", "observer", "chair", "secretariat"])
def test_only_heads_of_delegation_state_positions(browsers, db: Session, account: str) -> None:  # type: ignore[no-untyped-def]
    assert state(browsers(account), "3.2", "support").status_code == 403
    assert q(db).execute(select(func.count()).select_from(Position)).scalar_one() == 0


def test_a_changed_text_makes_positions_stale_until_confirmed(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    state(ken, "3.2", "support")
    state(ken, "3.3", "accept")
    chair = who(db, "chair@demo.example")
    changed = amendments.propose(
        db,
        who(db, "ind.head@demo.example"),
        "oewg-ict",
        "declaration",
        "3.2",
        amendments.AmendmentInput("replace", "States shall protect personal data."),
    )
    amendments.decide(db, chair, "oewg-ict", changed, "accepted", "")
    versions.consolidate_version(db, who(db, "secretariat@demo.example"), "oewg-ict", "declaration")
    matrix = browsers("chair").get(f"{D}/agreement").text
    row = matrix.split('<abbr title="Kenya">KEN</abbr>', 1)[1].split("</tr>", 1)[0]
    assert row.count("cell--stale") == 1  # 3.2 changed; 3.3 did not
    assert "Support (on earlier text)" in row and "Accept (can live with it)</span>" in row
    document = ken.get(D).text
    assert "(on earlier text: confirm)" in document.split('id="clause-3.2"', 1)[1].split("</header>", 1)[0]
    state(ken, "3.2", "support")  # confirm on the new text
    assert (
        "cell--stale"
        not in browsers("chair")
        .get(f"{D}/agreement")
        .text.split('<abbr title="Kenya">KEN</abbr>', 1)[1]
        .split("</tr>", 1)[0]
    )


def test_the_matrix_summarises_filters_and_downloads(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    state(browsers("ken.head"), "3.2", "objection", "Too weak.")
    state(browsers("ind.head"), "3.2", "reservation", "On scope.")
    state(browsers("bra.head"), "3.2", "support")
    state(browsers("bra.head"), "4.1", "support")
    chair = browsers("chair")
    page = chair.get(f"{D}/agreement").text
    summary = page.split('<a href="/groups/oewg-ict/documents/declaration#clause-3.2">3.2</a>', 1)[1].split("</tr>", 1)[
        0
    ]
    assert re.findall(r'<td class="num">(\d+)</td>', summary)[:5] == ["1", "0", "1", "1", "15"]
    assert "<strong>Kenya</strong>" in summary and "reservations: India" in summary
    contested = chair.get(f"{D}/agreement?contested=true").text
    assert 'href="/groups/oewg-ict/documents/declaration#clause-3.2"' in contested
    assert 'href="/groups/oewg-ict/documents/declaration#clause-4.1"' not in contested
    silent = chair.get(f"{D}/agreement?silent=true").text
    assert '<abbr title="Kenya">KEN</abbr>' not in silent and '<abbr title="Japan">JPN</abbr>' in silent
    download = chair.get(f"{D}/agreement.csv")
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    header = rows[0]
    kenya = next(r for r in rows if r[1] == "KEN")
    assert kenya[header.index("3.2")] == "objection"


def test_the_chair_marks_clauses_agreed_and_reopens_them(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    assert post_form(chair, f"{D}/clauses/3.2/status", {"status": "agreed_ad_ref"}, page=D).status_code == 303
    page = browsers("ken.head").get(D).text
    clause = page.split('id="clause-3.2"', 1)[1].split("</header>", 1)[0]
    assert "Agreed ad referendum" in clause and "status--agreed_ad_ref" in clause
    assert post_form(chair, f"{D}/clauses/3.2/status", {"status": "open"}, page=D).status_code == 303
    status = (
        q(db)
        .execute(
            select(Clause.status)
            .join(Version, Version.id == Clause.version_id)
            .where(Clause.number == "3.2", Version.number == 1)
        )
        .scalar_one()
    )
    assert status == "open"
    assert post_form(chair, f"{D}/clauses/3.2/status", {"status": "adopted"}, page=D).status_code == 422


@pytest.mark.parametrize("account", ["secretariat", "ken.head", "observer"])
def test_only_the_chair_changes_clause_status(browsers, account: str) -> None:  # type: ignore[no-untyped-def]
    assert (
        post_form(browsers(account), f"{D}/clauses/3.2/status", {"status": "agreed_ad_ref"}, page=D).status_code == 403
    )
