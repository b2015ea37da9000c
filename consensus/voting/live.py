"""Live rounds: watching a round's change counter and telling every open page when it moves.

One poller per watched round per process reads the counter (cheap, one indexed row) every half
second, so updates also cross worker processes; a ballot cast in this process wakes the poller at
once. Pages hold no database connection while they wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import anyio.to_thread

log = logging.getLogger("consensus.live")

State = tuple[int, str]
"""(change counter, status) of a round."""


@dataclass
class _Watch:
    state: State | None = None
    subscribers: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    kick: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class RoundWatcher:
    """Shares one poller per round among all the pages watching it in this process."""

    def __init__(self, read_state: Callable[[int], State | None], interval: float = 0.5) -> None:
        self._read = read_state
        self._interval = interval
        self._watches: dict[int, _Watch] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def notify(self, round_id: int) -> None:
        """Wake the poller of a round now (safe to call from a worker thread)."""
        watch = self._watches.get(round_id)
        if watch is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(watch.kick.set)

    async def _poll(self, round_id: int, watch: _Watch) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(watch.kick.wait(), timeout=self._interval)
            watch.kick.clear()
            try:
                state = await anyio.to_thread.run_sync(self._read, round_id)
            except Exception:  # the database may be briefly away; keep watching
                log.warning("could not read round %s", round_id, exc_info=True)
                continue
            if state != watch.state:
                watch.state = state
                async with watch.changed:
                    watch.changed.notify_all()

    async def states(self, round_id: int) -> AsyncIterator[State | None]:
        """The round's state now, then each time it changes (until the caller stops)."""
        self._loop = asyncio.get_running_loop()
        watch = self._watches.get(round_id)
        if watch is None:
            watch = self._watches[round_id] = _Watch()
            watch.state = await anyio.to_thread.run_sync(self._read, round_id)
            watch.task = asyncio.create_task(self._poll(round_id, watch))
        watch.subscribers += 1
        try:
            seen = watch.state
            yield seen
            while True:
                async with watch.changed:
                    await watch.changed.wait_for(lambda seen=seen: watch.state != seen)
                seen = watch.state
                yield seen
        finally:
            watch.subscribers -= 1
            if watch.subscribers == 0 and self._watches.get(round_id) is watch:
                del self._watches[round_id]
                if watch.task is not None:
                    watch.task.cancel()
