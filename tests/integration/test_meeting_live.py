"""A meeting's live stream: any write to a meeting's rows (its lists of speakers, its agenda, its roll
call) wakes the meeting's pages once the transaction commits, with no handler calling anything; an
inscription through one server reaches a stream served by another at once."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from consensus.accounts.services import create_api_token
from consensus.db import write_transaction
from consensus.models import AgendaItem, Attendance, Delegation
from consensus.speakers import live
from consensus.speakers import services as speakers
from tests.conftest import ServerProcess, TestDatabase, who
from tests.integration.test_speakers import a_meeting, speakers_url
from tests.integration.test_workers import workers


class RecordingWatcher(live.MeetingWatcher):
    """A watcher that also keeps the meetings it was told of, in order."""

    def __init__(self) -> None:
        super().__init__(lambda meeting_id: None)
        self.woken: list[int] = []

    def notify(self, meeting_id: int) -> None:
        self.woken.append(meeting_id)
        super().notify(meeting_id)


def test_a_change_to_the_list_wakes_the_meetings_pages_once_it_commits(db: Session) -> None:
    meeting, (item,) = a_meeting(db)
    watcher = RecordingWatcher()
    live.wake_meetings_after_commit(db, watcher)
    chair = who(db, "chair@demo.example")
    speaker = speakers.inscribe(db, chair, meeting, item, "KEN", "intervention")
    speakers.give_floor(db, chair, meeting, item)
    assert watcher.woken == [meeting, meeting]
    with pytest.raises(RuntimeError), write_transaction(db):
        row = db.get(AgendaItem, item)
        assert row is not None
        row.speakers_open = False
        db.add(row)
        db.flush()
        raise RuntimeError("the write failed after the flush")
    with write_transaction(db):
        pass  # a later commit does not carry what rolled back
    assert watcher.woken == [meeting, meeting]
    assert speaker > 0


def test_other_areas_changes_to_a_meeting_wake_it_without_calling_anything(db: Session) -> None:
    """The agenda's current item and the roll call belong to the meetings area: writing the rows is
    enough."""
    meeting, (first, second) = a_meeting(db, "Opening", "Chapter 3")
    watcher = RecordingWatcher()
    live.wake_meetings_after_commit(db, watcher)
    with write_transaction(db):
        row = db.get(AgendaItem, second)
        assert row is not None
        row.status = "current"
        db.add(row)
    kenya = db.execute(select(Delegation).where(col(Delegation.code) == "KEN")).scalar_one()
    with write_transaction(db):
        db.add(Attendance(meeting_id=meeting, delegation_id=kenya.id, present=True))
    assert watcher.woken == [meeting, meeting]
    before = live.meeting_state(db, meeting)
    assert before is not None and before[2] == second  # the item under discussion is part of the state
    assert first != second


def test_a_session_without_a_meeting_watcher_is_left_alone(db: Session) -> None:
    meeting, (item,) = a_meeting(db)
    speakers.inscribe(db, who(db, "chair@demo.example"), meeting, item, "KEN", "intervention")
    assert live.ANNOUNCED not in db.info


def watch_meeting(url: str, token: str, meeting_id: int) -> tuple[queue.Queue[str], threading.Thread]:
    """A reader of the meeting's live stream in a thread of its own, once connected; the data of each
    ``changed`` event lands in the queue (the first comes at once: the meeting as it is now)."""
    events: queue.Queue[str] = queue.Queue()
    connected = threading.Event()

    def read() -> None:
        with (
            contextlib.suppress(httpx.TransportError),  # the server stopped under an open stream
            httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=httpx.Timeout(5, read=90)
            ) as client,
            client.stream("GET", f"/meetings/{meeting_id}/live") as stream,
        ):
            assert stream.status_code == 200
            connected.set()
            event, data = "", []
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif not line:
                    if event == "changed":
                        events.put("\n".join(data))
                    if event == "over":
                        return
                    event, data = "", []

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert connected.wait(10), "the live stream did not connect"
    return events, reader


def test_an_inscription_reaches_the_meetings_stream_at_once_not_at_the_next_poll(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    """One server whose live pages poll once a minute: the change can arrive in time only by the
    flush hook's wake-up."""
    meeting, (item,) = a_meeting(db)
    chair = create_api_token(db, "chair@demo.example")
    head = create_api_token(db, "ken.head@demo.example")
    db.close()
    server = ServerProcess(tmp_path, test_database.url, env={"LIVE_POLL_SECONDS": "60"})
    server.start()
    try:
        events, _reader = watch_meeting(server.url, chair, meeting)
        first = events.get(timeout=10)
        inscribed = httpx.post(
            server.url + speakers_url(meeting, item), json={}, headers={"Authorization": f"Bearer {head}"}
        )
        assert inscribed.status_code == 201, inscribed.text
        assert events.get(timeout=10) != first  # within seconds, a minute before the next poll
    finally:
        server.stop()


def test_an_inscription_through_one_worker_wakes_the_stream_served_by_another(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    meeting, (item,) = a_meeting(db)
    chair = create_api_token(db, "chair@demo.example")
    head = create_api_token(db, "ken.head@demo.example")
    db.close()
    with workers(tmp_path, test_database, 2) as (first, second):
        events, _reader = watch_meeting(second.url, chair, meeting)
        before = events.get(timeout=10)
        sent_at = time.monotonic()
        inscribed = httpx.post(
            first.url + speakers_url(meeting, item), json={}, headers={"Authorization": f"Bearer {head}"}
        )
        assert inscribed.status_code == 201, inscribed.text
        after = events.get(timeout=10)
        waited = time.monotonic() - sent_at
        assert after != before
        assert waited < 5, f"the other worker heard of the inscription after {waited:.1f} s"
        listing = httpx.get(second.url + speakers_url(meeting, item), headers={"Authorization": f"Bearer {chair}"})
        assert [s["delegation"] for s in listing.json()["waiting"]] == ["KEN"]
