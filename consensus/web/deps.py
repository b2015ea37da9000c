"""Dependencies handlers ask for by name: the database session and the current user."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import anyio.to_thread
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import PathParameter, QueryParameter
from sqlmodel import Session

from consensus.accounts.identity import CurrentUser
from consensus.i18n import _
from consensus.lookups import as_viewer
from consensus.settings import Settings
from consensus.speakers.live import wake_meetings_after_commit
from consensus.voting.live import wake_after_commit


async def provide_db(state: State, request: Request[Any, Any, Any]) -> AsyncGenerator[Session, None]:
    """One database session per request; services open the write transactions they need. Live
    pages of the rounds a transaction announced are woken once it commits (``wake_after_commit``).
    It reads as the signed-in user may see (``lookups.as_viewer``: documents in preparation).

    Making the session costs no I/O, so it happens on the event loop. Closing it returns the
    connection to the pool (a rollback): instant on SQLite, a round trip on PostgreSQL, which
    goes to a worker thread. (A sync generator would cost a thread hop for every request.)
    """
    session = wake_after_commit(Session(state.engine, expire_on_commit=False), state.watcher)
    wake_meetings_after_commit(session, state.meeting_watcher)
    user = request.scope.get("user")
    if isinstance(user, CurrentUser):
        as_viewer(session, ((m.group_id, slug, m.role) for slug, m in user.memberships.items()))
    try:
        yield session
    finally:
        if state.engine.dialect.name == "sqlite":
            session.close()
        else:
            await anyio.to_thread.run_sync(session.close)


def provide_user(request: Request[Any, Any, Any]) -> CurrentUser:
    """The signed-in user (routes that ask for it are guarded, so this only fails on a bug)."""
    user: CurrentUser | None = request.scope.get("user")
    if user is None:
        raise NotAuthorizedException(_("Log in to see this page."))
    return user


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


# Annotations handlers use, so Litestar knows these come from the dependency graph.
Db = NamedDependency[Session]
Me = NamedDependency[CurrentUser]
AppSettings = NamedDependency[Settings]


MAX_ID = 2_147_483_647
"""Ids and numbers in paths stay within 32 bits: bigger ones are refused as bad input, not passed to
the database (SQLite cannot even bind them)."""
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
VersionNumber = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_ID, description="Version number; the latest by default")
]
