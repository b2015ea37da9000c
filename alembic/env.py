"""Alembic environment: migrations run against the database named by the settings."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import consensus.models  # noqa: F401  (registers every table on SQLModel.metadata)
from consensus.db import ExactDecimal, UTCDateTime, make_engine
from consensus.settings import DatabaseSettings, get_settings, normalise_database_url

config = context.config
target_metadata = SQLModel.metadata


def _database() -> DatabaseSettings:
    # Tests and commands may pass a URL explicitly; otherwise the environment decides.
    url = config.attributes.get("database_url") or get_settings().database.url
    return DatabaseSettings(url=normalise_database_url(url))


def run_migrations_offline() -> None:
    database = _database()
    context.configure(
        url=database.url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=database.is_sqlite,
        render_item=render_item,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection, connection.dialect.name == "sqlite")
        return
    database = _database()
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            _run(connection, database.is_sqlite)
    finally:
        engine.dispose()


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our column types in migrations as plain SQLAlchemy types where one exists."""
    if type_ == "type":
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        if isinstance(obj, ExactDecimal):
            return "consensus.db.ExactDecimal()"
        if isinstance(obj, AutoString):
            return f"sa.String(length={obj.length})" if obj.length else "sa.Text()"
    return False


def _run(connection: Any, is_sqlite: bool) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,
        compare_type=True,
        render_item=render_item,
    )
    if not is_sqlite:
        with context.begin_transaction():
            context.run_migrations()
        return
    # A batch operation on SQLite copies the table, drops the old one and renames the copy. With
    # foreign keys on, that DROP deletes the old table's rows first and every ON DELETE CASCADE
    # child goes with them (a document's versions, an amendment's sponsors and rounds). SQLite
    # ignores the pragma inside a transaction, so it is switched off before ours begins, the
    # references are checked before it commits, and it is switched on again whatever happens.
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"The migration left rows pointing at nothing: {broken[:10]}")
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
