"""A vote storm against a real server process: every head casts at once (duplicates and changes
included) while the chair closes the round. Exactly one ballot per delegation survives, nothing
acknowledged is lost, and nothing is counted after the close."""

from __future__ import annotations

import asyncio
import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.db import make_engine
from consensus.models import Ballot, Delegation, Membership, Round, User
from tests.conftest import TestDatabase, make_settings, running_server


def test_a_vote_storm_and_a_close(tmp_path: Path, test_database: TestDatabase, db: Session) -> None:
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
    # The storm runs in a thread of its own: Playwright's sync API may already run an event loop here.
    with running_server(served, test_database, copy=False) as url, ThreadPoolExecutor(max_workers=1) as pool:
        outcome = pool.submit(asyncio.run, storm(url, tokens, chair)).result()
    engine = make_engine(make_settings(served, test_database.url).database)
    with Session(engine) as check:
        rid = outcome["round"]
        stored = check.get(Round, rid)
        assert stored is not None and stored.status == "closed"
        per_delegation = check.execute(
            select(Ballot.delegation_id, func.count()).where(Ballot.round_id == rid).group_by(Ballot.delegation_id)
        ).all()
        assert all(count == 1 for _d, count in per_delegation)
        ballots = check.execute(
            select(Delegation.code, Ballot.receipt, Ballot.cast_at)
            .join(Delegation, Delegation.id == Ballot.delegation_id)
            .where(Ballot.round_id == rid)
        ).all()
        assert all(cast_at <= stored.closed_at for _c, _r, cast_at in ballots)
        result = json.loads(stored.result or "{}")
        assert result["participated"] == len(ballots)  # the tally counted exactly what is stored
        for code, receipt, _at in ballots:
            assert receipt in outcome["acknowledged"][code]  # what is stored was acknowledged
        for code, receipts in outcome["acknowledged"].items():
            if receipts:
                assert code in {c for c, _r, _a in ballots}  # nothing acknowledged was lost
    engine.dispose()
    assert outcome["statuses"] <= {200, 409}, outcome["statuses"]


async def storm(url: str, tokens: dict[str, str], chair: str) -> dict:  # type: ignore[type-arg]
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        headers = {"Authorization": f"Bearer {chair}"}
        created = await client.post(
            "/api/v1/groups/oewg-ict/rounds",
            json={"document": "declaration", "title": "Storm", "rule": "simple_majority"},
            headers=headers,
        )
        rid = created.json()["id"]
        await client.post(f"/api/v1/rounds/{rid}/open", headers=headers)
        acknowledged: dict[str, set[str]] = {code: set() for code in tokens}
        statuses: set[int] = set()
        casts = [(code, choice) for code in tokens for choice in ("yes", "yes", "no")]
        random.Random(7).shuffle(casts)
        midway = asyncio.Event()
        answered = 0

        async def cast(code: str, choice: str) -> None:
            nonlocal answered
            response = await client.put(
                f"/api/v1/rounds/{rid}/ballot",
                json={"choice": choice},
                headers={"Authorization": f"Bearer {tokens[code]}"},
            )
            statuses.add(response.status_code)
            if response.status_code == 200:
                acknowledged[code].add(response.json()["receipt"])
            answered += 1
            if answered * 3 >= len(casts):
                midway.set()

        async def close_midway() -> None:
            # Once a third of the storm has been answered: the rest is still arriving.
            await asyncio.wait_for(midway.wait(), timeout=60)
            response = await client.post(f"/api/v1/rounds/{rid}/close", headers=headers)
            assert response.status_code == 200, response.text

        await asyncio.gather(*(cast(code, choice) for code, choice in casts), close_midway())
        return {"round": rid, "acknowledged": acknowledged, "statuses": statuses}
