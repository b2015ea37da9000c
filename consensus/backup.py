"""Consistent backups and restores of the database while the server keeps running.

SQLite uses its online backup API (a consistent snapshot even while others write); PostgreSQL uses
pg_dump and pg_restore (custom format) from the server's client tools."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from consensus.settings import DatabaseSettings, private_file


class BackupError(RuntimeError):
    """A backup or restore that could not be made; the message says why."""


def _sqlite_path(database: DatabaseSettings) -> Path:
    name = make_url(database.url).database
    if not name or name == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(name)


def _pg_url(database: DatabaseSettings) -> str:
    return make_url(database.url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(database: DatabaseSettings, target: Path) -> None:
    """Write a consistent copy of the database to ``target`` (readable by the owner alone)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if database.is_sqlite:
        source = _sqlite_path(database)
        if not source.exists():
            raise BackupError(f"there is no database at {source}")
        partial = private_file(target.with_suffix(target.suffix + ".partial"))
        with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(partial) as dst:
            src.backup(dst, pages=1024)
        partial.replace(target)
        return
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BackupError("pg_dump is not installed (Debian package postgresql-client)")
    private_file(target)  # pg_dump keeps the mode of the file it overwrites
    result = subprocess.run(  # noqa: S603
        [tool, "--format=custom", "--no-owner", f"--file={target}", _pg_url(database)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def restore(database: DatabaseSettings, source: Path) -> None:
    """Replace the database's contents with a backup made by ``backup``."""
    if not source.exists():
        raise BackupError(f"there is no backup at {source}")
    if database.is_sqlite:
        target = _sqlite_path(database)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(target, timeout=30) as dst:
            # The backup API writes the whole database in one go, under the destination's lock.
            src.backup(dst)
        return
    tool = shutil.which("pg_restore")
    if tool is None:
        raise BackupError("pg_restore is not installed (Debian package postgresql-client)")
    result = subprocess.run(  # noqa: S603
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_pg_url(database)}",
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
