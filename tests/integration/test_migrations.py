"""Migrations: the schema comes only from Alembic, matches the models, and the app refuses a
database that is behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from litestar.testing import TestClient
from sqlalchemy import inspect
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
    engine = make_engine(make_settings(tmp_path, url).database)
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    left = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert left == set(), f"the downgrade left tables behind: {sorted(left)}"
    upgrade(url)
    assert set(inspect(engine).get_table_names()) >= set(SQLModel.metadata.tables)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    check_schema(engine)
    engine.dispose()
    assert differences == []


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


def test_upgrading_to_0010_gives_old_invitations_their_seat_and_old_tokens_an_expiry(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    url = blank_database.url
    command.upgrade(alembic_config(url), "0009")
    engine = make_engine(make_settings(tmp_path, url).database)
    made = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        tables = sa.MetaData()
        tables.reflect(bind=connection)

        def insert(table: str, **values: object) -> int:
            return int(connection.execute(tables.tables[table].insert().values(**values)).inserted_primary_key[0])

        group = insert(
            "working_group", slug="g", name="G", description="", observers_may_comment=False, created_at=made
        )
        kenya = insert(
            "delegation", group_id=group, code="KEN", name="Kenya", weight="1", voting_status="participating"
        )
        user = insert("user_account", email="a@example.org", name="Ms. A", is_active=True, created_at=made)
        insert(
            "membership",
            group_id=group,
            user_id=user,
            role="delegate",
            delegation_id=kenya,
            is_head=True,
            created_at=made,
        )
        insert("invitation", token_hash="h" * 64, user_id=user, group_id=group, created_at=made, expires_at=made)
        insert("api_token", user_id=user, token_hash="t" * 64, label="old", created_at=made)
    upgrade(url)
    with engine.connect() as connection:
        invitation = connection.execute(
            sa.text("SELECT name, role, delegation_id, is_head, sets_password FROM invitation")
        ).one()
        expires = connection.execute(sa.text("SELECT expires_at FROM api_token")).scalar_one()
    engine.dispose()
    assert tuple(invitation) == ("Ms. A", "delegate", kenya, True, True)
    if isinstance(expires, str):  # SQLite hands back text
        expires = datetime.fromisoformat(expires)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    assert expires == made + timedelta(days=90)


def test_upgrading_to_0011_makes_the_first_account_the_administrator_and_going_back_keeps_every_member(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    from datetime import UTC, datetime

    import sqlalchemy as sa

    url = blank_database.url
    command.upgrade(alembic_config(url), "0010")
    engine = make_engine(make_settings(tmp_path, url).database)
    made = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        tables = sa.MetaData()
        tables.reflect(bind=connection)

        def insert(table: str, **values: object) -> int:
            return int(connection.execute(tables.tables[table].insert().values(**values)).inserted_primary_key[0])

        group = insert(
            "working_group", slug="g", name="G", description="", observers_may_comment=False, created_at=made
        )
        first = insert("user_account", email="first@example.org", name="First", is_active=True, created_at=made)
        second = insert("user_account", email="second@example.org", name="Second", is_active=True, created_at=made)
        for user in (first, second):
            insert("membership", group_id=group, user_id=user, role="secretariat", is_head=False, created_at=made)
    upgrade(url)
    with engine.connect() as connection:
        admins = connection.execute(sa.text("SELECT email FROM user_account WHERE is_admin")).scalars().all()
    command.downgrade(alembic_config(url), "0010")
    with engine.connect() as connection:
        members = connection.execute(sa.text("SELECT count(*) FROM membership")).scalar_one()
        columns = {c["name"] for c in sa.inspect(connection).get_columns("user_account")}
    engine.dispose()
    assert admins == ["first@example.org"]
    assert members == 2 and "is_admin" not in columns
