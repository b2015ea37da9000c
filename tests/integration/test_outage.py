"""The database going away mid-use: pages and the API answer a clean 503 while it is gone, and the
server recovers by itself when it is back (PostgreSQL, cut at the network by a proxy; an embedded
SQLite file cannot go away apart from the server that holds it)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.voting.live import CHANNEL
from tests.conftest import ServerProcess, TestDatabase
from tests.databases import BACKEND
from tests.integration.test_workers import open_round, watch_live
from tests.proxy import CuttableProxy

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="needs a database server to lose")


def wait_for(check, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        outcome = check()
        if outcome:
            return outcome
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_a_lost_database_gives_503s_and_the_server_recovers_by_itself(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    chair = create_api_token(db, "chair@demo.example")
    head = create_api_token(db, "ken.head@demo.example")
    db.close()
    real = make_url(test_database.url)
    proxy = CuttableProxy(real.host or "127.0.0.1", real.port or 5432)
    through_proxy = real.set(port=proxy.port).render_as_string(hide_password=False)
    server = ServerProcess(tmp_path, through_proxy, env={"LIVE_POLL_SECONDS": "60"})
    log = tmp_path / "server.log"
    as_chair = {"Authorization": f"Bearer {chair}"}
    try:
        url = server.start()
        client = httpx.Client(base_url=url, headers=as_chair, timeout=20)
        rid = open_round(url, chair, "Outage")
        panels, _reader = watch_live(url, chair, rid)
        assert "0 of" in panels.get(timeout=10)

        proxy.cut()
        page = client.get("/groups/oewg-ict/documents/declaration", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert "cannot be reached" in page.text and "<html" in page.text
        assert page.headers["Retry-After"] == "5"
        api = client.get(f"/api/v1/rounds/{rid}")
        assert api.status_code == 503 and "cannot be reached" in api.json()["detail"]
        ballot = client.put(
            f"/api/v1/rounds/{rid}/ballot", json={"choice": "yes"}, headers={"Authorization": f"Bearer {head}"}
        )
        assert ballot.status_code == 503

        proxy.restore()
        wait_for(lambda: client.get(f"/api/v1/rounds/{rid}").status_code == 200, 15, "the server did not recover")
        assert client.get("/groups/oewg-ict/documents/declaration").status_code == 200
        # The live listener reconnects too (backing off up to ten seconds), after which a ballot
        # reaches the open live page at once although it polls only once a minute.
        wait_for(lambda: log.read_text().count(f"listening on {CHANNEL}") >= 2, 20, "the listener did not return")
        ballot = client.put(
            f"/api/v1/rounds/{rid}/ballot", json={"choice": "yes"}, headers={"Authorization": f"Bearer {head}"}
        )
        assert ballot.status_code == 200, ballot.text
        assert "1 of" in panels.get(timeout=5)
        client.close()
    finally:
        server.stop()
        proxy.close()
    text = log.read_text()
    assert "database unavailable" in text
    assert "unexpected error" not in text and "Traceback" not in text
