"""A round held at a meeting whose quorum counts the delegations present: the roll call frozen
when it opens, the reason with its figures, attendance after opening changing nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.models import RoundElector
from tests.conftest import login, post_form, q

ROUNDS = "/api/v1/groups/oewg-ict/rounds"
PRESENT = ["KEN", "NGA", "ZAF", "EGY", "IND", "JPN", "IDN", "SGP", "POL", "EST"]


def meeting(api) -> int:  # type: ignore[no-untyped-def]
    response = api("secretariat").post(
        "/api/v1/groups/oewg-ict/meetings",
        {
            "title": "Plenary",
            "starts_at": "2027-03-01T09:00:00Z",
            "ends_at": "2027-03-01T12:00:00Z",
            "place": "Room XX",
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_quorum_of_those_present_counts_the_roll_call_frozen_at_opening(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    mid = meeting(api)
    for code in PRESENT:
        assert api("secretariat").put(f"/api/v1/meetings/{mid}/attendance/{code}", {"present": True}).status_code == 200
    assert api("secretariat").put(f"/api/v1/meetings/{mid}/attendance/BRA", {"present": False}).status_code == 200
    made = api("chair").post(
        ROUNDS,
        {
            "document": "declaration",
            "title": "Vote on 3.2",
            "rule": "simple_majority",
            "clause": "3.2",
            "quorum": "1/2",
            "meeting": mid,
            "quorum_base": "present",
        },
    )
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    assert made.json()["meeting"] == mid and made.json()["quorum_base"] == "present"
    assert api("chair").post(f"/api/v1/rounds/{rid}/open").status_code == 200
    frozen = (
        q(db).execute(select(RoundElector.code, RoundElector.present).where(col(RoundElector.round_id) == rid)).all()
    )
    assert {code for code, here in frozen if here} == set(PRESENT)
    assert all(here is not None for _code, here in frozen)
    for code in PRESENT[:5]:
        assert api(f"{code.lower()}.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"}).status_code == 200
    for code in PRESENT[5:8]:
        assert api(f"{code.lower()}.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "no"}).status_code == 200
    assert api("bra.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"}).status_code == 200
    # Attendance recorded after the round opened changes nothing of its quorum.
    assert api("secretariat").put(f"/api/v1/meetings/{mid}/attendance/BRA", {"present": True}).status_code == 200
    assert api("secretariat").put(f"/api/v1/meetings/{mid}/attendance/EST", {"present": False}).status_code == 200
    result = api("chair").post(f"/api/v1/rounds/{rid}/close").json()["result"]
    assert result["passed"] is True and result["quorum_met"] is True
    assert "8 of the 10 delegations present took part (quorum 1/2)" in result["reason"]
    assert result["participated"] == 9


def test_a_quorum_of_those_present_is_missed_when_too_few_of_them_vote(api) -> None:  # type: ignore[no-untyped-def]
    mid = meeting(api)
    for code in PRESENT:
        api("secretariat").put(f"/api/v1/meetings/{mid}/attendance/{code}", {"present": True})
    rid = (
        api("chair")
        .post(
            ROUNDS,
            {
                "document": "declaration",
                "title": "x",
                "rule": "simple_majority",
                "quorum": "1/2",
                "meeting": mid,
                "quorum_base": "present",
            },
        )
        .json()["id"]
    )
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    for code in ("KEN", "NGA"):
        api(f"{code.lower()}.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": "yes"})
    result = api("chair").post(f"/api/v1/rounds/{rid}/close").json()["result"]
    assert result["quorum_met"] is False
    assert "2 of the 10 delegations present took part, fewer than 1/2 of them (5)" in result["reason"]


def test_a_quorum_of_those_present_needs_a_meeting_of_the_group_and_its_roll_call(api) -> None:  # type: ignore[no-untyped-def]
    base = {"document": "declaration", "title": "x", "rule": "simple_majority", "quorum": "1/2"}
    alone = api("chair").post(ROUNDS, {**base, "quorum_base": "present"})
    assert alone.status_code == 422 and "meeting" in alone.text
    assert "needs the meeting" in alone.text
    unknown = api("chair").post(ROUNDS, {**base, "quorum_base": "present", "meeting": 999999})
    assert unknown.status_code == 422 and "meeting" in unknown.text
    assert api("chair").post(ROUNDS, {**base, "quorum_base": "most"}).status_code in (400, 422)
    mid = meeting(api)
    rid = api("chair").post(ROUNDS, {**base, "quorum_base": "present", "meeting": mid}).json()["id"]
    opening = api("chair").post(f"/api/v1/rounds/{rid}/open")
    assert opening.status_code == 409 and "no roll call yet" in opening.text
    assert api("chair").get(f"/api/v1/rounds/{rid}").json()["status"] == "draft"


def test_the_round_form_offers_the_meeting_and_the_quorum_of_those_present(client, api) -> None:  # type: ignore[no-untyped-def]
    mid = meeting(api)
    assert login(client, "chair@demo.example").status_code == 303
    form = client.get("/groups/oewg-ict/rounds/new").text
    assert f'<option value="{mid}"' in form and 'value="present"' in form
    refused = post_form(
        client,
        "/groups/oewg-ict/rounds",
        {"document": "declaration", "title": "x", "rule": "consensus", "quorum": "0", "quorum_base": "present"},
        page="/groups/oewg-ict/rounds/new",
    )
    assert refused.status_code == 422 and "needs the meeting" in refused.text
    made = post_form(
        client,
        "/groups/oewg-ict/rounds",
        {
            "document": "declaration",
            "title": "Held at the plenary",
            "rule": "consensus",
            "quorum": "1/3",
            "quorum_base": "present",
            "meeting": str(mid),
        },
        page="/groups/oewg-ict/rounds/new",
    )
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"]).text
    assert "of the delegations present" in page and f"/meetings/{mid}" in page
