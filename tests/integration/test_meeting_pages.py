"""Meeting pages through HTTP: the list, scheduling in the reader's time zone, the agenda (add,
change, reorder, remove), running the meeting, the roll call, and the calendar feeds parsed back."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import icalendar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import Session, col

from consensus.accounts.services import set_preferences
from consensus.models import AgendaItem, AuditEvent, CalendarFeed, Meeting
from tests.conftest import login, post_form, q, who

M = "/groups/oewg-ict/meetings"


def schedule(client: TestClient, **fields: str) -> str:
    response = post_form(
        client,
        M,
        {
            "title": "Informal consultations on section 3",
            "starts_at": "2027-02-01T10:00",
            "ends_at": "2027-02-01T13:00",
            "place": "Room XX",
            "online_url": "",
            **fields,
        },
        page=f"{M}/new",
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_the_group_page_links_to_its_meetings(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("ken.delegate@demo.example")
    assert f'href="{M}"' in client.get("/groups/oewg-ict").text
    page = client.get(M)
    assert page.status_code == 200 and "Upcoming" in page.text
    assert "Schedule a meeting" not in page.text


def test_a_meeting_is_scheduled_in_the_secretariats_time_zone_and_stored_in_utc(
    client: TestClient, db: Session
) -> None:
    set_preferences(db, who(db, "secretariat@demo.example"), None, "Europe/Paris")
    assert login(client, "secretariat@demo.example").status_code == 303
    url = schedule(client)
    meeting = q(db).execute(select(Meeting).order_by(col(Meeting.id).desc())).scalars().first()
    assert meeting is not None and url.endswith(f"/meetings/{meeting.id}")
    assert meeting.starts_at == datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    page = client.get(url)
    assert "Informal consultations on section 3" in page.text and "Room XX" in page.text
    assert "10:00" in page.text and "(09:00 UTC)" in page.text
    form = client.get(f"{url}/edit").text
    assert 'value="2027-02-01T10:00"' in form


def test_times_in_the_wrong_order_are_refused_on_the_form(as_user, db: Session) -> None:  # type: ignore[no-untyped-def]
    client = as_user("secretariat@demo.example")
    before = len(q(db).execute(select(Meeting)).scalars().all())
    response = post_form(
        client, M, {"title": "x", "starts_at": "2027-02-01T10:00", "ends_at": "2027-02-01T09:00"}, page=f"{M}/new"
    )
    assert response.status_code == 422 and "The meeting must end after it starts." in response.text
    bad = post_form(client, M, {"title": "x", "starts_at": "soon", "ends_at": ""}, page=f"{M}/new")
    assert bad.status_code == 422 and 'id="starts_at-error"' in bad.text
    assert len(q(db).execute(select(Meeting)).scalars().all()) == before


def test_the_agenda_is_built_reordered_and_trimmed_on_the_meeting_page(as_user, db: Session) -> None:  # type: ignore[no-untyped-def]
    client = as_user("secretariat@demo.example")
    url = schedule(client)
    first = post_form(client, f"{url}/agenda", {"title": "Opening", "document": "", "clause": ""}, page=url)
    assert first.status_code == 303
    second = post_form(
        client,
        f"{url}/agenda",
        {"title": "Section 3", "document": "declaration", "clause": "3.1", "last_clause": "3.4"},
        page=url,
    )
    assert second.status_code == 303
    wrong = post_form(
        client, f"{url}/agenda", {"title": "Nowhere", "document": "declaration", "clause": "9.9"}, page=url
    )
    assert wrong.status_code == 422 and "has no clause 9.9" in wrong.text
    page = client.get(url).text
    assert "clauses 3.1 to 3.4" in page
    mid = int(url.rsplit("/", 1)[1])
    items = (
        q(db)
        .execute(select(AgendaItem).where(col(AgendaItem.meeting_id) == mid).order_by(col(AgendaItem.position)))
        .scalars()
        .all()
    )
    assert [i.title for i in items] == ["Opening", "Section 3"]
    opening, section = (i.id for i in items)
    assert post_form(client, f"{url}/agenda/{section}/move", {"direction": "up"}, page=url).status_code == 303
    changed = post_form(
        client,
        f"{url}/agenda/{opening}/edit",
        {"title": "Opening of the meeting", "document": "declaration", "clause": "1"},
        page=f"{url}/agenda/{opening}/edit",
    )
    assert changed.status_code == 303
    order = (
        q(db)
        .execute(select(AgendaItem.title).where(col(AgendaItem.meeting_id) == mid).order_by(col(AgendaItem.position)))
        .scalars()
        .all()
    )
    assert order == ["Section 3", "Opening of the meeting"]
    assert post_form(client, f"{url}/agenda/{section}/remove", {}, page=url).status_code == 303
    assert q(db).execute(select(AgendaItem.title).where(col(AgendaItem.meeting_id) == mid)).scalars().all() == [
        "Opening of the meeting"
    ]
    meeting = q(db).get(Meeting, mid)
    assert meeting is not None and meeting.sequence == 5
    actions = (
        q(db)
        .execute(
            select(AuditEvent.action).where(
                col(AuditEvent.object_id) == str(mid), col(AuditEvent.object_type) == "meeting"
            )
        )
        .scalars()
        .all()
    )
    assert actions == ["meeting.create", "agenda.add", "agenda.add", "agenda.move", "agenda.change", "agenda.remove"]


def test_members_see_a_meeting_but_only_the_secretariat_and_chair_change_it(make_client, as_user) -> None:  # type: ignore[no-untyped-def]
    url = schedule(as_user("secretariat@demo.example"))
    head = make_client()
    assert login(head, "ken.head@demo.example").status_code == 303
    page = head.get(url)
    assert page.status_code == 200 and "Change the meeting" not in page.text and "Add an agenda item" not in page.text
    assert head.get(f"{url}/edit").status_code == 403
    assert post_form(head, f"{url}/cancel", {}, page=url).status_code == 403
    assert head.get(f"{url}/attendance").status_code == 403


def test_running_the_meeting_from_its_page(as_user, db: Session) -> None:  # type: ignore[no-untyped-def]
    client = as_user("chair@demo.example")
    url = schedule(client)
    for title in ("Opening", "Section 3"):
        assert post_form(client, f"{url}/agenda", {"title": title}, page=url).status_code == 303
    assert post_form(client, f"{url}/start", {}, page=url).status_code == 303
    assert post_form(client, f"{url}/agenda/next", {}, page=url).status_code == 303
    page = client.get(url).text
    assert re.search(r'agenda__item--current" aria-current="true">\s*<strong>Opening', page)
    assert post_form(client, f"{url}/agenda/next", {}, page=url).status_code == 303
    assert post_form(client, f"{url}/agenda/next", {}, page=url).status_code == 409
    assert post_form(client, f"{url}/close", {}, page=url).status_code == 303
    assert "Closed" in client.get(url).text


def test_the_secretariat_takes_the_roll_call_and_a_head_checks_in_only_its_own_delegation(
    make_client, as_user, db: Session
) -> None:  # type: ignore[no-untyped-def]
    secretariat = as_user("secretariat@demo.example")
    url = schedule(secretariat)
    form = secretariat.get(f"{url}/attendance")
    assert form.status_code == 200 and 'name="present-KEN"' in form.text
    saved = post_form(
        secretariat, f"{url}/attendance", {"present-KEN": "present", "present-NGA": "absent"}, page=f"{url}/attendance"
    )
    assert saved.status_code == 303
    page = secretariat.get(url).text
    assert "Kenya (KEN): present" in page and "Nigeria (NGA): absent" in page
    bad = post_form(secretariat, f"{url}/attendance", {"present-XXX": "present"}, page=f"{url}/attendance")
    assert bad.status_code == 404 and "XXX" in bad.text
    head = make_client()
    assert login(head, "nga.head@demo.example").status_code == 303
    assert "Check my delegation in" in head.get(url).text
    assert post_form(head, f"{url}/check-in", {"present": "present"}, page=url).status_code == 303
    assert "Nigeria (NGA): present" in head.get(url).text
    delegate = make_client()
    assert login(delegate, "ken.delegate@demo.example").status_code == 303
    assert "Check my delegation in" not in delegate.get(url).text
    assert post_form(delegate, f"{url}/check-in", {"present": "absent"}, page=url).status_code == 403
    assert "Kenya (KEN): present" in delegate.get(url).text


def _events(body: bytes) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


def test_the_calendar_lists_meetings_and_open_round_deadlines(as_user, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    client = as_user("secretariat@demo.example")
    url = schedule(client, online_url="https://meet.example.org/oewg")
    mid = int(url.rsplit("/", 1)[1])
    cancelled = int(schedule(client, title="Cancelled one").rsplit("/", 1)[1])
    assert post_form(client, f"{M}/{cancelled}/cancel", {}, page=f"{M}/{cancelled}").status_code == 303
    rid = (
        api("chair")
        .post(
            "/api/v1/groups/oewg-ict/rounds",
            {
                "document": "declaration",
                "title": "Silence on 3.2",
                "clause": "3.2",
                "closes_at": "2099-06-01T17:00:00Z",
            },
        )
        .json()["id"]
    )
    assert api("chair").post(f"/api/v1/rounds/{rid}/open").status_code == 200
    response = client.get("/groups/oewg-ict/calendar.ics")
    assert response.status_code == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    meeting = events[f"meeting-{mid}.oewg-ict@consensus"]
    assert meeting.decoded("DTSTART") == datetime(2027, 2, 1, 10, 0, tzinfo=UTC)
    assert meeting.decoded("DTEND") == datetime(2027, 2, 1, 13, 0, tzinfo=UTC)
    assert str(meeting["SUMMARY"]) == "Informal consultations on section 3"
    assert "Room XX" in str(meeting["LOCATION"]) and str(meeting["URL"]).endswith(f"/meetings/{mid}")
    assert int(meeting["SEQUENCE"]) == 0 and str(meeting["STATUS"]) == "CONFIRMED"
    gone = events[f"meeting-{cancelled}.oewg-ict@consensus"]
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 1
    deadline = events[f"round-{rid}-deadline.oewg-ict@consensus"]
    assert deadline.decoded("DTSTART") == datetime(2099, 6, 1, 17, 0, tzinfo=UTC)
    assert "Silence on 3.2" in str(deadline["SUMMARY"])


def test_a_private_calendar_address_works_without_a_session_and_renewing_kills_the_old_one(
    as_user, make_client, db: Session
) -> None:  # type: ignore[no-untyped-def]
    client = as_user("ken.head@demo.example")
    url = schedule(as_user("secretariat@demo.example"))
    assert login(client, "ken.head@demo.example").status_code == 303
    made = post_form(client, "/groups/oewg-ict/calendar-feed", {}, page=M)
    assert made.status_code == 200
    address = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', made.text)
    assert address, made.text
    path = address.group(1).split("://", 1)[1].split("/", 1)[1]
    token = path.removeprefix("calendar/").removesuffix(".ics")
    stored = q(db).execute(select(CalendarFeed)).scalars().all()
    assert len(stored) == 1 and token not in stored[0].token_hash and len(stored[0].token_hash) == 64
    anonymous = make_client()
    feed = anonymous.get("/" + path)
    assert feed.status_code == 200
    assert f"meeting-{url.rsplit('/', 1)[1]}.oewg-ict@consensus" in _events(feed.content)
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404
    assert anonymous.get(f"/calendar/{token}").status_code == 404
    renewed = post_form(client, "/groups/oewg-ict/calendar-feed", {}, page=M)
    assert renewed.status_code == 200 and "Private calendar address" in renewed.text
    assert anonymous.get("/" + path).status_code == 404
    assert len(q(db).execute(select(CalendarFeed)).scalars().all()) == 1
    assert "You have a private calendar address" in client.get(M).text


def test_the_calendar_needs_a_session_or_a_private_address(make_client) -> None:  # type: ignore[no-untyped-def]
    anonymous = make_client()
    assert anonymous.get("/groups/oewg-ict/calendar.ics", follow_redirects=False).status_code in (302, 303, 401)


def test_the_meeting_page_leads_to_the_room_and_each_items_list_of_speakers(make_client, as_user, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = as_user("secretariat@demo.example")
    url = schedule(secretariat)
    meeting_id = int(url.rstrip("/").rsplit("/", 1)[1])
    added = post_form(secretariat, f"{url}/agenda", {"title": "General debate", "document": "", "clause": ""}, page=url)
    assert added.status_code == 303
    item = q(db).execute(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)).scalar_one()
    page = secretariat.get(url).text
    assert f'href="{url}/projector"' in page and f'href="{url}/console"' in page
    assert f'href="/meetings/{meeting_id}/items/{item}/speakers"' in page
    head = make_client()
    assert login(head, "ken.head@demo.example").status_code == 303
    seen = head.get(url).text
    assert f'href="{url}/projector"' in seen and f'href="{url}/console"' not in seen  # the console is the chair's
    speakers = head.get(f"/meetings/{meeting_id}/items/{item}/speakers")
    assert speakers.status_code == 200 and f'href="{url}"' in speakers.text  # and back to the meeting
