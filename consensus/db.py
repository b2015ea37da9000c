"""Database plumbing: engines, column types, sessions and write transactions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect, Engine, event, types
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from consensus.settings import DatabaseSettings, private_file

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_POOL_SIZE = 40


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(types.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores no zone)."""

    impl = types.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ExactDecimal(types.TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC on PostgreSQL, canonical text on SQLite (which would use floats)."""

    impl = types.String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(types.Numeric(30, 10, asdecimal=True))
        return dialect.type_descriptor(types.String(40))

    def process_bind_param(self, value: Decimal | str | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = Decimal(str(value))
        if dialect.name == "postgresql":
            return exact
        return format(exact.normalize(), "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        exact = Decimal(str(value))
        # NUMERIC pads with zeros; normalise so both backends return the same value.
        return Decimal(format(exact.normalize(), "f"))


def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and transactions we begin ourselves.

    pysqlite's own transaction handling would begin lazily and never with IMMEDIATE; we take it
    over so that a write transaction can claim the write lock up front (``write_transaction``),
    which avoids "database is locked" when two read-then-write transactions meet.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(database: DatabaseSettings) -> Engine:
    """An engine for the configured database, with our drivers and pragmas."""
    url = make_url(database.url)
    if database.is_sqlite:
        if url.database and url.database != ":memory:":
            # Made here, before SQLite opens it, so that it is the owner's alone (0600, in a 0700
            # folder): SQLite gives its -wal and -shm files the database file's permissions.
            private_file(Path(url.database))
        engine = create_engine(
            url,
            echo=database.echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            # Enough pooled connections for every worker thread (anyio's default is 40): an
            # overflow connection is opened and closed per use, and that cost dominated under load.
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=8,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=database.echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


@contextlib.contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """One transaction for one action: everything inside commits together or not at all.

    On SQLite the transaction begins IMMEDIATE so concurrent writers queue on the busy timeout
    instead of failing when they upgrade from a read lock.
    """
    if session.in_transaction():
        # Reads made earlier in this request hold a deferred transaction; end it so the
        # write transaction starts fresh (and sees the latest committed state).
        session.rollback()
    session.connection(execution_options={"sqlite_immediate": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
