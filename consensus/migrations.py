"""Running Alembic migrations and refusing to serve a database that is behind."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from consensus import PROJECT_ROOT

UPGRADE_COMMAND = "consensus migrate"


class SchemaBehind(RuntimeError):
    """The database is not at the revision this code expects."""


def alembic_config(database_url: str | None = None) -> Config:
    """Alembic's configuration (from pyproject.toml), optionally pointed at a given database."""
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Bring the database up to the newest schema."""
    command.upgrade(alembic_config(database_url), revision)


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Raise ``SchemaBehind`` with the command that fixes it when the database is not current."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaBehind(
            f"The database at {engine.url.render_as_string(hide_password=True)} has no schema yet. "
            f"Run `{UPGRADE_COMMAND}` to create it."
        )
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise SchemaBehind(
            f"The database is at revision {current}, which this version of Consensus does not know "
            f"(newest known: {head}). It was upgraded by a newer release."
        )
    raise SchemaBehind(
        f"The database is at revision {current} but this code expects {head}. Run `{UPGRADE_COMMAND}` to upgrade it."
    )
