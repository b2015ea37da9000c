"""Migration 0012 up and down: documents in preparation, editorial corrections, adoption titles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from consensus.db import make_engine
from consensus.migrations import alembic_config
from tests.conftest import TestDatabase, make_settings


def test_0012_allows_preparation_and_a_downgrade_refuses_while_a_document_is_in_it(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    url = blank_database.url
    config = alembic_config(url)
    command.upgrade(config, "0011")
    engine = make_engine(make_settings(tmp_path, url).database)
    made = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        group = connection.execute(
            sa.text(
                "INSERT INTO working_group (slug, name, description, observers_may_comment, created_at) "
                "VALUES ('g', 'G', '', false, :at) RETURNING id"
            ),
            {"at": made},
        ).scalar_one()
        with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
            connection.execute(
                sa.text(
                    "INSERT INTO document (group_id, slug, title, status, created_at, language) "
                    "VALUES (:g, 'early', 'Early', 'preparation', :at, 'en')"
                ),
                {"g": group, "at": made},
            )
    command.upgrade(config, "0012")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO document (group_id, slug, title, status, created_at, language) "
                "VALUES (:g, 'draft', 'Draft', 'preparation', :at, 'en')"
            ),
            {"g": group, "at": made},
        )
        tables = sa.inspect(connection).get_table_names()
        assert "editorial_correction" in tables
        assert "title" in {c["name"] for c in sa.inspect(connection).get_columns("adoption")}
    with pytest.raises(RuntimeError, match="in preparation"):
        command.downgrade(config, "0011")
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE document SET status = 'open'"))
    command.downgrade(config, "0011")
    with engine.begin() as connection:
        assert "editorial_correction" not in sa.inspect(connection).get_table_names()
        assert "title" not in {c["name"] for c in sa.inspect(connection).get_columns("adoption")}
        assert connection.execute(sa.text("SELECT status FROM document")).scalar_one() == "open"
    engine.dispose()
