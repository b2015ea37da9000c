"""The JSON API for comments, amendments, decisions, consolidation and comparison."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.models import Amendment, Comment, Version, WorkingGroup
from tests.conftest import q

CLAUSES = "/api/v1/groups/oewg-ict/documents/declaration/clauses"


def count(db: Session, model) -> int:  # type: ignore[no-untyped-def]
    return q(db).execute(select(func.count()).select_from(model)).scalar_one()


def test_a_comment_is_created_for_your_own_delegation(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    response = api("ken.head").post(
        f"{CLAUSES}/3.2/comments", {"kind": "technical", "body": "Too vague.", "proposed_change": "Be precise."}
    )
    assert response.status_code == 201
    comment = q(db).get(Comment, response.json()["id"])
    assert comment is not None and comment.body == "Too vague." and comment.kind == "technical"
    listed = api("chair").get("/api/v1/groups/oewg-ict/documents/declaration/comments?delegation=KEN").json()
    assert [(c["clause"], c["kind"], c["body"]) for c in listed] == [("3.2", "technical", "Too vague.")]
    reply = api("ind.head").post(f"{CLAUSES}/3.2/comments", {"body": "Agreed.", "reply_to": comment.id})
    assert reply.status_code == 201 and q(db).get(Comment, reply.json()["id"]).parent_id == comment.id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "technical", "body": "x", "delegation": "FRA"}, "delegation"),
        ({"kind": "loud", "body": "x"}, "kind"),
        ({"kind": "general"}, "body"),
        ({"kind": "general", "body": ""}, "body"),
        ({"kind": "general", "body": "z" * 10_001}, "body"),
        ({"kind": "general", "body": 12}, "body"),
    ],
)
def test_bad_comments_get_a_422_naming_the_field(api, db: Session, body, field: str) -> None:  # type: ignore[no-untyped-def]
    response = api("ken.head").post(f"{CLAUSES}/3.2/comments", body)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]
    assert count(db, Comment) == 0


def test_refusals_are_4xx_json_and_write_nothing(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert api("ken.head").post(f"{CLAUSES}/77/comments", {"body": "x"}).status_code == 404
    q(db).execute(update(WorkingGroup).values(observers_may_comment=False))
    db.commit()
    observer = api("observer").post(f"{CLAUSES}/3.2/comments", {"body": "x"})
    assert observer.status_code == 403 and "Observers" in observer.json()["detail"]
    assert api("observer").post(f"{CLAUSES}/3.2/amendments", {"kind": "delete"}).status_code == 403
    assert count(db, Comment) == 0 and count(db, Amendment) == 0


def test_amendment_decision_and_consolidation_end_to_end(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    proposed = api("ken.head").post(
        f"{CLAUSES}/3.2/amendments", {"kind": "replace", "text": "States shall protect data.", "rationale": "Clarity."}
    )
    assert proposed.status_code == 201
    body = proposed.json()
    assert body["status"] == "proposed" and body["delegation"] == "KEN" and body["clause"] == "3.2"
    amendment_id = body["id"]
    assert (
        api("secretariat").post(f"/api/v1/amendments/{amendment_id}/decision", {"decision": "accepted"}).status_code
        == 403
    )
    assert (
        api("ken.head").post(f"/api/v1/amendments/{amendment_id}/decision", {"decision": "accepted"}).status_code == 403
    )
    bad = api("chair").post(f"/api/v1/amendments/{amendment_id}/decision", {"decision": "maybe"})
    assert bad.status_code == 422 and "decision" in bad.json()["detail"]
    decided = api("chair").post(
        f"/api/v1/amendments/{amendment_id}/decision", {"decision": "accepted", "reason": "Consensus."}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    assert (
        api("chair")
        .post(f"/api/v1/amendments/{amendment_id}/decision", {"decision": "rejected", "reason": "x"})
        .status_code
        == 409
    )
    assert api("chair").post("/api/v1/groups/oewg-ict/documents/declaration/versions").status_code == 403
    made = api("secretariat").post("/api/v1/groups/oewg-ict/documents/declaration/versions")
    assert made.status_code == 201 and made.json() == {"version": 2}
    compared = api("observer").get("/api/v1/groups/oewg-ict/documents/declaration/compare?from=1&to=2").json()
    assert compared["from_version"] == 1 and compared["to_version"] == 2
    changed = [c for c in compared["changes"] if c["change"] != "unchanged"]
    assert [(c["old_number"], c["change"]) for c in changed] == [("3.2", "changed")]
    ops = {segment["op"] for segment in changed[0]["diff"]}
    assert ops == {"equal", "insert", "delete"}
    document = api("ken.head").get("/api/v1/groups/oewg-ict/documents/declaration").json()
    assert document["version"] == 2
    assert next(c for c in document["clauses"] if c["number"] == "3.2")["text"] == "States shall protect data."


def test_conflicts_are_a_409_listing_each_and_nothing_is_written(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = api("ken.head").post(f"{CLAUSES}/3.2/amendments", {"kind": "replace", "text": "Version A."}).json()["id"]
    second = api("ind.head").post(f"{CLAUSES}/3.2/amendments", {"kind": "replace", "text": "Version B."}).json()["id"]
    for amendment_id in (first, second):
        api("chair").post(f"/api/v1/amendments/{amendment_id}/decision", {"decision": "accepted"})
    refused = api("secretariat").post("/api/v1/groups/oewg-ict/documents/declaration/versions")
    assert refused.status_code == 409
    assert refused.json()["conflicts"] == [
        {
            "first": first,
            "second": second,
            "clause": "3.2",
            "reason": "both replace the text of the same clause",
            "message": f"Amendments {first} and {second} on clause 3.2: both replace the text of the same clause",
            "parties": ["amendment", "amendment"],
        }
    ]
    assert count(db, Version) == 1


def test_a_decision_on_another_groups_amendment_is_a_404(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert api("chair").post("/api/v1/amendments/999/decision", {"decision": "accepted"}).status_code == 404


def test_a_browser_session_posting_json_still_needs_the_csrf_token(client: TestClient) -> None:
    from tests.conftest import csrf_token, login

    login(client, "ken.head@demo.example")
    refused = client.post(f"{CLAUSES}/3.2/comments", json={"body": "x"})
    assert refused.status_code == 403
    token = csrf_token(client, "/")
    accepted = client.post(f"{CLAUSES}/3.2/comments", json={"body": "x"}, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 201
