"""The databases tests run on: SQLite files by default, or a real PostgreSQL server when
``CONSENSUS_TEST_POSTGRES`` holds an admin URL (``make test`` starts one and runs the suite again).

Every test gets its own database, cloned from a template that was migrated and loaded once: a file
copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

POSTGRES = os.environ.get("CONSENSUS_TEST_POSTGRES", "")
BACKEND = "postgresql" if POSTGRES else "sqlite"


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (the online backup API, WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _admin(statement: str) -> None:
    import psycopg

    url = make_url(POSTGRES).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TestDatabase:
    """One database: its URL, and how to copy and remove it."""

    url: str
    path: Path | None = None
    """The SQLite file (None on PostgreSQL)."""
    name: str = ""
    """The PostgreSQL database name ('' on SQLite)."""

    __test__ = False  # not a pytest test class

    def clone(self, directory: Path) -> TestDatabase:
        """A copy of this database for one test (or one server) of its own."""
        if self.path is not None:
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / "consensus.db"
            copy_sqlite(self.path, target)
            return TestDatabase(sqlite_url(target), path=target)
        name = f"ct_{uuid.uuid4().hex[:16]}"
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        return TestDatabase(_database_url(name), name=name)

    def drop(self) -> None:
        if self.name:
            _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _database_url(name: str) -> str:
    return make_url(POSTGRES).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def empty_database(directory: Path) -> TestDatabase:
    """A database with no schema at all (to migrate, or to find unmigrated)."""
    if BACKEND == "sqlite":
        directory.mkdir(parents=True, exist_ok=True)
        return TestDatabase(sqlite_url(directory / "consensus.db"), path=directory / "consensus.db")
    name = f"ct_{uuid.uuid4().hex[:16]}"
    _admin(f'CREATE DATABASE "{name}"')
    return TestDatabase(_database_url(name), name=name)
