"""Migration 0013 up and down: compromise texts, on a database that already holds amendments with
co-sponsors and rounds (SQLite copies the amendment table: nothing pointing at it may be lost)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from consensus.db import make_engine
from consensus.migrations import alembic_config
from tests.conftest import TestDatabase, make_settings

MADE = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _insert(connection: sa.Connection, table: str, **values: Any) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    return int(
        connection.execute(
            sa.text(f'INSERT INTO "{table}" ({columns}) VALUES ({marks}) RETURNING id'), values
        ).scalar_one()
    )


def _negotiation(connection: sa.Connection) -> dict[str, int]:
    """A group with two delegations, a clause, two amendments (one co-sponsored) and a round on one."""
    group = _insert(
        connection, "working_group", slug="g", name="G", description="", observers_may_comment=False, created_at=MADE
    )
    ken = _insert(
        connection, "delegation", group_id=group, code="KEN", name="Kenya", weight="1", voting_status="participating"
    )
    fra = _insert(
        connection, "delegation", group_id=group, code="FRA", name="France", weight="1", voting_status="participating"
    )
    user = _insert(
        connection, "user_account", email="a@example.org", name="A", is_active=True, created_at=MADE, is_admin=False
    )
    document = _insert(
        connection, "document", group_id=group, slug="d", title="D", status="open", created_at=MADE, language="en"
    )
    version = _insert(connection, "version", document_id=document, number=1, note="", created_at=MADE)
    clause = _insert(
        connection,
        "clause",
        version_id=version,
        position=0,
        number="1",
        heading="",
        text="Old.",
        lineage="l-1",
        status="open",
    )
    common = {"clause_id": clause, "version_id": version, "lineage": "l-1", "author_id": user, "kind": "replace"}
    first = _insert(
        connection,
        "amendment",
        **common,
        delegation_id=ken,
        text="First.",
        rationale="",
        status="proposed",
        decision_reason="",
        created_at=MADE,
    )
    second = _insert(
        connection,
        "amendment",
        **common,
        delegation_id=fra,
        text="Second.",
        rationale="",
        status="accepted",
        decision_reason="",
        created_at=MADE,
    )
    _insert(connection, "amendment_sponsor", amendment_id=first, delegation_id=fra, user_id=user, created_at=MADE)
    _insert(
        connection,
        "round",
        group_id=group,
        document_id=document,
        version_id=version,
        amendment_id=first,
        title="On 1",
        rule="simple_majority",
        weighted=False,
        quorum="0",
        secret=False,
        status="draft",
        created_at=MADE,
    )
    return {"group": group, "version": version, "clause": clause, "user": user, "first": first, "second": second}


def _count(connection: sa.Connection, table: str) -> int:
    return int(connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one())


def test_0013_keeps_every_amendment_sponsor_and_round_and_admits_compromises(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    config = alembic_config(blank_database.url)
    command.upgrade(config, "0012")
    engine = make_engine(make_settings(tmp_path, blank_database.url).database)
    with engine.begin() as connection:
        made = _negotiation(connection)
    command.upgrade(config, "0013")
    with engine.begin() as connection:
        assert _count(connection, "amendment") == 2
        assert _count(connection, "amendment_sponsor") == 1
        assert connection.execute(sa.text('SELECT amendment_id FROM "round"')).scalar_one() == made["first"]
        rows = connection.execute(
            sa.text("SELECT id, status, compromise, superseded_by_id FROM amendment ORDER BY id")
        ).all()
        assert [(r.id, r.status, bool(r.compromise), r.superseded_by_id) for r in rows] == [
            (made["first"], "proposed", False, None),
            (made["second"], "accepted", False, None),
        ]
        compromise = _insert(
            connection,
            "amendment",
            clause_id=made["clause"],
            version_id=made["version"],
            lineage="l-1",
            author_id=made["user"],
            kind="replace",
            text="Both.",
            rationale="",
            status="proposed",
            decision_reason="",
            created_at=MADE,
            compromise=True,
        )
        connection.execute(
            sa.text("UPDATE amendment SET status = 'superseded', superseded_by_id = :c WHERE id = :a"),
            {"c": compromise, "a": made["first"]},
        )
        with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
            connection.execute(
                sa.text("UPDATE amendment SET delegation_id = NULL WHERE id = :a"), {"a": made["second"]}
            )
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    with pytest.raises(RuntimeError, match="compromises or superseded"):
        command.downgrade(config, "0012")
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE amendment SET status = 'proposed', superseded_by_id = NULL"))
        connection.execute(sa.text("DELETE FROM amendment WHERE compromise"))
    command.downgrade(config, "0012")
    with engine.begin() as connection:
        assert _count(connection, "amendment") == 2
        assert _count(connection, "amendment_sponsor") == 1
        assert _count(connection, "round") == 1
        assert "compromise" not in {c["name"] for c in sa.inspect(connection).get_columns("amendment")}
    engine.dispose()
