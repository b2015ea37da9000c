"""`make bench`: figures for the README, measured against a real `consensus serve` process.

Each figure starts a fresh server on a copy of a freshly loaded demo database and drives it
over HTTP from this process (on the same machine, so client and server share the cores).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlmodel import Session

from consensus import PROJECT_ROOT
from consensus.audit.services import Actor
from consensus.core.groupfile import check_group_file
from consensus.db import make_engine
from consensus.groups.services import load_group_file
from consensus.migrations import upgrade
from consensus.settings import DatabaseSettings

DEMO = PROJECT_ROOT / "fixtures" / "demo.yaml"
PASSWORD = "consensus-demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


class Server:
    """`consensus serve` in a child process on its own data folder."""

    def __init__(self, data_dir: Path, workers: int = 1, database_url: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CONSENSUS_DATA_DIR": str(data_dir), "SECRET_KEY": "bench", "PORT": str(self.port)}
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        self.log = (data_dir / "server.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "consensus.cli", "serve", "--workers", str(workers)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/login", timeout=1)
                return
            except httpx.HTTPError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def fresh_database(data_dir: Path) -> float:
    """Migrate and load the demo; return the seconds the load took."""
    url = f"sqlite+pysqlite:///{data_dir / 'consensus.db'}"
    upgrade(url)
    engine = make_engine(DatabaseSettings(url=url))
    spec = check_group_file(yaml.safe_load(DEMO.read_text()), "demo")
    started = time.perf_counter()
    with Session(engine) as session:
        load_group_file(session, spec, Actor.command_line(), "demo")
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


async def logged_in(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = await client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": token})
    assert response.status_code in (200, 303), response.status_code


async def load_test(url: str, path: str, concurrency: int, seconds: float, email: str | None) -> dict[str, float]:
    """Requests per second and latency percentiles for one page under steady concurrency.

    Every client logs in and warms up first; only the steady window that follows is timed
    (logging in is a deliberately slow argon2 check, measured on its own).
    """
    latencies: list[float] = []
    errors = 0
    clients = [httpx.AsyncClient(base_url=url, follow_redirects=True, timeout=30) for _ in range(concurrency)]
    try:
        for client in clients:
            if email:
                await logged_in(client, email)
            await client.get(path)
        stop_at = time.perf_counter() + seconds

        async def worker(client: httpx.AsyncClient) -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        begun = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        elapsed = time.perf_counter() - begun
    finally:
        for client in clients:
            await client.aclose()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
    }


async def login_latency(url: str, rounds: int) -> dict[str, float]:
    """Median time of a good login, a wrong password and an unknown e-mail (which must match).

    Each round fails on another account, and the rounds stay under the per-address limit, so the
    login throttle (which answers early with 429) does not cut the measurement short."""
    heads = [u["email"] for u in yaml.safe_load(DEMO.read_text())["users"] if u.get("head")]
    timings: dict[str, list[float]] = {"ok": [], "wrong_password": [], "unknown_email": []}
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for number in range(rounds):
            head = heads[number % len(heads)]
            cases = {
                "ok": (head, PASSWORD, 303),
                "wrong_password": (heads[(number + 1) % len(heads)], "not-the-password", 401),
                "unknown_email": (f"nobody{number}@demo.example", "not-the-password", 401),
            }
            for case, (email, password, expected) in cases.items():
                client.cookies.delete("consensus_session")
                page = await client.get("/login")
                token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
                started = time.perf_counter()
                response = await client.post(
                    "/login", data={"email": email, "password": password, "_csrf_token": token}
                )
                timings[case].append(time.perf_counter() - started)
                assert response.status_code == expected, (case, response.status_code)
    return {f"{case}_ms": statistics.median(values) * 1000 for case, values in timings.items()}


def big_draft(data_dir: Path, clauses: int = 300, comments_total: int = 3000) -> float:
    """Add a generated draft of ``clauses`` clauses and ``comments_total`` comments to the demo
    group, through the services (each comment its own transaction and audit event)."""
    from consensus.accounts.services import identity_of
    from consensus.comments.services import CommentInput, post_comment

    url = f"sqlite+pysqlite:///{data_dir / 'consensus.db'}"
    engine = make_engine(DatabaseSettings(url=url))
    raw = yaml.safe_load(DEMO.read_text())
    numbers = []
    for section in range(1, clauses // 5 + 1):
        numbers.append(str(section))
        numbers.extend(f"{section}.{i}" for i in range(1, 5))
    raw["documents"] = [
        {
            "slug": "big",
            "title": f"A generated draft of {clauses} clauses",
            "clauses": [
                {"number": n, "heading": f"Heading {n}", "text": f"Clause {n}: States should cooperate. " * 8}
                for n in numbers[:clauses]
            ],
        }
    ]
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        load_group_file(session, check_group_file(raw, "big"), Actor.command_line(), "big")
        heads = [identity_of(session, u["email"]) for u in raw["users"] if u.get("head")]
        kinds = ["general", "technical", "editorial"]
        for i in range(comments_total):
            post_comment(
                session,
                heads[i % len(heads)],
                "oewg-ict",
                "big",
                numbers[i % clauses],
                CommentInput(f"Comment {i}: the wording should be clearer. " * 3, kinds[i % 3], "Proposed wording."),
            )
    engine.dispose()
    return time.perf_counter() - started


def storm_group(url: str, delegations: int = 200) -> tuple[dict[str, str], str]:
    """A group of ``delegations`` delegations, each with a head holding an API token, and a chair."""
    from consensus.accounts.services import create_api_token

    engine = make_engine(DatabaseSettings(url=url))
    raw = {
        "group": {"slug": "storm", "name": "Storm group"},
        "delegations": [
            {"code": f"D{i:03d}", "name": f"Delegation {i}", "weight": str(1 + i % 17)} for i in range(delegations)
        ],
        "users": [{"email": "chair@storm.example", "name": "Chair", "role": "chair"}]
        + [
            {
                "email": f"head{i}@storm.example",
                "name": f"Head {i}",
                "role": "delegate",
                "delegation": f"D{i:03d}",
                "head": True,
            }
            for i in range(delegations)
        ],
        "documents": [{"slug": "text", "title": "Text", "clauses": [{"number": "1", "text": "One clause."}]}],
    }
    with Session(engine) as session:
        load_group_file(session, check_group_file(raw, "storm"), Actor.command_line(), "storm")
        tokens = {f"D{i:03d}": create_api_token(session, f"head{i}@storm.example") for i in range(delegations)}
        chair = create_api_token(session, "chair@storm.example")
    engine.dispose()
    return tokens, chair


def client_pool(url: str, clients: int) -> list[httpx.AsyncClient]:
    """Several small HTTP clients rather than one big one: httpx spends time per request that grows
    with its number of open connections, and the clients share the server's cores."""
    return [httpx.AsyncClient(base_url=url, timeout=300) for _ in range(clients)]


