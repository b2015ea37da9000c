"""The login throttle against a real server process: parallel guesses cannot race past the limit,
and the account's owner signing in from another address is not locked out."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.accounts.services import digest
from consensus.models import LoginFailure
from tests.conftest import DEMO_PASSWORD, TestDatabase, q, running_server

HEAD = "ken.head@demo.example"
GUESSES = 25
LIMIT = 5  # SecuritySettings.login_failures_per_account


def browser(url: str, address: str = "127.0.0.1") -> tuple[httpx.Client, str]:
    """A client connecting from ``address`` (any 127.x.y.z is this machine), with the login form's
    CSRF token."""
    client = httpx.Client(
        base_url=url, transport=httpx.HTTPTransport(local_address=address), timeout=60, follow_redirects=False
    )
    page = client.get("/login")
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, page.text[:300]
    return client, match.group(1)


def attempt(client: httpx.Client, token: str, password: str) -> int:
    response = client.post("/login", data={"email": HEAD, "password": password, "_csrf_token": token})
    return response.status_code


def test_parallel_wrong_passwords_verify_at_most_the_limit_and_the_owner_still_logs_in(
    tmp_path: Path, test_database: TestDatabase, db: Session
) -> None:
    (tmp_path / "server").mkdir()
    with running_server(tmp_path / "server", test_database, copy=False) as url:
        stranger = [browser(url) for _ in range(GUESSES)]
        start = threading.Barrier(GUESSES)

        def guess(number: int) -> int:
            client, token = stranger[number]
            start.wait()
            return attempt(client, token, f"wrong guess number {number}")

        with ThreadPoolExecutor(GUESSES) as pool:
            answers = sorted(pool.map(guess, range(GUESSES)))
        # Every verified guess left exactly one failure behind; the rest were turned away unverified.
        failures = (
            q(db)
            .execute(select(func.count()).select_from(LoginFailure).where(LoginFailure.account == digest(HEAD)))
            .scalar_one()
        )
        assert answers.count(401) == LIMIT == failures, answers
        assert answers.count(429) == GUESSES - LIMIT

        # The stranger's address waits, even with the right password...
        client, token = stranger[0]
        assert attempt(client, token, DEMO_PASSWORD) == 429
        # ...but the owner, from an address that has not failed, logs in at once.
        owner, owner_token = browser(url, "127.0.0.2")
        assert attempt(owner, owner_token, DEMO_PASSWORD) == 303
        assert owner.get("/").status_code == 200
        for client, _token in [*stranger, (owner, owner_token)]:
            client.close()
