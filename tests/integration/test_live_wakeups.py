"""Live pages are woken from one place: the services announce a changed round in its transaction,
and the hook on the session wakes the round's watcher once that transaction has committed (never
when it rolls back). No handler wakes anything itself."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.db import write_transaction
from consensus.errors import Conflict
from consensus.voting import live
from consensus.voting import services as voting
from tests.conftest import ServerProcess, TestDatabase, who
from tests.integration.test_workers import open_round, watch_live


class RecordingWatcher(live.RoundWatcher):
    """A watcher that also keeps the rounds it was told of, in order."""

    def __init__(self) -> None:
        super().__init__(lambda round_id: None)
        self.woken: list[int] = []

    def notify(self, round_id: int) -> None:
        self.woken.append(round_id)
        super().notify(round_id)


def draft(db: Session, title: str = "Consensus on the whole text") -> int:
    chair = who(db, "chair@demo.example")
    return voting.create_round(db, chair, "oewg-ict", voting.RoundInput(document="declaration", title=title))


def test_a_round_changed_by_a_service_wakes_its_pages_once_the_transaction_commits(db: Session) -> None:
    watcher = RecordingWatcher()
    live.wake_after_commit(db, watcher)
    chair, head = who(db, "chair@demo.example"), who(db, "ken.head@demo.example")
    rid = draft(db)
    assert watcher.woken == []  # a draft is nobody's live page yet: creating it announces nothing
    voting.open_round(db, chair, "oewg-ict", rid)
    voting.cast_ballot(db, head, "oewg-ict", rid, "support")
    voting.cast_ballot(db, head, "oewg-ict", rid, "support")  # the same ballot again changes nothing
    voting.close_round(db, chair, "oewg-ict", rid)
    assert watcher.woken == [rid, rid, rid]


def test_a_change_that_rolls_back_wakes_nobody(db: Session) -> None:
    watcher = RecordingWatcher()
    live.wake_after_commit(db, watcher)
    chair = who(db, "chair@demo.example")
    rid = draft(db)
    with pytest.raises(RuntimeError), write_transaction(db):
        live.announce(db, rid)
        raise RuntimeError("the write failed after the announcement")
    with pytest.raises(Conflict):
        voting.close_round(db, chair, "oewg-ict", rid)  # refused: a draft is not closed
    with write_transaction(db):
        pass  # a later commit does not carry what was announced and rolled back
    assert watcher.woken == []


def test_a_session_without_a_watcher_is_left_alone(db: Session) -> None:
    chair = who(db, "chair@demo.example")
    rid = draft(db)
    voting.open_round(db, chair, "oewg-ict", rid)  # nothing to wake, nothing fails
    assert live.ANNOUNCED not in db.info


def test_a_ballot_reaches_the_live_panel_at_once_not_at_the_next_poll(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    """One server whose live pages poll once a minute: the ballot can reach the page in time only by
    being announced (on SQLite nothing else tells the page)."""
    chair = create_api_token(db, "chair@demo.example")
    head = create_api_token(db, "ken.head@demo.example")
    db.close()
    server = ServerProcess(tmp_path, test_database.url, env={"LIVE_POLL_SECONDS": "60"})
    server.start()
    try:
        rid = open_round(server.url, chair, "Announced, not polled")
        panels, reader = watch_live(server.url, chair, rid)
        assert "0 of" in panels.get(timeout=10)
        ballot = httpx.put(
            f"{server.url}/api/v1/rounds/{rid}/ballot",
            json={"choice": "yes"},
            headers={"Authorization": f"Bearer {head}"},
        )
        assert ballot.status_code == 200, ballot.text
        assert "1 of" in panels.get(timeout=10)  # within seconds, a minute before the next poll
        closed = httpx.post(f"{server.url}/api/v1/rounds/{rid}/close", headers={"Authorization": f"Bearer {chair}"})
        assert closed.status_code == 200
        assert "Result: passed" in panels.get(timeout=10)
        reader.join(timeout=10)
        assert not reader.is_alive()
    finally:
        server.stop()
