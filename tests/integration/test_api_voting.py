"""The JSON API for rounds, ballots, positions, clause status and the agreement state."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import Ballot, Position, Round
from tests.conftest import q

DOC = "/api/v1/groups/oewg-ict/documents/declaration"


def new_round(api, **body: object) -> int:  # type: ignore[no-untyped-def]
    response = api("chair").post(
        "/api/v1/groups/oewg-ict/rounds", {"document": "declaration", "title": "A vote", "rule": "two_thirds", **body}
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "draft"
    return int(response.json()["id"])


def test_a_round_from_creation_to_result(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = new_round(api, clause="3.2", quorum="1/2", closes_at="2099-12-01T17:00:00Z")
    assert api("chair").post(f"/api/v1/rounds/{rid}/open").json()["status"] == "open"
    heads = ["ken", "ind", "bra", "jpn", "deu", "can", "mex", "chl", "nga"]
    for code in heads[:7]:
        response = api(f"{code}.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes", "explanation": "For."})
        assert response.status_code == 200 and len(response.json()["receipt"]) == 64
    for code in heads[7:]:
        assert api(f"{code}.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "no"}).status_code == 200
    again = api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes", "explanation": "For."})
    assert again.status_code == 200 and again.json()["changed"] is False
    assert api("observer").get(f"/api/v1/rounds/{rid}").json()["result"] is None
    closed = api("chair").post(f"/api/v1/rounds/{rid}/close").json()
    result = closed["result"]
    assert closed["status"] == "closed" and result["passed"] is True and result["quorum_met"] is True
    assert result["tally"]["yes"]["count"] == 7 and isinstance(result["tally"]["yes"]["weight"], str)
    assert result["eligible"]["count"] == 16 and isinstance(result["eligible"]["weight"], str)
    assert result["reason"].startswith("Passed: 7 yes ≥ 2/3 of 9 votes cast (6)")
    assert api("ken.head").get(f"/api/v1/rounds/{rid}").json() == closed


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rule": "plurality"}, "rule"),
        ({"rule": {"threshold": "9/5"}}, "threshold"),
        ({"rule": {"threshold": "3/5", "comparison": "=="}}, "comparison"),
        ({"quorum": "lots"}, "quorum"),
        ({"closes_at": "yesterday"}, "closes_at"),
        ({"closes_at": "2001-01-01T00:00:00Z"}, "closes_at"),
        ({"clause": "77"}, "clause"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_rounds_get_a_422_naming_the_field(api, db: Session, body, field: str) -> None:  # type: ignore[no-untyped-def]
    response = api("chair").post("/api/v1/groups/oewg-ict/rounds", {"document": "declaration", "title": "x", **body})
    assert response.status_code == 422, response.text
    assert field in response.text
    assert q(db).execute(select(func.count()).select_from(Round)).scalar_one() == 0


def test_a_custom_rule_round(api) -> None:  # type: ignore[no-untyped-def]
    rid = new_round(api, rule={"threshold": "3/5", "comparison": ">=", "base": "cast", "weighted": True})
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    api("ind.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"})
    api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "no"})
    result = api("chair").post(f"/api/v1/rounds/{rid}/close").json()["result"]
    assert result["passed"] is True and "3/5 of the votes cast" in result["reason"]


def test_ballot_refusals_are_403_409_and_422(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = new_round(api)
    assert api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"}).status_code == 409
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    for account in ("ken.delegate", "chair", "secretariat", "observer", "vat.head"):
        assert api(account).put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"}).status_code == 403, account
    bad = api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "maybe"})
    assert bad.status_code == 422 and "choice" in bad.json()["detail"]
    assert (
        api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes", "delegation": "FRA"}).status_code == 422
    )
    assert api("ken.head").post(f"/api/v1/rounds/{rid}/close").status_code == 403
    api("chair").post(f"/api/v1/rounds/{rid}/close")
    assert api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"}).status_code == 409
    assert q(db).execute(select(func.count()).select_from(Ballot)).scalar_one() == 0
    assert api("ken.head").get("/api/v1/rounds/99999").status_code == 404


def test_a_secret_ballot_is_changed_with_its_key(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = new_round(api, rule="simple_majority", secret=True)
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    first = api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "no"}).json()
    assert first["change_key"]
    assert api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"}).status_code == 409
    changed = api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes", "change_key": first["change_key"]})
    assert changed.status_code == 200 and changed.json()["receipt"] != first["receipt"]
    result = api("chair").post(f"/api/v1/rounds/{rid}/close").json()
    assert result["participated"] == ["KEN"] and result["result"]["passed"] is True
    # One delegation alone: its count would be its ballot.
    assert result["result"]["withheld"] == ["counts"] and result["result"]["tally"]["yes"]["count"] is None


def test_positions_status_and_agreement(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    stated = api("ken.head").put(f"{DOC}/clauses/3.2/position", {"position": "reservation", "text": "On scope."})
    assert stated.status_code == 200 and stated.json()["position"] == "reservation"
    assert api("ken.head").put(f"{DOC}/clauses/3.2/position", {"position": "reservation"}).status_code == 422
    assert api("ken.delegate").put(f"{DOC}/clauses/3.2/position", {"position": "support"}).status_code == 403
    assert api("ind.head").put(f"{DOC}/position", {"position": "support"}).status_code == 200
    assert api("ken.head").put(f"{DOC}/clauses/3.2/status", {"status": "agreed_ad_ref"}).status_code == 403
    status = api("chair").put(f"{DOC}/clauses/3.2/status", {"status": "agreed_ad_ref"})
    assert status.status_code == 200 and status.json() == {"number": "3.2", "status": "agreed_ad_ref"}
    state = api("observer").get(f"{DOC}/agreement").json()
    assert state["whole"] == {"IND": "support"}
    clause = next(c for c in state["clauses"] if c["number"] == "3.2")
    assert clause == {"number": "3.2", "status": "agreed_ad_ref", "positions": {"KEN": "reservation"}, "stale": []}
    assert q(db).execute(select(func.count()).select_from(Position)).scalar_one() == 2
