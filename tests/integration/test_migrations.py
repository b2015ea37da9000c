"""Migrations: the schema comes only from Alembic, matches the models, and the app refuses a
database that is behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from litestar.testing import TestClient
from sqlmodel import SQLModel

from consensus.app import create_app
from consensus.db import make_engine
from consensus.migrations import SchemaBehind, alembic_config, check_schema, upgrade
from tests.conftest import TestDatabase, make_settings


def test_the_migrations_build_exactly_the_models(tmp_path: Path, blank_database: TestDatabase) -> None:
    url = blank_database.url
    upgrade(url)
    engine = make_engine(make_settings(tmp_path, url).database)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_nothing_and_up_again(tmp_path: Path, blank_database: TestDatabase) -> None:
    url = blank_database.url
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    upgrade(url)
    engine = make_engine(make_settings(tmp_path, url).database)
    check_schema(engine)
    engine.dispose()


def test_the_app_refuses_to_serve_an_unmigrated_database_and_names_the_fix(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    settings = make_settings(tmp_path, blank_database.url)
    with pytest.raises(BaseException) as caught, TestClient(create_app(settings)):
        pass
    # Litestar's lifespan wraps start-up errors in an exception group.
    assert isinstance(caught.value, SchemaBehind) or caught.group_contains(SchemaBehind, match="consensus migrate")


def test_the_app_refuses_a_database_left_at_an_older_revision(tmp_path: Path, blank_database: TestDatabase) -> None:
    url = blank_database.url
    upgrade(url)
    engine = make_engine(make_settings(tmp_path, url).database)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    with pytest.raises(SchemaBehind, match="does not know"):
        check_schema(engine)
    engine.dispose()
