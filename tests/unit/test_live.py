"""The live-update plumbing of one process: a watcher shared by many streams, renders shared by
streams that show the same thing."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from consensus.voting.live import RoundWatcher, SharedRenders


def run(coroutine):  # type: ignore[no-untyped-def]
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_streams_that_arrive_together_all_get_the_round_state() -> None:
    """Regression: streams that came while the first read was under way were told the round did
    not exist (seen when 200 live pages opened at once)."""
    reads = []

    def slow_read(round_id: int) -> tuple[int, str]:
        reads.append(round_id)
        time.sleep(0.05)
        return (3, "open")

    watcher = RoundWatcher(slow_read, interval=10)

    async def first_state() -> tuple[int, str] | None:
        states = watcher.states(7)
        try:
            return await anext(states)
        finally:
            await states.aclose()

    async def main() -> list[tuple[int, str] | None]:
        return await asyncio.gather(*(first_state() for _ in range(50)))

    assert run(main()) == [(3, "open")] * 50
    assert reads == [7]  # one read, shared


def test_a_change_reaches_every_stream_once_notified() -> None:
    state = {"changes": 1}
    watcher = RoundWatcher(lambda round_id: (state["changes"], "open"), interval=30)

    async def main() -> list[list[tuple[int, str] | None]]:
        seen: list[list[tuple[int, str] | None]] = [[] for _ in range(20)]

        async def stream(into: list[tuple[int, str] | None]) -> None:
            async for current in watcher.states(1):
                into.append(current)
                if len(into) == 2:
                    return

        tasks = [asyncio.create_task(stream(into)) for into in seen]

        async def every_stream_has_its_first_state() -> None:
            while not all(seen):
                await asyncio.sleep(0)

        await asyncio.wait_for(every_stream_has_its_first_state(), timeout=5)
        state["changes"] = 2
        watcher.notify(1)  # long before the 30-second poll
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
        return seen

    assert run(main()) == [[(1, "open"), (2, "open")]] * 20


def test_renders_are_shared_per_key_and_failures_are_not_kept() -> None:
    calls: list[str] = []
    lock = threading.Lock()

    def render(label: str):  # type: ignore[no-untyped-def]
        def make() -> str:
            with lock:
                calls.append(label)
            time.sleep(0.05)
            return f"<p>{label}</p>"

        return make

    def failing() -> str:
        calls.append("boom")
        raise RuntimeError("template broke")

    renders = SharedRenders(size=2)

    async def main() -> None:
        same = await asyncio.gather(*(renders.get(("r", 1), render("one")) for _ in range(30)))
        assert same == ["<p>one</p>"] * 30
        assert calls == ["one"]
        assert await renders.get(("r", 2), render("two")) == "<p>two</p>"
        with pytest.raises(RuntimeError):
            await renders.get(("r", 3), failing)
        await asyncio.sleep(0)
        assert await renders.get(("r", 3), render("three")) == "<p>three</p>"  # tried again
        await renders.get(("r", 1), render("one again"))  # evicted by then (size 2): rendered anew
        assert calls == ["one", "two", "boom", "three", "one again"]

    run(main())
