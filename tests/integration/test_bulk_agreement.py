"""The chair marks several clauses agreed at once, after reading what still stands on them; and
reads each delegation's position with its text from the matrix and the clause page."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlmodel import Session

from consensus.agreement import services as agreement
from consensus.models import AuditEvent, Clause, Version
from tests.conftest import D, clause_url, post_form, q, who

AGREE = f"{D}/agreement/agree"
API = "/api/v1/groups/oewg-ict/documents/declaration/clauses/status"


def statuses(db: Session, *numbers: str) -> dict[str, str]:
    rows = q(db).execute(
        select(Clause.number, Clause.status)
        .join(Version, Version.id == Clause.version_id)
        .where(Version.number == 1, Clause.number.in_(numbers))  # type: ignore[attr-defined]
    )
    return dict(rows.all())


def status_events(db: Session) -> list[dict[str, object]]:
    events = q(db).execute(select(AuditEvent).where(AuditEvent.action == "clause.status").order_by(AuditEvent.seq))
    return [json.loads(event.details) for event in events.scalars()]


def stand(db: Session, head: str, number: str, position: str, text: str = "") -> None:
    agreement.state_position(db, who(db, f"{head}@demo.example"), "oewg-ict", "declaration", number, position, text)


def test_the_matrix_offers_the_chair_a_choice_of_open_clauses(browsers) -> None:  # type: ignore[no-untyped-def]
    page = browsers("chair").get(f"{D}/agreement").text
    assert f'action="{AGREE}"' in page and 'name="clause" value="3.2"' in page
    assert 'aria-label="Choose clause 3.2"' in page
    for account in ("ken.head", "secretariat", "observer"):
        assert 'name="clause" value="3.2"' not in browsers(account).get(f"{D}/agreement").text, account


def test_the_confirmation_lists_the_objections_and_reservations_standing_on_each_clause(  # type: ignore[no-untyped-def]
    browsers, db: Session
) -> None:
    stand(db, "ken.head", "3.2", "objection", "The text ignores breach notification.")
    stand(db, "ind.head", "3.2", "reservation", "Subject to our national law on <data>.")
    stand(db, "jpn.head", "3.2", "support")
    stand(db, "deu.head", "4.1", "accept")
    page = browsers("chair").get(f"{AGREE}?clause=4.1&clause=3.2")
    assert page.status_code == 200
    text = page.text
    first, second = text.split('id="agree-1-title"', 1)[1].split('id="agree-2-title"', 1)
    assert "3.2" in first and "4.1" in second, "in the document's order"
    assert "Kenya (KEN)" in first and "Objection" in first and "The text ignores breach notification." in first
    assert "India (IND)" in first and "Reservation" in first and "Subject to our national law on &lt;data&gt;." in first
    assert "Japan" not in first, "only what stands in the way is listed"
    assert "No objection or reservation stands on this clause." in second
    assert 'name="clause" value="3.2"' in text and 'name="clause" value="4.1"' in text
    assert statuses(db, "3.2", "4.1") == {"3.2": "open", "4.1": "open"}, "looking changes nothing"


def test_confirming_marks_every_chosen_clause_agreed_with_an_audit_event_each(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    response = post_form(chair, AGREE, {"clause": ["3.2", "4.1", "5.1"]}, page=f"{AGREE}?clause=3.2")  # type: ignore[dict-item]
    assert response.status_code == 303
    assert response.headers["location"] == f"{D}/agreement?agreed=3"
    assert "3 clauses marked agreed ad referendum." in chair.get(response.headers["location"]).text
    assert statuses(db, "3.2", "4.1", "5.1") == dict.fromkeys(["3.2", "4.1", "5.1"], "agreed_ad_ref")
    events = status_events(db)
    assert [e["clause"] for e in events] == ["3.2", "4.1", "5.1"]
    assert all(e["from"] == "open" and e["to"] == "agreed_ad_ref" for e in events)


def test_one_refused_clause_refuses_the_batch_and_nothing_is_written(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    response = post_form(chair, AGREE, {"clause": ["3.2", "9.9", "12"]}, page=f"{AGREE}?clause=3.2")  # type: ignore[dict-item]
    assert response.status_code == 422
    assert "Clauses 9.9, 12 are not in this version." in response.text
    assert "Mark these" not in response.text, "nothing to confirm"
    assert statuses(db, "3.2") == {"3.2": "open"} and status_events(db) == []
    preview = chair.get(f"{AGREE}?clause=3.2&clause=9.9")
    assert preview.status_code == 422 and "Clause 9.9 is not in this version." in preview.text


def test_choosing_no_clause_says_so(browsers) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    page = chair.get(AGREE)
    assert page.status_code == 422 and "Choose at least one clause." in page.text
    response = post_form(chair, AGREE, {}, page=f"{D}/agreement")
    assert response.status_code == 422 and "Choose at least one clause." in response.text


def test_a_clause_already_agreed_stays_agreed_without_another_event(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    assert post_form(chair, f"{D}/clauses/3.2/status", {"status": "agreed_ad_ref"}, page=D).status_code == 303
    response = post_form(chair, AGREE, {"clause": ["3.2", "4.1"]}, page=f"{D}/agreement")  # type: ignore[dict-item]
    assert response.status_code == 303
    assert [e["clause"] for e in status_events(db)] == ["3.2", "4.1"]


def test_the_api_marks_clauses_all_or_none(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    response = api("chair").post(API, {"clauses": ["4.1", "3.2"], "status": "agreed_ad_ref"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "clauses": [{"number": "3.2", "status": "agreed_ad_ref"}, {"number": "4.1", "status": "agreed_ad_ref"}]
    }
    refused = api("chair").post(API, {"clauses": ["5.1", "nope"], "status": "agreed_ad_ref"})
    assert refused.status_code == 422 and "Clause nope is not in this version." in refused.text
    assert statuses(db, "5.1") == {"5.1": "open"}
    assert api("chair").post(API, {"clauses": [], "status": "agreed_ad_ref"}).status_code == 422
    assert api("chair").post(API, {"clauses": ["5.1"], "status": "adopted"}).status_code == 422
    assert api("ken.head").post(API, {"clauses": ["5.1"], "status": "agreed_ad_ref"}).status_code == 403
    reopened = api("chair").post(API, {"clauses": ["3.2", "4.1"], "status": "open"})
    assert reopened.status_code == 200 and statuses(db, "3.2", "4.1") == {"3.2": "open", "4.1": "open"}
    assert [e["to"] for e in status_events(db)] == ["agreed_ad_ref", "agreed_ad_ref", "open", "open"]


def test_a_cell_of_the_matrix_opens_the_position_and_its_text(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    stand(db, "ken.head", "3.2", "objection", "The text ignores breach notification.")
    stand(db, "ken.head", None, "reservation", "On the whole, with a reservation.")  # type: ignore[arg-type]
    delegate = browsers("ind.delegate")
    matrix = delegate.get(f"{D}/agreement").text
    link = f"{D}/agreement/delegations/KEN?clause=3.2"
    assert f'href="{link}"' in matrix and f'data-hx-get="{link}"' in matrix
    assert "Kenya on clause 3.2: Objection" in matrix, "the link names delegation, clause and position"
    page = delegate.get(link)
    assert page.status_code == 200 and "<h1>" in page.text
    assert "Kenya on clause 3.2" in page.text and "The text ignores breach notification." in page.text
    fragment = delegate.get(link, headers={"HX-Request": "true"})
    assert "<h1>" not in fragment.text and "The text ignores breach notification." in fragment.text
    whole = delegate.get(f"{D}/agreement/delegations/KEN")
    assert "Kenya on the whole text" in whole.text and "On the whole, with a reservation." in whole.text
    silent = delegate.get(f"{D}/agreement/delegations/IND?clause=3.2")
    assert "This delegation has stated nothing here." in silent.text
    assert delegate.get(f"{D}/agreement/delegations/XXX?clause=3.2").status_code == 404
    assert delegate.get(f"{D}/agreement/delegations/KEN?clause=99").status_code == 404


def test_the_clause_page_lists_every_position_with_its_text(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    stand(db, "ken.head", "3.2", "objection", "The text ignores breach notification.")
    stand(db, "ind.head", "3.2", "reservation", "Subject to our national law.")
    stand(db, "jpn.head", "3.2", "support")
    page = browsers("chair").get(clause_url("3.2")).text
    section = page.split('id="positions"', 1)[1].split("</section>", 1)[0]
    assert section.index("Kenya") < section.index("India") < section.index("Japan"), "objections first"
    assert "The text ignores breach notification." in section and "Subject to our national law." in section
    assert "Support" in section
