"""Backups taken while the server keeps writing restore to a consistent record."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.audit.services import verify
from consensus.db import make_engine
from consensus.models import AuditEvent, AuditHead, Comment
from tests.conftest import BACKEND, TestDatabase, make_settings, run_command, running_server, wait_until


def consensus(data_dir: Path, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"CONSENSUS_DATA_DIR": str(data_dir), "SECRET_KEY": "backup-test", "DATABASE_URL": database_url}
    return run_command(*args, env=env)


def test_a_backup_under_load_restores_with_its_record_intact(
    tmp_path: Path, test_database: TestDatabase, blank_database: TestDatabase, db: Session
) -> None:
    tokens = [create_api_token(db, f"{code}.head@demo.example") for code in ("ken", "ind", "bra", "jpn")]
    db.close()
    served = tmp_path / "served"
    served.mkdir()
    backup_file = tmp_path / "backup.db"
    written = 0
    stop = threading.Event()

    def load(url: str, token: str) -> None:
        nonlocal written
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            while not stop.is_set():
                response = client.post(
                    "/api/v1/groups/oewg-ict/documents/declaration/clauses/3.2/comments", json={"body": "Under load."}
                )
                assert response.status_code == 201, response.text
                written += 1

    with running_server(served, test_database, copy=False) as url:
        writers = [threading.Thread(target=load, args=(url, token)) for token in tokens]
        for writer in writers:
            writer.start()
        wait_until(lambda: written > 10, "the server should be writing before the backup")
        made = consensus(served, "backup", str(backup_file), database_url=test_database.url)
        after_backup = written
        wait_until(lambda: written > after_backup + 10, "the server should go on writing after the backup")
        stop.set()
        for writer in writers:
            writer.join()
    assert made.returncode == 0, made.stderr
    assert written > 20  # the server really was writing around the backup

    restored = tmp_path / "restored"
    result = consensus(restored, "restore", str(backup_file), database_url=blank_database.url)
    assert result.returncode == 0, result.stderr
    verified = consensus(restored, "audit", "verify", database_url=blank_database.url)
    assert verified.returncode == 0, verified.stderr
    engine = make_engine(make_settings(restored, blank_database.url).database)
    with Session(engine) as check:
        comments = check.execute(select(func.count()).select_from(Comment)).scalar_one()
        created = check.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "comment.create")
        ).scalar_one()
        events = check.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        head = check.get(AuditHead, 1)
        assert 0 < comments < written + 1 and comments == created  # data and record from one instant
        assert head is not None and head.last_seq == events
        assert verify(check).ok
        if BACKEND == "sqlite":
            assert check.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()


@pytest.mark.skipif(BACKEND != "sqlite", reason="a PostgreSQL database always exists on its server")
def test_a_backup_of_nothing_is_refused(tmp_path: Path) -> None:
    result = consensus(tmp_path / "empty", "backup", str(tmp_path / "x.db"))
    assert result.returncode == 1 and "no database" in result.stderr
    missing = consensus(tmp_path / "empty", "restore", str(tmp_path / "nothing.db"))
    assert missing.returncode == 1 and "no backup" in missing.stderr
