"""Migrations that copy a table on SQLite (Alembic's batch mode) keep the rows that point at it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from consensus.db import make_engine
from consensus.migrations import alembic_config
from tests.conftest import TestDatabase, make_settings


def test_copying_the_document_table_in_0012_keeps_its_versions_and_clauses(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    config = alembic_config(blank_database.url)
    command.upgrade(config, "0011")
    engine = make_engine(make_settings(tmp_path, blank_database.url).database)
    made = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        group = connection.execute(
            sa.text(
                "INSERT INTO working_group (slug, name, description, observers_may_comment, created_at) "
                "VALUES ('g', 'G', '', false, :at) RETURNING id"
            ),
            {"at": made},
        ).scalar_one()
        document = connection.execute(
            sa.text(
                "INSERT INTO document (group_id, slug, title, status, created_at, language) "
                "VALUES (:g, 'd', 'D', 'open', :at, 'en') RETURNING id"
            ),
            {"g": group, "at": made},
        ).scalar_one()
        version = connection.execute(
            sa.text("INSERT INTO version (document_id, number, note, created_at) VALUES (:d, 1, '', :at) RETURNING id"),
            {"d": document, "at": made},
        ).scalar_one()
        connection.execute(
            sa.text(
                "INSERT INTO clause (version_id, position, number, heading, text, lineage, status) "
                "VALUES (:v, 0, '1', '', 'Text.', 'lineage-1', 'open')"
            ),
            {"v": version},
        )
    command.upgrade(config, "0012")
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM version")).scalar_one() == 1
        assert connection.execute(sa.text("SELECT text FROM clause")).scalar_one() == "Text."
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    engine.dispose()
