"""Live rounds: watching a round's state and telling every open page when it moves.

A round's state is its status and its newest audit event (every ballot and every change of status
is one). One poller per watched round per process reads it (one index lookup). It wakes when
told a round changed, and the one place that tells is ``announce``, called by the services in the
changing transaction: this process's pollers are woken once that transaction commits (the
after-commit hook ``wake_after_commit`` puts on the sessions of requests and of the deadline loop),
and on PostgreSQL every worker's listener hears the ``NOTIFY`` the transaction sends, which the
server delivers when it commits. A transaction that rolls back wakes nobody. Between
wake-ups it polls: every half second on SQLite (where polling is how other processes are heard) or
while the listener is away, and only as a safety net (every few seconds) while it listens. Pages hold
no database connection while they wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field

import anyio.to_thread
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

log = logging.getLogger("consensus.live")

State = tuple[int, str]
"""(sequence number of the round's newest audit event, status) of a round."""

CHANNEL = "consensus_rounds"
"""The PostgreSQL notification channel; the payload is the round's id."""


ANNOUNCED = "consensus.live.announced"
"""Key in ``Session.info``: the rounds announced in the session's transaction under way."""
WATCHER = "consensus.live.watcher"
"""Key in ``Session.info``: the watcher to wake once those rounds' changes have committed."""


def announce(session: Session, round_id: int) -> None:
    """Tell every live page of a round that it changed, once the caller's transaction commits: the
    pages of this process through the watcher the session carries (``wake_after_commit``), those of
    other workers by PostgreSQL's ``NOTIFY`` (transactional too). A rolled-back change is never
    announced."""
    session.info.setdefault(ANNOUNCED, set()).add(round_id)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": str(round_id)})


def wake_after_commit(session: Session, watcher: RoundWatcher) -> Session:
    """Have ``watcher`` wake the pages of every round announced in a transaction of ``session`` once
    that transaction has committed (the hook is listened for once, on every session; a session
    without a watcher is left alone)."""
    session.info[WATCHER] = watcher
    return session


@event.listens_for(Session, "after_commit")
def _wake_announced(session: Session) -> None:
    announced = session.info.pop(ANNOUNCED, None)
    watcher = session.info.get(WATCHER)
    if announced and watcher is not None:
        for round_id in sorted(announced):
            watcher.notify(round_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """What a transaction announced and did not commit (a rollback, a session closed) is dropped."""
    if transaction.parent is None:
        session.info.pop(ANNOUNCED, None)


@dataclass
class _Watch:
    state: State | None = None
    subscribers: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    kick: asyncio.Event = field(default_factory=asyncio.Event)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class RoundWatcher:
    """Shares one poller per round among all the pages watching it in this process."""

    def __init__(
        self, read_state: Callable[[int], State | None], interval: float = 0.5, listening_interval: float = 5.0
    ) -> None:
        self._read = read_state
        self._interval = interval
        self._listening_interval = listening_interval
        self._listening = False
        self._watches: dict[int, _Watch] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def listening(self, connected: bool) -> None:
        """The notification listener connected (poll less) or lost its connection (poll often).
        Either way every round is read again now: notifications sent while away are lost."""
        self._listening = connected
        for watch in self._watches.values():
            watch.kick.set()

    def notify(self, round_id: int) -> None:
        """Wake the poller of a round now (safe to call from a worker thread)."""
        watch = self._watches.get(round_id)
        if watch is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(watch.kick.set)

    async def _poll(self, round_id: int, watch: _Watch) -> None:
        while True:
            try:
                state = await anyio.to_thread.run_sync(self._read, round_id)
            except OperationalError as exc:  # the database may be briefly away; keep watching
                log.warning("could not read round %s: %s", round_id, exc.orig)
            except Exception:
                log.exception("could not read round %s", round_id)
            else:
                if state != watch.state or not watch.ready.is_set():
                    watch.state = state
                    watch.ready.set()
                    async with watch.changed:
                        watch.changed.notify_all()
            interval = self._listening_interval if self._listening else self._interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(watch.kick.wait(), timeout=interval)
            watch.kick.clear()

    async def states(self, round_id: int) -> AsyncIterator[State | None]:
        """The round's state now, then each time it changes (until the caller stops)."""
        self._loop = asyncio.get_running_loop()
        watch = self._watches.get(round_id)
        if watch is None:
            watch = self._watches[round_id] = _Watch()
            watch.task = asyncio.create_task(self._poll(round_id, watch))
        watch.subscribers += 1
        try:
            await watch.ready.wait()  # the poller's first read, shared by everyone who came meanwhile
            seen = watch.state
            yield seen
            while True:
                async with watch.changed:
                    await watch.changed.wait_for(_moved_from(watch, seen))
                seen = watch.state
                yield seen
        finally:
            watch.subscribers -= 1
            if watch.subscribers == 0 and self._watches.get(round_id) is watch:
                del self._watches[round_id]
                if watch.task is not None:
                    watch.task.cancel()


class SharedRenders:
    """Each live panel rendered once per round state and audience, shared by every stream of this
    process that shows it: a ballot seen by a thousand open pages costs one render, not a thousand."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._renders: OrderedDict[Hashable, asyncio.Future[str]] = OrderedDict()

    async def get(self, key: Hashable, render: Callable[[], str]) -> str:
        """The render for ``key``: made now by ``render`` (in a worker thread), or the one made or
        being made for another stream. A failed render is not kept."""
        key = (id(asyncio.get_running_loop()), key)  # a task is bound to its event loop
        shared = self._renders.get(key)
        if shared is None:
            shared = self._renders[key] = asyncio.ensure_future(anyio.to_thread.run_sync(render))
            shared.add_done_callback(lambda done: self._forget_failure(key, done))
            while len(self._renders) > self._size:
                self._renders.popitem(last=False)
        # Shielded: a stream that goes away does not cancel the render the others are waiting for.
        return await asyncio.shield(shared)

    def _forget_failure(self, key: Hashable, done: asyncio.Future[str]) -> None:
        if (done.cancelled() or done.exception() is not None) and self._renders.get(key) is done:
            del self._renders[key]


async def listen(conninfo: str, watcher: RoundWatcher, *, channel: str = CHANNEL, retry_max: float = 10.0) -> None:
    """Forward PostgreSQL notifications of changed rounds (or, on another ``channel``, meetings) to
    the watcher, for ever: after losing the server it tries again (backing off up to ``retry_max``
    seconds) while the watcher polls often."""
    import psycopg

    delay = 0.5
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as connection:
                await connection.execute(f"LISTEN {channel}")
                watcher.listening(True)
                log.info("listening on %s", channel)
                delay = 0.5
                async for note in connection.notifies():
                    with contextlib.suppress(ValueError):
                        watcher.notify(int(note.payload))
        except psycopg.OperationalError as exc:
            log.warning("lost the round-change listener (%s); polling until it is back", exc)
        except Exception:
            log.exception("the round-change listener failed; polling until it is back")
        watcher.listening(False)
        await asyncio.sleep(delay)
        delay = min(delay * 2, retry_max)


def _moved_from(watch: _Watch, seen: State | None) -> Callable[[], bool]:
    """Whether the watched round has moved on from ``seen`` (what a stream waits for)."""
    return lambda: watch.state != seen
