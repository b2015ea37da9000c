"""Rounds close at their deadline even when nobody is looking (the silence procedure)."""

from __future__ import annotations

import asyncio
import logging

import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from consensus.voting import services as voting
from consensus.voting.live import RoundWatcher, wake_after_commit

log = logging.getLogger("consensus")

CHECK_SECONDS = 1.0


def close_due(engine: Engine, watcher: RoundWatcher) -> None:
    """Close every round whose deadline has passed, in one transaction; its pages wake after the commit."""
    with wake_after_commit(Session(engine, expire_on_commit=False), watcher) as session:
        voting.close_due_rounds(session)


async def close_deadlines(engine: Engine, watcher: RoundWatcher) -> None:
    """Run ``close_due`` every ``CHECK_SECONDS`` until cancelled; a failed pass is logged and retried."""
    while True:
        try:
            await anyio.to_thread.run_sync(close_due, engine, watcher)
        except OperationalError as exc:
            log.warning("closing rounds at their deadline failed (%s); trying again", exc.orig)
        except Exception:
            log.exception("closing rounds at their deadline failed; trying again")
        await asyncio.sleep(CHECK_SECONDS)