async def opened_round(client: httpx.AsyncClient, chair: str, title: str) -> int:
    """A weighted-majority round on the storm group's text, created and opened by its chair."""
    headers = {"Authorization": f"Bearer {chair}"}
    created = await client.post(
        "/api/v1/groups/storm/rounds",
        json={"document": "text", "title": title, "rule": "weighted_majority"},
        headers=headers,
    )
    rid = int(created.json()["id"])
    await client.post(f"/api/v1/rounds/{rid}/open", headers=headers)
    return rid


async def vote_storm(url: str, tokens: dict[str, str], chair: str) -> dict[str, object]:
    """Every delegation casts at once; then the round closes and the stored ballots are counted."""
    voters = client_pool(url, max(1, len(tokens) // 25))
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        headers = {"Authorization": f"Bearer {chair}"}
        rid = await opened_round(client, chair, "Storm")
        latencies: list[float] = []
        acknowledged = 0
        failures: dict[int, int] = {}

        async def cast(number: int, code: str, token: str) -> None:
            nonlocal acknowledged
            started = time.perf_counter()
            response = await voters[number % len(voters)].put(
                f"/api/v1/rounds/{rid}/ballot",
                json={"choice": "yes" if int(code[1:]) % 3 else "no"},
                headers={"Authorization": f"Bearer {token}"},
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code == 200:
                acknowledged += 1
            else:
                failures[response.status_code] = failures.get(response.status_code, 0) + 1

        begun = time.perf_counter()
        try:
            await asyncio.gather(*(cast(n, code, token) for n, (code, token) in enumerate(tokens.items())))
        finally:
            for voter in voters:
                await voter.aclose()
        wall = time.perf_counter() - begun
        closed = (await client.post(f"/api/v1/rounds/{rid}/close", headers=headers)).json()
        return {
            "delegations": len(tokens),
            "acknowledged": acknowledged,
            "stored": len(closed["participated"]),
            "failures": failures,
            "wall_s": wall,
            "p50_ms": percentile(latencies, 50) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000,
        }


async def live_fanout(url: str, tokens: dict[str, str], chair: str) -> dict[str, object]:
    """Every delegation's head keeps the live page of an open round open (one server-sent event
    stream each); one ballot is cast; how long until every stream has the new tally?"""
    viewers = list(tokens.values())
    watchers = client_pool(url, max(1, len(viewers) // 25))
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        headers = {"Authorization": f"Bearer {chair}"}
        rid = await opened_round(client, chair, "Watched")
        connected = 0
        all_connected = asyncio.Event()
        arrivals: list[float] = []
        failures = 0
        statuses: dict[int, int] = {}
        ended_early = 0

        async def watch(number: int, token: str) -> None:
            nonlocal connected, failures, ended_early
            try:
                async with watchers[number % len(watchers)].stream(
                    "GET", f"/groups/storm/rounds/{rid}/live", headers={"Authorization": f"Bearer {token}"}
                ) as stream:
                    if stream.status_code != 200:
                        statuses[stream.status_code] = statuses.get(stream.status_code, 0) + 1
                        return
                    seen_first = False
                    async for line in stream.aiter_lines():
                        if not line.startswith("data:") or "delegations ha" not in line:
                            continue
                        if not seen_first:
                            seen_first = True
                            connected += 1
                            if connected == len(viewers):
                                all_connected.set()
                        elif "1 of" in line:
                            arrivals.append(time.perf_counter())
                            return
                    ended_early += 1
            except httpx.HTTPError:
                failures += 1

        begun = time.perf_counter()
        tasks = [asyncio.create_task(watch(number, token)) for number, token in enumerate(viewers)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_connected.wait(), timeout=120)
        connect_s = time.perf_counter() - begun
        cast_at = time.perf_counter()
        voter = next(iter(tokens.values()))
        cast = await client.put(
            f"/api/v1/rounds/{rid}/ballot", json={"choice": "yes"}, headers={"Authorization": f"Bearer {voter}"}
        )
        assert cast.status_code == 200, cast.text
        _, pending = await asyncio.wait(tasks, timeout=120)
        for task in pending:
            task.cancel()
        for watcher in watchers:
            await watcher.aclose()
        await client.post(f"/api/v1/rounds/{rid}/close", headers=headers)
        delays = sorted(at - cast_at for at in arrivals)
        return {
            "connections": len(viewers),
            "connected": connected,
            "connect_s": connect_s,
            "received": len(delays),
            "failures": failures,
            "statuses": statuses,
            "ended_early": ended_early,
            "first_ms": delays[0] * 1000 if delays else None,
            "median_ms": statistics.median(delays) * 1000 if delays else None,
            "last_ms": delays[-1] * 1000 if delays else None,
        }


def run_postgres(admin_url: str, workers: int, voters: int) -> dict[str, object]:
    """The scaled deployment: PostgreSQL, several worker processes, a group of ``voters`` delegations."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS consensus_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE consensus_bench")
    url = admin.set(drivername="postgresql+psycopg", database="consensus_bench").render_as_string(hide_password=False)
    upgrade(url)
    results: dict[str, object] = {"workers": workers}
    started = time.perf_counter()
    tokens, chair = storm_group(url, voters)
    results["setup_s"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), workers=workers, database_url=url)
        try:
            results["storm"] = asyncio.run(vote_storm(server.url, tokens, chair))
            results["live"] = asyncio.run(live_fanout(server.url, tokens, chair))
        finally:
            server.stop()
    return results


def run(seconds: float, concurrency: int) -> dict[str, object]:
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        results["load_demo_s"] = fresh_database(data_dir)
        server = Server(data_dir)
        try:
            pages: Callable[[str, str | None], Awaitable[dict[str, float]]] = lambda path, email: load_test(  # noqa: E731
                server.url, path, concurrency, seconds, email
            )
            results["login_page"] = asyncio.run(pages("/login", None))
            results["document_page"] = asyncio.run(
                pages("/groups/oewg-ict/documents/declaration", "ken.head@demo.example")
            )
            results["group_page"] = asyncio.run(pages("/groups/oewg-ict", "chair@demo.example"))
            results["api_document"] = asyncio.run(
                pages("/api/v1/groups/oewg-ict/documents/declaration", "ken.head@demo.example")
            )
            results["login"] = asyncio.run(login_latency(server.url, 12))
        finally:
            server.stop()
        tokens, chair = storm_group(f"sqlite+pysqlite:///{data_dir / 'consensus.db'}")
        server = Server(data_dir)
        try:
            results["storm"] = asyncio.run(vote_storm(server.url, tokens, chair))
        finally:
            server.stop()
        results["big_setup_s"] = big_draft(data_dir)
        server = Server(data_dir)
        try:
            big = "/groups/oewg-ict/documents/big"
            results["big_document"] = asyncio.run(load_test(server.url, big, 4, seconds, "ken.head@demo.example"))
            results["big_comments"] = asyncio.run(
                load_test(server.url, f"{big}/comments", 4, seconds, "ken.head@demo.example")
            )
            results["big_csv"] = asyncio.run(
                load_test(server.url, f"{big}/comments.csv", 2, seconds, "ken.head@demo.example")
            )
        finally:
            server.stop()
    return results


def report(results: dict[str, object], seconds: float, concurrency: int) -> str:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, SQLite, one worker, "
        f"{concurrency} concurrent clients for {seconds:g} s per page (client on the same machine).",
        "",
        "| what | requests/s | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, label in [
        ("login_page", "login page (anonymous)"),
        ("document_page", "document page, 41 clauses (signed in)"),
        ("group_page", "group page, 18 delegations and 27 members"),
        ("api_document", "`GET /api/v1/.../documents/declaration`"),
    ]:
        r = results[key]
        assert isinstance(r, dict)
        lines.append(f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |")
    lines += [
        "",
        f"A generated draft of 300 clauses with 3,000 comments (set up through the services in "
        f"{results['big_setup_s']:.0f} s), 4 concurrent clients (2 for the CSV):",
        "",
        "| what | requests/s | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, label in [
        ("big_document", "document page, 300 clauses with comment counts"),
        ("big_comments", "comments page (first 100 of 3,000 rows)"),
        ("big_csv", "comments as CSV, all 3,000 rows"),
    ]:
        r = results[key]
        assert isinstance(r, dict)
        lines.append(f"| {label} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |")
    storm = results["storm"]
    assert isinstance(storm, dict)
    lines += [
        "",
        f"Vote storm: {storm['delegations']} heads of delegation cast their ballots at once (one request each, "
        f"bearer tokens): {storm['acknowledged']} acknowledged, {storm['stored']} stored"
        f"{'' if storm['acknowledged'] == storm['stored'] else ' — MISMATCH'}; failures {storm['failures'] or 'none'}; "
        f"all done in {storm['wall_s']:.2f} s; latency p50 {storm['p50_ms']:.0f} ms, p99 {storm['p99_ms']:.0f} ms.",
    ]
    login = results["login"]
    assert isinstance(login, dict)
    lines += [
        "",
        f"Logging in (one argon2id verification), median: {login['ok_ms']:.0f} ms; refused for a wrong "
        f"password: {login['wrong_password_ms']:.0f} ms; refused for an unknown e-mail: "
        f"{login['unknown_email_ms']:.0f} ms. "
        f"Loading the demo group file (27 password hashes, 41 clauses): {results['load_demo_s']:.1f} s.",
    ]
    return "\n".join(lines)


def report_postgres(results: dict[str, Any]) -> str:
    storm, live = results["storm"], results["live"]
    return "\n".join(
        [
            "",
            f"PostgreSQL, {results['workers']} worker processes (`consensus serve --workers "
            f"{results['workers']}`), a group of {storm['delegations']} delegations (set up in {results['setup_s']:.0f} s):",
            "",
            f"- Vote storm: {storm['delegations']} heads of delegation cast their ballots at once: "
            f"{storm['acknowledged']} acknowledged, {storm['stored']} stored"
            f"{'' if storm['acknowledged'] == storm['stored'] else ' — MISMATCH'}; failures {storm['failures'] or 'none'}; "
            f"all done in {storm['wall_s']:.2f} s; latency p50 {storm['p50_ms']:.0f} ms, p99 {storm['p99_ms']:.0f} ms.",
            f"- Live pages: {live['connected']} of {live['connections']} open live-update streams connected in "
            f"{live['connect_s']:.1f} s; after one ballot, {live['received']} had the new tally "
            f"(failures {live['failures']}): the first after {live['first_ms']:.0f} ms, half after "
            f"{live['median_ms']:.0f} ms, the last after {live['last_ms']:.0f} ms.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", type=Path, default=PROJECT_ROOT / "bench-results" / "latest.json")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("CONSENSUS_TEST_POSTGRES", ""),
        help="admin URL of a PostgreSQL server for the scaled figures (`make bench` starts a throwaway one)",
    )
    parser.add_argument(
        "--workers", type=int, default=max(2, os.cpu_count() or 2), help="worker processes on PostgreSQL"
    )
    parser.add_argument("--voters", type=int, default=1000, help="delegations in the PostgreSQL vote storm")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="measure one backend only")
    args = parser.parse_args()
    results: dict[str, object] = {}
    if args.only != "postgres":
        results.update(run(args.seconds, args.concurrency))
    if args.postgres and args.only != "sqlite":
        results["postgres"] = run_postgres(args.postgres, args.workers, args.voters)
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    if "login" in results:
        print(report(results, args.seconds, args.concurrency))
    if "postgres" in results:
        print(report_postgres(results["postgres"]))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
