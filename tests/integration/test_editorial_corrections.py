"""Editorial corrections of a circulated clause over HTTP (recorded, audited, shown on the clause
and in the comparison, limited to a few words, refused where they would change what others work
on), and the title an adoption gives the text."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import Session

from consensus.models import AuditEvent, EditorialCorrection
from tests.conftest import login, post_form

DOC = "/api/v1/groups/oewg-ict/documents/declaration"


def latest(client: TestClient, api: Any) -> dict[str, Any]:
    body: dict[str, Any] = api("ken.head").get(DOC).json()
    return body


def clause_text(client: TestClient, api: Any, number: str) -> str:
    return next(c["text"] for c in latest(client, api)["clauses"] if c["number"] == number)


def typo(text: str) -> str:
    """The text with one word changed, as a typo would be corrected."""
    words = text.split(" ")
    words[1] = words[1] + "s"
    return " ".join(words)


def quiet_clause(client: TestClient, api: Any, db: Session) -> str:
    """A clause of the latest version no amendment is pending on (the demo has some)."""
    from consensus.models import Amendment, Clause

    pending = set(
        db.execute(
            select(Clause.number)
            .join(Amendment, Amendment.clause_id == Clause.id)
            .where(Amendment.status.in_(["proposed", "accepted"]), Amendment.applied_in_version_id.is_(None))
        ).scalars()
    )
    return next(c["number"] for c in latest(client, api)["clauses"] if c["number"] not in pending)


def cancel_rounds(client: TestClient, api: Any, db: Session) -> None:
    """Cancel the rounds prepared or open on the latest version (the demo has one open)."""
    from consensus.models import Round

    for round_id in db.execute(select(Round.id).where(Round.status.in_(["draft", "open"]))).scalars():
        assert api("chair").post(f"/api/v1/rounds/{round_id}/cancel", {}).status_code == 200


def test_a_typo_is_corrected_recorded_audited_and_shown(client: TestClient, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    cancel_rounds(client, api, db)
    number = quiet_clause(client, api, db)
    before = clause_text(client, api, number)
    response = api("secretariat").post(
        f"{DOC}/clauses/{number}/correction", {"text": typo(before), "reason": "A typo."}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["old_text"] == before and body["new_text"] == typo(before) and body["words"] == 1
    assert clause_text(client, api, number) == typo(before)
    row = db.execute(select(EditorialCorrection)).scalar_one()
    assert (row.number, row.reason) == (number, "A typo.")
    assert db.execute(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one() == (
        "clause.correct"
    )
    login(client, "ken.head@demo.example")
    version = latest(client, api)["version"]
    page = client.get(f"/groups/oewg-ict/documents/declaration?version={version}").text
    assert "Corrected editorially on" in page
    comparison = client.get(f"/groups/oewg-ict/documents/declaration/compare?from=1&to={version}").text
    assert "Editorial corrections" in comparison and "A typo." in comparison
    assert "<ins>" in comparison.split("Editorial corrections")[1]


def test_more_than_a_few_words_is_an_amendment_not_a_correction(client: TestClient, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    cancel_rounds(client, api, db)
    number = quiet_clause(client, api, db)
    response = api("secretariat").post(
        f"{DOC}/clauses/{number}/correction",
        {"text": "Entirely different words replace the whole clause here.", "reason": "Better."},
    )
    assert response.status_code == 422
    assert "A change of substance is made by amendment" in response.json()["detail"]
    assert db.execute(select(EditorialCorrection)).first() is None


@pytest.mark.parametrize(("who", "status"), [("chair", 403), ("ken.head", 403), ("observer", 403)])
def test_only_the_secretariat_corrects(client: TestClient, api, db: Session, who: str, status: int) -> None:  # type: ignore[no-untyped-def]
    number = quiet_clause(client, api, db)
    response = api(who).post(f"{DOC}/clauses/{number}/correction", {"text": "x", "reason": "y"})
    assert response.status_code == status


def test_an_open_round_or_a_pending_amendment_refuses_a_correction(client: TestClient, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    number = quiet_clause(client, api, db)
    text = clause_text(client, api, number)
    rounds = api("chair").post(
        "/api/v1/groups/oewg-ict/rounds",
        {"document": "declaration", "clause": number, "title": "On it", "rule": "consensus"},
    )
    assert rounds.status_code == 201, rounds.text
    refused = api("secretariat").post(f"{DOC}/clauses/{number}/correction", {"text": typo(text), "reason": "Typo."})
    assert refused.status_code == 409 and "round" in refused.json()["detail"]
    cancel_rounds(client, api, db)
    amendment = api("ken.head").post(f"{DOC}/clauses/{number}/amendments", {"kind": "replace", "text": "Other."})
    assert amendment.status_code == 201
    refused = api("secretariat").post(f"{DOC}/clauses/{number}/correction", {"text": typo(text), "reason": "Typo."})
    assert refused.status_code == 409 and "amendment" in refused.json()["detail"]


def test_an_adopted_version_takes_no_correction(client: TestClient, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    cancel_rounds(client, api, db)
    version = latest(client, api)["version"]
    number = quiet_clause(client, api, db)
    text = clause_text(client, api, number)
    assert api("chair").post(f"{DOC}/versions/{version}/adopt", {"override_reason": "Agreed."}).status_code == 200
    refused = api("secretariat").post(f"{DOC}/clauses/{number}/correction", {"text": typo(text), "reason": "Typo."})
    assert refused.status_code == 409 and "adopted" in refused.json()["detail"]
    assert clause_text(client, api, number) == text


def test_the_correction_form_works_without_javascript(client: TestClient, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    cancel_rounds(client, api, db)
    number = quiet_clause(client, api, db)
    text = clause_text(client, api, number)
    login(client, "secretariat@demo.example")
    form = f"/groups/oewg-ict/documents/declaration/clauses/{number}/correction"
    assert client.get(form).status_code == 200
    empty = post_form(client, form, {"text": typo(text), "reason": ""})
    assert empty.status_code == 422
    done = post_form(client, form, {"text": typo(text), "reason": "Typo."})
    assert done.status_code == 303
    assert clause_text(client, api, number) == typo(text)


def test_adoption_may_give_the_text_its_final_title(client: TestClient, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    cancel_rounds(client, api, db)
    version = latest(client, api)["version"]
    adopted = api("chair").post(
        f"{DOC}/versions/{version}/adopt", {"override_reason": "The group agreed.", "title": "Declaration"}
    )
    assert adopted.status_code == 200, adopted.text
    assert api("secretariat").post(f"{DOC}/versions/{version}/publish", None).status_code == 200
    assert latest(client, api)["title"] == "Declaration"
    public = client.get(f"/p/oewg-ict/declaration/v{version}")
    assert public.status_code == 200 and "<h1" in public.text and "Declaration" in public.text
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "version.adopt")).scalar_one()
    assert '"title":"Declaration"' in event.details
