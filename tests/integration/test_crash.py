"""The server killed (SIGKILL) in the middle of a burst of ballots: after a restart every
acknowledged ballot is there, no delegation has two, and the audit chain verifies."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.audit.services import verify
from consensus.db import make_engine
from consensus.models import Ballot, Delegation, Membership, User
from tests.conftest import ServerProcess, TestDatabase, make_settings, port_is_free, wait_until


def test_a_crash_mid_burst_loses_no_acknowledged_ballot(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    heads = db.execute(
        select(User.email, Delegation.code)
        .join(Membership, Membership.user_id == User.id)
        .join(Delegation, Delegation.id == Membership.delegation_id)
        .where(Membership.is_head, Delegation.voting_status == "participating")
    ).all()
    tokens = {code: create_api_token(db, email) for email, code in heads}
    chair = create_api_token(db, "chair@demo.example")
    db.close()
    served = tmp_path / "served"
    served.mkdir()
    server = ServerProcess(served, test_database.url)
    url = server.start()
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {chair}"}) as client:
        rid = client.post(
            "/api/v1/groups/oewg-ict/rounds",
            json={"document": "declaration", "title": "Crash", "rule": "simple_majority"},
        ).json()["id"]
        client.post(f"/api/v1/rounds/{rid}/open")

    acknowledged: dict[str, str] = {}
    landed: list[str] = []
    """Every acknowledgement, in the order they came."""

    async def burst() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:

            async def cast(code: str, choice: str) -> None:
                try:
                    response = await client.put(
                        f"/api/v1/rounds/{rid}/ballot",
                        json={"choice": choice},
                        headers={"Authorization": f"Bearer {tokens[code]}"},
                    )
                except httpx.HTTPError:
                    return  # the server died under this request: it was never acknowledged
                if response.status_code == 200:
                    acknowledged[code] = response.json()["receipt"]
                    landed.append(code)

            await asyncio.gather(*(cast(code, choice) for choice in ("yes", "no", "yes") for code in tokens))

    def kill_mid_burst() -> None:
        # Killed once ballots are landing, with most of the burst still in flight.
        with contextlib.suppress(AssertionError):  # a burst that never lands is reported below
            wait_until(lambda: len(landed) >= 3, "ballots should land", seconds=10)
        server.kill()

    killer = threading.Thread(target=kill_mid_burst)
    killer.start()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, burst()).result()
    killer.join()
    wait_until(lambda: port_is_free(server.port), "the killed server's port should be free again")
    server.start()  # the same data folder: recovery is the database's write-ahead log doing its job
    server.stop()

    engine = make_engine(make_settings(served, test_database.url).database)
    with Session(engine) as check:
        stored = dict(
            check.execute(
                select(Delegation.code, Ballot.receipt)
                .join(Delegation, Delegation.id == Ballot.delegation_id)
                .where(Ballot.round_id == rid)
            ).all()
        )
        per_delegation = (
            check.execute(
                select(func.count()).select_from(Ballot).where(Ballot.round_id == rid).group_by(Ballot.delegation_id)
            )
            .scalars()
            .all()
        )
        assert all(n == 1 for n in per_delegation)
        for code in acknowledged:
            # The last acknowledged ballot of a delegation is stored (a later one may have been
            # committed without its acknowledgement reaching us).
            assert code in stored, code
        assert verify(check).ok
    engine.dispose()
    assert acknowledged, "the burst should have had time to land some ballots"
