"""Shared fixtures: a real database (a SQLite file, or PostgreSQL — see tests/databases.py) migrated
by Alembic and loaded with the demo, the real app over HTTP, and real server processes."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
import yaml
from litestar.testing import TestClient
from sqlmodel import Session

from consensus import PROJECT_ROOT, cli
from consensus.app import create_app
from consensus.audit.keys import sign_with
from consensus.audit.services import Actor
from consensus.core.groupfile import check_group_file
from consensus.db import make_engine
from consensus.groups.services import load_group_file
from consensus.i18n import compile_catalogues
from consensus.migrations import upgrade
from consensus.settings import DatabaseSettings, SecuritySettings, ServerSettings, Settings, get_settings
from tests.databases import BACKEND, TestDatabase, copy_sqlite, empty_database, sqlite_url  # noqa: F401

logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("alembic").setLevel(logging.WARNING)

AUDIT_KEY = Path(tempfile.mkdtemp(prefix="consensus-test-audit-")) / "audit-key.pem"
"""One audit key for the whole test run, as one deployment has one: the app, the test's own session
and every server and command the tests start (they inherit AUDIT_KEY_FILE) sign with it."""
os.environ["AUDIT_KEY_FILE"] = str(AUDIT_KEY)

# argon2id at production cost was most of what a login cost the tests (half a second here): they
# hash cheaply, and so do the servers and commands they start, which inherit the environment. The
# production default is tested in tests/unit/test_passwords.py.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "64")
os.environ.setdefault("PASSWORD_HASH_PARALLELISM", "1")

DEMO_FILE = PROJECT_ROOT / "fixtures" / "demo.yaml"
DEMO_PASSWORD = "consensus-demo"
GROUP = "oewg-ict"
DOCUMENT = "declaration"


def make_settings(data_dir: Path, database_url: str, **security: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        database=DatabaseSettings(url=database_url),
        server=ServerSettings(host="127.0.0.1", port=8000),
        security=SecuritySettings(secret_key="test-secret-key-not-for-production-use-0123456789", **security),  # type: ignore[arg-type]
        templates_dir=PROJECT_ROOT / "templates",
        static_dir=PROJECT_ROOT / "consensus" / "static",
        vendor_dir=PROJECT_ROOT / "node_modules",
        audit_key_file=AUDIT_KEY,
    )


@pytest.fixture(scope="session", autouse=True)
def catalogues() -> None:
    """The translations, compiled as `make` compiles them (when run without it)."""
    compile_catalogues()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """A database migrated and loaded with the demo once per test run."""
    template = empty_database(tmp_path_factory.mktemp("template"))
    upgrade(template.url)
    engine = make_engine(DatabaseSettings(url=template.url))
    spec = check_group_file(yaml.safe_load(DEMO_FILE.read_text()), "fixtures/demo.yaml")
    with Session(engine) as session:
        load_group_file(session, spec, Actor.command_line(), "fixtures/demo.yaml")
    engine.dispose()  # PostgreSQL copies a template only when nobody is connected to it
    yield template
    template.drop()


@pytest.fixture(scope="session")
def demo_spec():  # type: ignore[no-untyped-def]
    return check_group_file(yaml.safe_load(DEMO_FILE.read_text()), "fixtures/demo.yaml")


@pytest.fixture
def test_database(tmp_path: Path, demo_template: TestDatabase) -> Iterator[TestDatabase]:
    """This test's own copy of the demo database."""
    database = demo_template.clone(tmp_path / "db")
    yield database
    database.drop()


@pytest.fixture
def blank_database(tmp_path: Path) -> Iterator[TestDatabase]:
    """An empty database with no schema."""
    database = empty_database(tmp_path / "blank")
    yield database
    database.drop()


@pytest.fixture
def settings(tmp_path: Path, test_database: TestDatabase) -> Settings:
    return make_settings(tmp_path, test_database.url)


@pytest.fixture
def db(settings: Settings) -> Iterator[Session]:
    """A session on the test's database, for arranging and checking what HTTP calls did."""
    engine = make_engine(settings.database)
    sign_with(engine, settings.audit_key)  # what the test writes is signed like what the app writes
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def make_client(settings: Settings) -> Iterator:  # type: ignore[type-arg]
    """Several independent browsers on the same app and database.

    The app's lifespan runs once (with the first client): Litestar cannot run it twice at once.
    """
    app = create_app(settings)
    clients: list[TestClient] = []

    def factory(**kwargs: object) -> TestClient:
        test_client = TestClient(app, **kwargs)  # type: ignore[arg-type]
        if not clients:
            test_client.__enter__()
        clients.append(test_client)
        return test_client

    yield factory
    if clients:
        clients[0].__exit__(None, None, None)


CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page hands out (and the matching cookie is now in the client)."""
    page = client.get(path)
    match = CSRF_INPUT.search(page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def login(client: TestClient, email: str, password: str = DEMO_PASSWORD, next_path: str = "/"):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def post_form(client: TestClient, path: str, data: dict[str, str], page: str | None = None):  # type: ignore[no-untyped-def]
    """Submit a form the way a browser does: token from the page, then POST."""
    token = csrf_token(client, page or path)
    return client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


@pytest.fixture
def as_user(client: TestClient):  # type: ignore[no-untyped-def]
    """Log the client in as the given demo account."""

    def _as(email: str) -> TestClient:
        response = login(client, email)
        assert response.status_code == 303, response.text
        return client

    return _as


D = f"/groups/{GROUP}/documents/{DOCUMENT}"


def clause_url(number: str, version: int = 1) -> str:
    return f"{D}/versions/{version}/clauses/{number}"


def who(db: Session, email: str):  # type: ignore[no-untyped-def]
    """The CurrentUser behind a demo account, for arranging state through the services."""
    from consensus.accounts.services import identity_of

    return identity_of(db, email)


@pytest.fixture
def browsers(make_client):  # type: ignore[no-untyped-def]
    """A logged-in browser per demo account, created on first use: ``browsers("ken.head")``."""
    opened: dict[str, TestClient] = {}

    def get(name: str) -> TestClient:
        if name not in opened:
            client = make_client()
            response = login(client, f"{name}@demo.example")
            assert response.status_code == 303, response.text
            opened[name] = client
        return opened[name]

    return get


def q(db: Session) -> Session:
    """The test's session with a fresh view of the database.

    A SQLite read transaction keeps the snapshot of its first read, so a test that reads, acts
    over HTTP, then reads again must start a new transaction to see what the action wrote.
    """
    db.rollback()
    db.expire_all()
    return db


def wait_until(condition: Callable[[], object], what: str, seconds: float = 30) -> None:
    """Wait for ``condition`` to hold, checking it often; fail saying ``what`` was expected if it
    does not hold within ``seconds`` (tests wait on what they need, not for a fixed time)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Whether a server could listen on this port now (as uvicorn binds: with SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class ServerProcess:
    """`consensus serve` in its own process on a data folder: start, kill, start again."""

    def __init__(self, data_dir: Path, database_url: str | None = None, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        env = {
            **os.environ,
            "CONSENSUS_DATA_DIR": str(self.data_dir),
            "SECRET_KEY": "e2e-secret",
            "PORT": str(self.port),
            **self.env,
        }
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        log = (self.data_dir / "server.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "consensus.cli", "serve"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log
        )
        log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/login", timeout=1):
                    return self.url
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    raise RuntimeError(f"server did not start:\n{(self.data_dir / 'server.log').read_text()}") from None
                time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as in a crash."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run_command(*args: str, env: Mapping[str, str | None], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``consensus ARGS`` run in this process through ``consensus.cli.main``, as its entry point runs
    it, with these environment variables set (None: removed) and ``stdin`` as its standard input: its
    exit status and what it printed. (Starting a Python process per command cost seconds a call.)"""
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, {name: value for name, value in env.items() if value is not None}),
        mock.patch.object(sys, "stdin", io.StringIO(stdin)),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        for name in (name for name, value in env.items() if value is None):
            os.environ.pop(name, None)
        get_settings.cache_clear()  # the command reads the environment, as a new process would
        try:
            status = cli.main(list(args))
        except SystemExit as exit:  # argparse, on a command line it cannot read
            status = exit.code if isinstance(exit.code, int) else 1
        finally:
            get_settings.cache_clear()
    return subprocess.CompletedProcess(["consensus", *args], status, out.getvalue(), err.getvalue())


@contextmanager
def running_server(data_dir: Path, database: TestDatabase, *, copy: bool = True) -> Iterator[str]:
    """`consensus serve` in its own process on a copy of ``database`` (or on it, without ``copy``);
    yields its address."""
    served = database.clone(data_dir) if copy else database
    server = ServerProcess(data_dir, served.url)
    try:
        yield server.start()
    finally:
        server.stop()
        if copy:
            served.drop()


@pytest.fixture
def api(client: TestClient, db: Session):  # type: ignore[no-untyped-def]
    """Call the JSON API as a demo account with a bearer token: ``api("chair").post(path, json)``."""
    from consensus.accounts.services import create_api_token

    tokens: dict[str, str] = {}

    class As:
        def __init__(self, name: str) -> None:
            if name not in tokens:
                tokens[name] = create_api_token(db, f"{name}@demo.example")
            self.headers = {"Authorization": f"Bearer {tokens[name]}"}

        def post(self, path: str, json: object = None):  # type: ignore[no-untyped-def]
            return client.post(path, json=json, headers=self.headers)

        def post_files(self, path: str, files: dict[str, object], **fields: str):  # type: ignore[no-untyped-def]
            """A multipart POST: ``files`` as httpx takes them, ``fields`` as form fields."""
            return client.post(path, data=fields, files=files, headers=self.headers)

        def put(self, path: str, json: object = None):  # type: ignore[no-untyped-def]
            return client.put(path, json=json, headers=self.headers)

        def get(self, path: str):  # type: ignore[no-untyped-def]
            return client.get(path, headers=self.headers)

        def patch(self, path: str, json: object = None):  # type: ignore[no-untyped-def]
            return client.patch(path, json=json, headers=self.headers)

        def delete(self, path: str):  # type: ignore[no-untyped-def]
            return client.delete(path, headers=self.headers)

    return As
