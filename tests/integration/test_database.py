"""The schema enforces what the code promises: unique codes and e-mails, one head per
delegation, allowed values, exact weights, and cascading deletes."""

from __future__ import annotations

import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from consensus.db import make_engine
from consensus.models import Delegation, Membership, User, WorkingGroup
from consensus.settings import read_settings
from tests.conftest import BACKEND


def group_id(db: Session) -> int:
    return db.execute(select(WorkingGroup.id).where(WorkingGroup.slug == "oewg-ict")).scalar_one()


@pytest.mark.parametrize(
    "row",
    [
        lambda db: Delegation(group_id=group_id(db), code="KEN", name="Kenya again"),
        lambda db: User(email="ken.head@demo.example", name="Duplicate"),
        lambda db: Delegation(group_id=group_id(db), code="ZZZ", name="Z", voting_status="sometimes"),
    ],
    ids=["duplicate delegation code", "duplicate e-mail", "unknown voting status"],
)
def test_the_schema_refuses_inconsistent_rows(db: Session, row) -> None:  # type: ignore[no-untyped-def]
    db.add(row(db))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_a_delegation_has_at_most_one_head(db: Session) -> None:
    ken = db.execute(select(Delegation).where(Delegation.code == "KEN")).scalar_one()
    user = User(email="second.head@example.org", name="Second head")
    db.add(user)
    db.flush()
    db.add(Membership(group_id=ken.group_id, user_id=user.id, role="delegate", delegation_id=ken.id, is_head=True))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_a_delegate_must_belong_to_a_delegation(db: Session) -> None:
    user = User(email="nowhere@example.org", name="Nowhere")
    db.add(user)
    db.flush()
    db.add(Membership(group_id=group_id(db), user_id=user.id, role="delegate"))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_weights_come_back_exactly_as_written(db: Session) -> None:
    awkward = Decimal("0.1000000001")
    db.add(Delegation(group_id=group_id(db), code="EXA", name="Exact", weight=awkward))
    db.add(Delegation(group_id=group_id(db), code="BIG", name="Big", weight=Decimal("123456789012.5")))
    db.commit()
    db.expire_all()
    rows = db.execute(select(Delegation.code, Delegation.weight).where(Delegation.code.in_(["EXA", "BIG"])))
    weights = dict(rows.all())
    assert weights == {"EXA": awkward, "BIG": Decimal("123456789012.5")}
    assert sum(weights.values()) == Decimal("123456789012.6000000001")


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite pragmas")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db: Session) -> None:
    assert db.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert db.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert db.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_data_folder_and_the_sqlite_files_are_the_owners_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "fresh" / "data"
    monkeypatch.setenv("CONSENSUS_DATA_DIR", str(data))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    previous = os.umask(0o022)  # the usual umask, which would leave everything world-readable
    try:
        settings = read_settings()
        engine = make_engine(settings.database)
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE secret (ballot TEXT)")
            connection.exec_driver_sql("INSERT INTO secret VALUES ('yes')")
        with engine.connect() as reader:  # the -wal and -shm files exist while a connection is open
            reader.exec_driver_sql("SELECT * FROM secret").all()
            files = {path.name: stat.S_IMODE(path.stat().st_mode) for path in data.iterdir()}
        engine.dispose()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert files == {
        "secret_key": 0o600,
        "consensus.db": 0o600,
        "consensus.db-wal": 0o600,
        "consensus.db-shm": 0o600,
    }
