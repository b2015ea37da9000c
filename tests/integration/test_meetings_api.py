"""Meetings in the JSON API: scheduling with an agenda, changing it, running the meeting, the roll
call; shapes exactly as documented, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from consensus.models import AuditEvent, Meeting
from tests.conftest import q

G = "/api/v1/groups/oewg-ict/meetings"
WHEN = {"starts_at": "2027-01-15T09:00:00+01:00", "ends_at": "2027-01-15T12:00:00+01:00"}


def schedule(api, who: str = "secretariat", **body: object) -> dict:  # type: ignore[no-untyped-def]
    response = api(who).post(
        G,
        {
            "title": "Second session, first meeting",
            **WHEN,
            "place": "Conference Room 4, Palais des Nations",
            "agenda": [
                {"title": "Adoption of the agenda"},
                {"title": "Information sharing", "document": "declaration", "clause": "3.2"},
                {"title": "Capacity building", "document": "declaration", "clause": "4.1", "last_clause": "4.3"},
            ],
            **body,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_secretariat_schedules_a_meeting_with_its_agenda(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    made = schedule(api)
    assert isinstance(made["id"], int)
    assert [item["title"] for item in made["agenda"]] == [
        "Adoption of the agenda",
        "Information sharing",
        "Capacity building",
    ]
    assert all(isinstance(item["id"], int) for item in made["agenda"])
    assert made["agenda"][1]["document"] == "declaration" and made["agenda"][1]["clause"] == "3.2"
    assert (made["agenda"][2]["clause"], made["agenda"][2]["last_clause"]) == ("4.1", "4.3")
    assert made["starts_at"].startswith("2027-01-15T08:00:00") and made["status"] == "scheduled"
    assert made["sequence"] == 0
    assert api("ken.delegate").get(f"/api/v1/meetings/{made['id']}").json() == made
    listed = api("observer").get(G).json()
    assert [m["id"] for m in listed if m["id"] == made["id"]] == [made["id"]]
    assert next(m for m in listed if m["id"] == made["id"])["items"] == 3
    events = q(db).execute(select(AuditEvent).where(col(AuditEvent.action) == "meeting.create")).scalars().all()
    assert [e.object_id for e in events][-1] == str(made["id"])


def test_the_chair_may_schedule_a_meeting_and_an_online_link_is_kept(api) -> None:  # type: ignore[no-untyped-def]
    made = schedule(api, "chair", place="", online_url="https://meet.example.org/oewg", agenda=[])
    assert made["online_url"] == "https://meet.example.org/oewg" and made["agenda"] == []


@pytest.mark.parametrize("who", ["ken.head", "ken.delegate", "observer"])
def test_members_who_do_not_run_meetings_cannot_schedule_one(api, who: str) -> None:  # type: ignore[no-untyped-def]
    response = api(who).post(G, {"title": "x", **WHEN})
    assert response.status_code == 403, response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ends_at": "2027-01-15T08:00:00+01:00"}, "ends_at"),
        ({"ends_at": "2027-01-15T09:00:00+01:00"}, "ends_at"),
        ({"title": "  "}, "title"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"starts_at": "2027-01-15T09:00:00"}, "starts_at"),
        ({"agenda": [{"title": "x", "document": "charter"}]}, "agenda.0.document"),
        ({"agenda": [{"title": "x", "document": "declaration", "clause": "77"}]}, "agenda.0.clause"),
        ({"agenda": [{"title": "x", "clause": "3.2"}]}, "agenda.0.clause"),
        (
            {"agenda": [{"title": "x", "document": "declaration", "clause": "4.3", "last_clause": "4.1"}]},
            "agenda.0.last_clause",
        ),
        ({"agenda": [{"title": "x", "round": 99999}]}, "agenda.0.round"),
        ({"agenda": [{"document": "declaration"}]}, "agenda.0.title"),
        ({"agenda": [{"title": "x", "colour": "blue"}]}, "colour"),
    ],
)
def test_bad_meetings_get_a_422_naming_the_field_and_nothing_is_written(api, db: Session, body, field: str) -> None:  # type: ignore[no-untyped-def]
    before = len(q(db).execute(select(Meeting)).scalars().all())
    response = api("secretariat").post(G, {"title": "A meeting", **WHEN, **body})
    assert response.status_code in (400, 422), response.text
    assert field in response.text
    assert len(q(db).execute(select(Meeting)).scalars().all()) == before


def test_a_change_moves_the_sequence_and_replaces_the_agenda_in_order(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    made = schedule(api)
    first, second, third = (item["id"] for item in made["agenda"])
    changed = api("secretariat").patch(
        f"/api/v1/meetings/{made['id']}",
        {
            "place": "Room XVII",
            "agenda": [
                {"id": third},
                {"id": first, "title": "Adoption of the agenda and organisation of work"},
                {"title": "Any other business"},
            ],
        },
    )
    assert changed.status_code == 200, changed.text
    out = changed.json()
    assert out["place"] == "Room XVII" and out["sequence"] == 1 and out["updated_at"] > made["updated_at"]
    assert [item["id"] for item in out["agenda"][:2]] == [third, first]
    assert out["agenda"][0]["clause"] == "4.1" and out["agenda"][1]["title"].startswith("Adoption of the agenda and")
    assert second not in [item["id"] for item in out["agenda"]]
    assert [item["position"] for item in out["agenda"]] == [0, 1, 2]
    later = api("chair").patch(f"/api/v1/meetings/{made['id']}", {"ends_at": "2027-01-15T07:30:00Z"})
    assert later.status_code == 422 and "ends_at" in later.text
    assert api("ken.head").patch(f"/api/v1/meetings/{made['id']}", {"place": "x"}).status_code == 403
    assert api("ken.head").get(f"/api/v1/meetings/{made['id']}").json()["place"] == "Room XVII"


def test_running_a_meeting_takes_up_items_in_turn(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    made = schedule(api)
    mid = made["id"]
    first, second, third = (item["id"] for item in made["agenda"])
    early = api("chair").post(f"/api/v1/meetings/{mid}/items/{first}/current")
    assert early.status_code == 409, early.text
    assert api("chair").post(f"/api/v1/meetings/{mid}/start").json()["status"] == "in_progress"
    taken = api("chair").post(f"/api/v1/meetings/{mid}/items/{second}/current").json()
    assert [item["status"] for item in taken["agenda"]] == ["pending", "current", "pending"]
    assert taken["agenda"][1]["started_at"] is not None
    moved = api("secretariat").post(f"/api/v1/meetings/{mid}/items/next").json()
    assert [item["status"] for item in moved["agenda"]] == ["pending", "done", "current"]
    assert moved["agenda"][1]["ended_at"] is not None
    assert api("chair").post(f"/api/v1/meetings/{mid}/items/next").status_code == 409
    back = api("chair").post(f"/api/v1/meetings/{mid}/items/{first}/current").json()
    assert [item["status"] for item in back["agenda"]] == ["current", "done", "done"]
    assert api("ken.head").post(f"/api/v1/meetings/{mid}/items/{third}/current").status_code == 403
    assert api("chair").post(f"/api/v1/meetings/{mid}/items/999999/current").status_code == 404
    closed = api("chair").post(f"/api/v1/meetings/{mid}/close").json()
    assert closed["status"] == "closed" and [item["status"] for item in closed["agenda"]] == ["done"] * 3
    assert api("secretariat").patch(f"/api/v1/meetings/{mid}", {"place": "x"}).status_code == 409
    actions = [
        e.action
        for e in q(db)
        .execute(
            select(AuditEvent).where(col(AuditEvent.object_type) == "meeting", col(AuditEvent.object_id) == str(mid))
        )
        .scalars()
    ]
    assert actions == [
        "meeting.create",
        "meeting.start",
        "agenda.take_up",
        "agenda.take_up",
        "agenda.take_up",
        "meeting.close",
    ]


def test_a_cancelled_meeting_says_so(api) -> None:  # type: ignore[no-untyped-def]
    made = schedule(api)
    out = api("secretariat").post(f"/api/v1/meetings/{made['id']}/cancel").json()
    assert out["status"] == "cancelled" and out["sequence"] == 1
    assert api("secretariat").post(f"/api/v1/meetings/{made['id']}/cancel").status_code == 409


def test_the_roll_call_by_the_secretariat_and_by_a_head_for_its_own_delegation(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    mid = schedule(api)["id"]
    path = f"/api/v1/meetings/{mid}/attendance"
    response = api("secretariat").put(f"{path}/KEN", {"present": True})
    assert response.status_code == 200, response.text
    assert response.json() == {"code": "KEN", "name": "Kenya", "present": True}
    assert api("nga.head").put(f"{path}/NGA", {"present": True}).json()["present"] is True
    assert api("nga.head").put(f"{path}/KEN", {"present": False}).status_code == 403
    assert api("ken.delegate").put(f"{path}/KEN", {"present": False}).status_code == 403
    assert api("observer").put(f"{path}/KEN", {"present": False}).status_code == 403
    assert api("secretariat").put(f"{path}/XXX", {"present": True}).status_code == 404
    assert api("secretariat").put(f"{path}/KEN", {"present": "yes"}).status_code in (400, 422)
    assert api("chair").put(f"{path}/ZAF", {"present": False}).json()["present"] is False
    roll = {a["code"]: a["present"] for a in api("observer").get(f"/api/v1/meetings/{mid}").json()["attendance"]}
    assert roll["KEN"] is True and roll["NGA"] is True and roll["ZAF"] is False and roll["EGY"] is None
    recorded = q(db).execute(select(AuditEvent).where(col(AuditEvent.action) == "attendance.record")).scalars().all()
    assert len(recorded) == 3


def test_a_meeting_of_another_group_is_not_found(api) -> None:  # type: ignore[no-untyped-def]
    assert api("chair").get("/api/v1/meetings/999999").status_code == 404
