"""Two accepted amendments on one clause no longer block a document for good: the conflict links to
each amendment, and the chair reopens one (audited) so that consolidation can go ahead."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlmodel import Session

from consensus.amendments import services as amendments
from consensus.models import Amendment, AuditEvent, Version
from tests.conftest import D, post_form, q, who

G, DOC = "oewg-ict", "declaration"


def accepted(db: Session, author: str, data: amendments.AmendmentInput) -> int:
    amendment_id = amendments.propose(db, who(db, f"{author}@demo.example"), G, DOC, "3.2", data)
    amendments.decide(db, who(db, "chair@demo.example"), G, amendment_id, "accepted", "")
    return amendment_id


def amendment_url(amendment_id: int) -> str:
    return f"/groups/{G}/amendments/{amendment_id}"


def reopen(client, amendment_id: int, reason: str = "It conflicts with another accepted amendment."):  # type: ignore[no-untyped-def]
    url = amendment_url(amendment_id)
    return post_form(client, f"{url}/reopen", {"reason": reason}, page=url)


def consolidate(client):  # type: ignore[no-untyped-def]
    return post_form(client, f"{D}/versions", {"note": ""}, page=f"{D}/versions")


def test_the_chair_reopens_one_of_two_conflicting_amendments_and_consolidation_goes_ahead(
    browsers, db: Session
) -> None:  # type: ignore[no-untyped-def]
    first = accepted(db, "ken.head", amendments.AmendmentInput("replace", "One wording."))
    second = accepted(db, "ind.head", amendments.AmendmentInput("delete"))
    chair, secretariat = browsers("chair"), browsers("secretariat")

    refused = consolidate(secretariat)
    assert refused.status_code == 409
    for amendment_id in (first, second):
        assert f'<a href="{amendment_url(amendment_id)}">{amendment_id}</a>' in refused.text

    page = chair.get(amendment_url(second)).text
    assert f'action="{amendment_url(second)}/reopen"' in page and f"Reopen amendment {second}" in page
    assert reopen(chair, second).status_code == 303
    stored = q(db).get(Amendment, second)
    assert stored is not None and stored.status == "proposed"
    assert stored.decided_at is None and stored.decided_by_id is None and stored.decision_reason == ""
    event = q(db).execute(select(AuditEvent).where(AuditEvent.action == "amendment.reopen")).scalar_one()
    assert event.object_id == str(second)
    details = json.loads(event.details)
    assert details["reason"] == "It conflicts with another accepted amendment."
    assert details["undone"]["decision"] == "accepted" and details["undone"]["decided_at"]
    # Proposed again: the chair may decide it anew.
    assert f'action="/groups/oewg-ict/amendments/{second}/decision"' in chair.get(amendment_url(second)).text

    assert consolidate(secretariat).status_code == 303
    assert q(db).execute(select(Version.number).order_by(Version.number.desc())).scalars().first() == 2  # type: ignore[attr-defined]
    assert q(db).get(Amendment, second).status == "proposed"  # type: ignore[union-attr]  # stays on version 1


def test_a_consolidated_amendment_cannot_be_reopened(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    applied = accepted(db, "ken.head", amendments.AmendmentInput("replace", "One wording."))
    chair = browsers("chair")
    assert consolidate(browsers("secretariat")).status_code == 303
    assert "Reopen amendment" not in chair.get(amendment_url(applied)).text
    refused = reopen(chair, applied)
    assert refused.status_code == 409 and "consolidated into version 2" in refused.text
    assert q(db).get(Amendment, applied).status == "accepted"  # type: ignore[union-attr]


def test_only_the_chair_reopens_and_only_an_accepted_amendment(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    decided = accepted(db, "ken.head", amendments.AmendmentInput("replace", "One wording."))
    for name in ["secretariat", "ken.head", "observer"]:
        client = browsers(name)
        assert "Reopen amendment" not in client.get(amendment_url(decided)).text
        assert reopen(client, decided).status_code == 403
    proposed = amendments.propose(
        db, who(db, "ind.head@demo.example"), G, DOC, "4.1", amendments.AmendmentInput("delete")
    )
    chair = browsers("chair")
    assert "Reopen amendment" not in chair.get(amendment_url(proposed)).text
    refused = reopen(chair, proposed)
    assert refused.status_code == 409 and "only an accepted or rejected one can be reopened" in refused.text
    too_long = reopen(chair, decided, reason="x" * 10_001)
    assert too_long.status_code == 422 and "The reason is too long" in too_long.text
    assert q(db).get(Amendment, decided).status == "accepted"  # type: ignore[union-attr]


def test_the_api_reopens_an_accepted_amendment(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    decided = accepted(db, "ken.head", amendments.AmendmentInput("replace", "One wording."))
    assert api("secretariat").post(f"/api/v1/amendments/{decided}/reopen", {}).status_code == 403
    reopened = api("chair").post(f"/api/v1/amendments/{decided}/reopen", {"reason": "Conflict."})
    assert reopened.status_code == 200 and reopened.json()["status"] == "proposed"
    again = api("chair").post(f"/api/v1/amendments/{decided}/reopen")
    assert again.status_code == 409 and "only an accepted or rejected one" in again.json()["detail"]
