"""Several server processes on one database, as behind a load balancer: a ballot cast through one
reaches the live tally served by another, and a round's deadline closes it exactly once.

On PostgreSQL the live pages poll only once a minute here, so the update can only arrive in time
by the server's notification (LISTEN/NOTIFY); on SQLite polling the shared file is the mechanism."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, update
from sqlmodel import Session, col

from consensus.accounts.services import create_api_token
from consensus.db import make_engine, utcnow
from consensus.models import AuditEvent, Round
from tests.conftest import ServerProcess, TestDatabase, make_settings, wait_until
from tests.databases import BACKEND

ROUNDS = "/api/v1/groups/oewg-ict/rounds"


@contextmanager
def workers(tmp_path: Path, database: TestDatabase, count: int) -> Iterator[list[ServerProcess]]:
    env = {"LIVE_POLL_SECONDS": "60"} if BACKEND == "postgresql" else {}
    servers = []
    for number in range(count):
        folder = tmp_path / f"worker{number}"
        folder.mkdir()
        servers.append(ServerProcess(folder, database.url, env=env))
    with ExitStack() as stack:
        for server in servers:
            server.start()
            stack.callback(server.stop)
        yield servers


def open_round(url: str, chair_token: str, title: str, rule: str = "simple_majority") -> int:
    """A round on the demo declaration, created and opened by the chair through the API."""
    as_chair = {"Authorization": f"Bearer {chair_token}"}
    created = httpx.post(url + ROUNDS, json={"document": "declaration", "title": title, "rule": rule}, headers=as_chair)
    rid = int(created.json()["id"])
    assert httpx.post(f"{url}/api/v1/rounds/{rid}/open", headers=as_chair).status_code == 200
    return rid


def watch_live(url: str, token: str, rid: int) -> tuple[queue.Queue[str], threading.Thread]:
    """A reader of the round's live page in a thread of its own, once connected; each panel it
    receives lands in the queue (the first is the round as it is now)."""
    panels: queue.Queue[str] = queue.Queue()
    connected = threading.Event()
    reader = threading.Thread(target=live_events, args=(url, token, rid, panels, connected), daemon=True)
    reader.start()
    assert connected.wait(10), "the live page did not connect"
    return panels, reader


def live_events(url: str, token: str, rid: int, into: queue.Queue[str], connected: threading.Event) -> None:
    """Read the round's server-sent events, putting each panel's HTML in ``into``."""
    headers = {"Authorization": f"Bearer {token}"}
    with (
        contextlib.suppress(httpx.TransportError),  # the server stopped under an open stream
        httpx.Client(base_url=url, headers=headers, timeout=httpx.Timeout(5, read=90)) as client,
        client.stream("GET", f"/groups/oewg-ict/rounds/{rid}/live") as stream,
    ):
        connected.set()
        event, data = "", []
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif not line:  # a blank line ends an event
                if event == "live":
                    into.put("\n".join(data))
                if event == "over":
                    return
                event, data = "", []


def test_a_ballot_cast_through_one_worker_reaches_the_live_tally_served_by_another(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    chair = create_api_token(db, "chair@demo.example")
    head = create_api_token(db, "ken.head@demo.example")
    db.close()
    with workers(tmp_path, test_database, 2) as (first, second):
        as_chair = {"Authorization": f"Bearer {chair}"}
        rid = open_round(first.url, chair, "Across workers")
        panels, reader = watch_live(second.url, chair, rid)
        before = panels.get(timeout=10)
        assert "0 of" in before

        cast_at = time.monotonic()
        ballot = httpx.put(
            f"{first.url}/api/v1/rounds/{rid}/ballot",
            json={"choice": "yes"},
            headers={"Authorization": f"Bearer {head}"},
        )
        assert ballot.status_code == 200, ballot.text
        after = panels.get(timeout=10)
        waited = time.monotonic() - cast_at
        assert "1 of" in after, after[:300]
        assert waited < 5, f"the other worker heard of the ballot after {waited:.1f} s"

        # Closing through the first worker ends the second worker's stream with the result.
        assert httpx.post(f"{first.url}/api/v1/rounds/{rid}/close", headers=as_chair).status_code == 200
        final = panels.get(timeout=10)
        assert "Result: passed" in final
        reader.join(timeout=10)
        assert not reader.is_alive()


def test_deadlines_close_each_round_once_with_several_workers(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    chair = create_api_token(db, "chair@demo.example")
    db.close()
    engine = make_engine(make_settings(tmp_path, test_database.url).database)

    def still_open(rids: list[int]) -> int:
        with Session(engine) as session:
            return int(
                session.execute(
                    select(func.count()).where(col(Round.id).in_(rids), col(Round.status) != "closed")
                ).scalar_one()
            )

    try:
        with workers(tmp_path, test_database, 3) as servers:
            rids = [open_round(servers[0].url, chair, f"Silence {number}", "consensus") for number in range(6)]
            with Session(engine) as session:  # every round falls due at the same moment
                session.execute(
                    update(Round).where(col(Round.id).in_(rids)).values(closes_at=utcnow() - timedelta(seconds=1))
                )
                session.commit()
            wait_until(lambda: still_open(rids) == 0, "every round should be closed at its deadline", seconds=15)
        # Every worker has stopped now, and a worker stopped this way (SIGTERM) lets a closing it has
        # begun run to its end before its process exits: the closings written are all there will be.
        with Session(engine) as session:
            closings = dict(
                session.execute(
                    select(col(AuditEvent.object_id), func.count())
                    .where(
                        col(AuditEvent.action) == "round.close", col(AuditEvent.object_id).in_([str(r) for r in rids])
                    )
                    .group_by(col(AuditEvent.object_id))
                ).all()
            )
    finally:
        engine.dispose()
    assert {int(subject): count for subject, count in closings.items()} == dict.fromkeys(rids, 1)
