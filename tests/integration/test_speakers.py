"""The list of speakers over HTTP: the JSON API as named in issue 15, the pages without JavaScript,
and the refusals (unknown delegation, list closed, not your delegation, speaker already done)."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import Session, col

from consensus.db import utcnow
from consensus.models import AgendaItem, AuditEvent, Meeting, Speaker, WorkingGroup
from tests.conftest import csrf_token, q


def a_meeting(db: Session, *titles: str, group: str = "oewg-ict") -> tuple[int, list[int]]:
    """A meeting of the group with an agenda item per title (arranged in the database)."""
    group_id = db.execute(select(WorkingGroup.id).where(col(WorkingGroup.slug) == group)).scalar_one()
    start = utcnow()
    meeting = Meeting(group_id=group_id, title="Third session", starts_at=start, ends_at=start + timedelta(hours=3))
    db.add(meeting)
    db.flush()
    assert meeting.id is not None
    items = [
        AgendaItem(meeting_id=meeting.id, position=n, title=t) for n, t in enumerate(titles or ("General debate",))
    ]
    db.add_all(items)
    db.commit()
    return meeting.id, [item.id for item in items if item.id is not None]


def speakers_url(meeting_id: int, item_id: int) -> str:
    return f"/api/v1/meetings/{meeting_id}/items/{item_id}/speakers"


def codes(listing: dict) -> list[str]:  # type: ignore[type-arg]
    return [s["delegation"] for s in listing["waiting"]]


def test_a_delegate_inscribes_its_own_delegation_and_the_list_shows_it_waiting(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    url = speakers_url(meeting, item)
    created = api("ken.delegate").post(url, {})
    assert created.status_code == 201, created.text
    assert created.json() | {"id": 0} == {
        "id": 0,
        "delegation": "KEN",
        "delegation_name": created.json()["delegation_name"],
        "kind": "intervention",
        "status": "waiting",
        "position": 1,
        "started_at": None,
        "ended_at": None,
        "seconds": None,
    }
    listing = api("observer").get(url).json()
    assert codes(listing) == ["KEN"] and listing["current"] is None and listing["speakers_open"] is True


def test_a_point_of_order_goes_to_the_top_after_earlier_ones_and_a_right_of_reply_to_the_end(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    url = speakers_url(meeting, item)
    chair = api("chair")
    for code in ("KEN", "NGA"):
        assert chair.post(url, {"delegation": code}).status_code == 201
    assert chair.post(url + "/next").status_code == 200  # KEN speaks: a reply may now answer it
    assert api("ind.head").post(url, {"kind": "right_of_reply"}).status_code == 201
    assert api("zaf.head").post(url, {}).status_code == 201
    assert api("egy.head").post(url, {"kind": "point_of_order"}).status_code == 201
    assert api("jpn.head").post(url, {"kind": "point_of_order"}).status_code == 201
    listing = chair.get(url).json()
    assert codes(listing) == ["EGY", "JPN", "NGA", "ZAF", "IND"]
    assert [s["kind"] for s in listing["waiting"]] == [
        "point_of_order",
        "point_of_order",
        "intervention",
        "intervention",
        "right_of_reply",
    ]
    assert [s["position"] for s in listing["waiting"]] == [1, 2, 3, 4, 5]
    assert listing["current"]["speaker"]["delegation"] == "KEN"


def test_giving_the_floor_ends_the_speaker_records_its_seconds_and_starts_the_next(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    url = speakers_url(meeting, item)
    chair = api("chair")
    assert chair.patch(url, {"speaking_limit": 180}).json()["speaking_limit"] == 180
    for code in ("KEN", "NGA"):
        chair.post(url, {"delegation": code})
    first = chair.post(url + "/next")
    assert first.status_code == 200, first.text
    assert first.json()["speaking"]["delegation"] == "KEN" and first.json()["ended"] is None
    current = first.json()["list"]["current"]
    assert current["speaking_limit"] == 180 and current["remaining"] <= 180 and current["over_time"] is False
    # KEN began 75 seconds ago (the clock is moved back rather than waited for).
    row = q(db).execute(select(Speaker).where(col(Speaker.status) == "speaking")).scalar_one()
    row.started_at = utcnow() - timedelta(seconds=75)
    db.commit()
    second = chair.post(url + "/next").json()
    assert second["speaking"]["delegation"] == "NGA"
    assert second["ended"] == row.id and 75 <= second["seconds"] <= 77
    listing = second["list"]
    assert [s["delegation"] for s in listing["done"]] == ["KEN"] and listing["done"][0]["seconds"] == second["seconds"]
    assert listing["spoken"][0]["delegation"] == "KEN"
    last = chair.post(url + "/next").json()
    assert last["speaking"] is None and last["list"]["current"] is None
    nobody = chair.post(url + "/next")
    assert nobody.status_code == 409 and "Nobody is waiting" in nobody.json()["detail"]


def test_a_speaker_over_the_limit_is_said_to_be_over_time(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    url = speakers_url(meeting, item)
    chair = api("chair")
    chair.patch(url, {"speaking_limit": 60})
    chair.post(url, {"delegation": "KEN"})
    chair.post(url + "/next")
    row = q(db).execute(select(Speaker).where(col(Speaker.status) == "speaking")).scalar_one()
    row.started_at = utcnow() - timedelta(seconds=90)
    db.commit()
    current = chair.get(url).json()["current"]
    assert current["over_time"] is True and current["remaining"] <= -30


def test_refusals_are_clear_4xx_and_write_nothing(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    url = speakers_url(meeting, item)
    chair, ken, observer_api = api("chair"), api("ken.head"), api("observer")  # tokens made (and audited) first
    before = q(db).execute(select(AuditEvent.seq).order_by(col(AuditEvent.seq).desc())).scalars().first()
    unknown = chair.post(url, {"delegation": "XXX"})
    assert unknown.status_code == 422 and "XXX" in unknown.text
    not_yours = ken.post(url, {"delegation": "NGA"})
    assert not_yours.status_code == 403 and "own delegation" in not_yours.json()["detail"]
    observer = observer_api.post(url, {})
    assert observer.status_code == 422  # an observer has no delegation to inscribe
    assert ken.post(url, {"kind": "right_of_reply"}).status_code == 409  # nobody has spoken yet
    assert ken.post(url, {"kind": "speech"}).status_code in (400, 422)
    assert ken.post(url + "/next").status_code == 403
    assert ken.patch(url, {"speakers_open": False}).status_code == 403
    assert chair.patch(url, {"speaking_limit": 0}).status_code in (400, 422)
    after = q(db).execute(select(AuditEvent.seq).order_by(col(AuditEvent.seq).desc())).scalars().first()
    assert after == before
    assert q(db).execute(select(Speaker)).scalars().all() == []


def test_a_closed_list_takes_only_points_of_order_and_no_delegation_waits_twice(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    url = speakers_url(meeting, item)
    chair, ken = api("chair"), api("ken.head")
    assert ken.post(url, {}).status_code == 201
    twice = api("ken.delegate").post(url, {})
    assert twice.status_code == 409 and "already waiting" in twice.json()["detail"]
    assert chair.patch(url, {"speakers_open": False}).json()["speakers_open"] is False
    closed = api("nga.head").post(url, {})
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    order = api("nga.head").post(url, {"kind": "point_of_order"})
    assert order.status_code == 201 and order.json()["position"] == 1


def test_the_chair_reorders_and_removes_and_a_delegation_withdraws_its_own(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    url = speakers_url(meeting, item)
    chair = api("chair")
    ids = {code: chair.post(url, {"delegation": code}).json()["id"] for code in ("KEN", "NGA", "ZAF", "EGY")}
    moved = chair.patch(f"{url}/{ids['EGY']}", {"position": 1})
    assert moved.status_code == 200 and codes(moved.json()) == ["EGY", "KEN", "NGA", "ZAF"]
    assert codes(chair.patch(f"{url}/{ids['EGY']}", {"position": 99}).json()) == ["KEN", "NGA", "ZAF", "EGY"]
    assert api("ken.head").patch(f"{url}/{ids['KEN']}", {"position": 2}).status_code == 403
    assert api("nga.head").delete(f"{url}/{ids['KEN']}").status_code == 403
    assert api("ken.delegate").delete(f"{url}/{ids['KEN']}").status_code == 204
    assert chair.delete(f"{url}/{ids['ZAF']}").status_code == 204
    listing = chair.get(url).json()
    assert codes(listing) == ["NGA", "EGY"] and [s["position"] for s in listing["waiting"]] == [1, 2]
    gone = chair.delete(f"{url}/{ids['ZAF']}")
    assert gone.status_code == 409 and "no longer waiting" in gone.json()["detail"]
    chair.post(url + "/next")
    chair.post(url + "/next")
    done = chair.delete(f"{url}/{ids['NGA']}")
    assert done.status_code == 409 and "no longer waiting" in done.json()["detail"]
    speaking = chair.delete(f"{url}/{ids['EGY']}")
    assert speaking.status_code == 409 and "has the floor" in speaking.json()["detail"]
    actions = q(db).execute(select(AuditEvent.action).where(col(AuditEvent.object_type) == "meeting")).scalars().all()
    assert actions.count("speaker.withdraw") == 1 and actions.count("speaker.remove") == 1


def test_another_groups_member_learns_nothing_of_the_meeting(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    other_item = a_meeting(db, "Elsewhere")[1][0]
    assert api("chair").get(speakers_url(meeting, other_item)).status_code == 404  # not this meeting's item
    assert api("chair").get(speakers_url(999_999, item)).status_code == 404


def form(client: TestClient, path: str, data: dict[str, str], page: str) -> object:
    return client.post(path, data={**data, "_csrf_token": csrf_token(client, page)}, follow_redirects=False)


def test_the_pages_work_without_javascript(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    page = f"/meetings/{meeting}/items/{item}/speakers"
    ken, chair = browsers("ken.head"), browsers("chair")
    shown = ken.get(page)
    assert shown.status_code == 200 and "Inscribe my delegation" in shown.text
    inscribed = form(ken, page, {"kind": "intervention"}, page)
    assert inscribed.status_code == 303 and inscribed.headers["location"] == page
    assert "Withdraw" in ken.get(page).text
    back = form(chair, page + "/next?next=/groups/oewg-ict", {}, page)
    assert back.status_code == 303 and back.headers["location"] == "/groups/oewg-ict"
    elsewhere = form(chair, page + "/settings?next=https://evil.example/", {"speaking_limit": "120"}, page)
    assert elsewhere.headers["location"] == page  # only a path of this site is followed
    text = ken.get(page).text
    assert "Has the floor" in text and "left" in text and 'role="timer"' in text
    assert "data-remaining=" in text and "js/countdown.js" in text
    refused = form(ken, page + "/next", {}, page)
    assert refused.status_code == 403 and "chair or the secretariat" in refused.text
    bad = form(chair, page + "/settings", {"speaking_limit": "three"}, page)
    assert bad.status_code == 422 and "whole seconds" in bad.text
    time = chair.get(f"/meetings/{meeting}/speaking-time")
    assert time.status_code == 200 and "General debate" in time.text and "KEN" in time.text


def test_an_htmx_request_gets_the_list_alone(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting, (item,) = a_meeting(db)
    page = f"/meetings/{meeting}/items/{item}/speakers"
    ken = browsers("ken.head")
    fragment = ken.get(page, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="speakers-') and "<html" not in fragment.text
    token = csrf_token(ken, page)
    swapped = ken.post(page, data={"kind": "intervention"}, headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert swapped.status_code == 200 and "Withdraw" in swapped.text and "<html" not in swapped.text
