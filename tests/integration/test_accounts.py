"""Logging in and out through HTTP against the real app and a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher, Type
from litestar.testing import TestClient
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.accounts.passwords import hasher
from consensus.accounts.services import digest
from consensus.models import AuthSession, User
from consensus.settings import password_hashing
from consensus.web.middleware import SESSION_COOKIE
from tests.conftest import DEMO_PASSWORD, csrf_token, login, q

HEAD = "ken.head@demo.example"


def test_a_head_of_delegation_logs_in_and_lands_where_they_were_going(client: TestClient) -> None:
    first = client.get("/groups/oewg-ict/documents/declaration", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/login?next=/groups/oewg-ict/documents/declaration"
    response = login(client, HEAD, next_path="/groups/oewg-ict/documents/declaration")
    assert response.status_code == 303
    assert response.headers["location"] == "/groups/oewg-ict/documents/declaration"
    page = client.get("/groups/oewg-ict/documents/declaration")
    assert page.status_code == 200
    assert "Draft Declaration" in page.text


def test_the_session_cookie_is_httponly_and_samesite_lax(client: TestClient) -> None:
    response = login(client, HEAD)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in this test


def test_under_https_the_session_and_csrf_cookies_are_secure_and_host_prefixed(make_client) -> None:  # type: ignore[no-untyped-def]
    secure_client = make_client(base_url="https://consensus.example")
    form = secure_client.get("/login")
    response = login(secure_client, HEAD)
    cookies = {
        c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie") + form.headers.get_list("set-cookie")
    }
    for name in (f"__Host-{SESSION_COOKIE}", "__Host-consensus_csrf"):
        attributes = [part.strip().lower() for part in cookies[name].split(";")]
        assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes, cookies[name]
        assert not any(part.startswith("domain") for part in attributes)
    assert SESSION_COOKIE not in cookies and "consensus_csrf" not in cookies
    assert response.headers["strict-transport-security"].startswith("max-age=")
    # The prefixed cookies are the ones read back: the session holds, forms still pass the CSRF check.
    assert secure_client.get("/", follow_redirects=False).status_code == 200
    token = csrf_token(secure_client, "/")
    out = secure_client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"].startswith("/login")


def test_logging_in_gives_a_new_session_id_and_ends_the_old_one(client: TestClient, db: Session) -> None:
    login(client, HEAD)
    old = client.cookies.get(SESSION_COOKIE)
    assert old
    login(client, "chair@demo.example")
    new = client.cookies.get(SESSION_COOKIE)
    assert new and new != old
    assert db.get(AuthSession, digest(old)) is None
    assert db.get(AuthSession, digest(new)) is not None


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client: TestClient) -> None:
    wrong_password = login(client, HEAD, password="not the password")
    unknown_email = login(client, "nobody@demo.example", password="not the password")
    assert wrong_password.status_code == unknown_email.status_code == 401
    message = "The e-mail address or password is not right."
    assert message in wrong_password.text and message in unknown_email.text
    assert SESSION_COOKIE not in client.cookies


def test_a_disabled_account_cannot_log_in_and_its_sessions_end(client: TestClient, db: Session) -> None:
    login(client, HEAD)
    assert client.get("/").status_code == 200
    db.execute(update(User).where(User.email == HEAD).values(is_active=False))
    db.commit()
    assert client.get("/", follow_redirects=False).status_code == 303
    assert login(client, HEAD).status_code == 401


def test_logout_ends_the_session_on_the_server(client: TestClient, db: Session) -> None:
    login(client, HEAD)
    token = client.cookies.get(SESSION_COOKIE)
    response = client.post("/logout", data={"_csrf_token": csrf_token(client, "/")}, follow_redirects=False)
    assert response.status_code == 303
    assert db.get(AuthSession, digest(token)) is None
    # Replaying the old cookie gets nowhere.
    replay = TestClient(client.app, cookies={SESSION_COOKIE: token})
    with replay:
        assert replay.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_an_idle_session_expires(client: TestClient, db: Session) -> None:
    login(client, HEAD)
    token = client.cookies.get(SESSION_COOKIE)
    from datetime import timedelta

    from consensus.db import utcnow

    db.execute(
        update(AuthSession).where(AuthSession.id == digest(token)).values(last_seen_at=utcnow() - timedelta(hours=5))
    )
    db.commit()
    assert client.get("/", follow_redirects=False).status_code == 303
    assert db.execute(select(func.count()).select_from(AuthSession)).scalar_one() == 0


@pytest.fixture
def production_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argon2id at its production cost for this test (the others hash cheaply: see conftest)."""
    for name in ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_PARALLELISM"):
        monkeypatch.delenv(name, raising=False)
    password_hashing.cache_clear()
    hasher.cache_clear()
    yield
    monkeypatch.undo()
    password_hashing.cache_clear()
    hasher.cache_clear()


@pytest.mark.usefixtures("production_hashing")
def test_a_password_hashed_with_old_parameters_is_rehashed_at_login(client: TestClient, db: Session) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(DEMO_PASSWORD)
    db.execute(update(User).where(User.email == HEAD).values(password_hash=weak))
    db.commit()
    assert login(client, HEAD).status_code == 303
    db.expire_all()
    stored = db.execute(select(User.password_hash).where(User.email == HEAD)).scalar_one()
    assert stored != weak and stored.startswith("$argon2id$v=19$m=65536")


def test_login_only_returns_to_local_pages(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = login(client, HEAD, next_path=target)
        assert response.headers["location"] == "/"


def test_the_login_page_sends_a_signed_in_user_onwards(client: TestClient) -> None:
    login(client, HEAD)
    response = client.get("/login?next=/groups/oewg-ict", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/groups/oewg-ict"


def test_repeated_failures_lock_the_account_for_a_while(client: TestClient) -> None:
    for _ in range(5):
        assert login(client, HEAD, password="guess-guess").status_code == 401
    locked = login(client, HEAD)  # even the right password waits
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    assert locked.headers["retry-after"] == "900"
    assert login(client, "ind.head@demo.example").status_code == 303  # other accounts are not affected


def test_a_success_clears_the_accounts_failures(client: TestClient) -> None:
    for _ in range(4):
        login(client, HEAD, password="guess-guess")
    assert login(client, HEAD).status_code == 303
    for _ in range(4):
        assert login(client, HEAD, password="guess-guess").status_code == 401


def test_one_address_guessing_many_accounts_is_throttled_whatever_it_claims(client: TestClient) -> None:
    from tests.conftest import csrf_token

    for i in range(30):
        token = csrf_token(client)
        response = client.post(
            "/login",
            data={"email": f"nobody{i}@demo.example", "password": "guess-guess", "_csrf_token": token},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},  # forged: not a trusted proxy
        )
        assert response.status_code == 401
    blocked = login(client, HEAD)
    assert blocked.status_code == 429


def test_a_five_megabyte_password_is_refused_before_any_hashing(client: TestClient, db: Session) -> None:
    from consensus.models import LoginFailure

    token = csrf_token(client)
    huge = "x" * 5_000_000
    response = client.post("/login", data={"email": HEAD, "password": huge, "_csrf_token": token})
    assert response.status_code == 422
    assert "The password must be at most 1024 characters long." in response.text
    # Every password that is checked first takes a throttle slot (a LoginFailure row): none was taken.
    assert q(db).execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 0
    assert SESSION_COOKIE not in client.cookies
