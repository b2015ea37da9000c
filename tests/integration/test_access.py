"""Guards: every route declares who may use it, and each role lacking a right is refused."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from consensus.app import create_app
from consensus.web.access import ACCESS_KEY, Access
from tests.conftest import login

SECRETARIAT_ONLY = "/groups/oewg-ict/members/new"


def test_every_route_declares_its_access(settings) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    undeclared = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            methods = getattr(handler, "http_methods", set())
            if methods == {"OPTIONS"}:
                continue  # Litestar's automatic OPTIONS handlers: refused by the guard (no rule)
            if not isinstance(handler.opt.get(ACCESS_KEY), Access):
                undeclared.append(f"{sorted(methods)} {route.path}")
    assert undeclared == []


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("secretariat@demo.example", 200),
        ("chair@demo.example", 403),
        ("ken.head@demo.example", 403),
        ("ken.delegate@demo.example", 403),
        ("observer@demo.example", 403),
    ],
)
def test_only_the_secretariat_adds_members(client: TestClient, email: str, expected: int) -> None:
    login(client, email)
    response = client.get(SECRETARIAT_ONLY)
    assert response.status_code == expected
    if expected == 403:
        assert "Secretariat" in response.text  # the role that may, named


def test_anonymous_visitors_are_sent_to_log_in_and_back(client: TestClient) -> None:
    for path in [
        "/",
        "/groups/oewg-ict",
        SECRETARIAT_ONLY,
        "/groups/oewg-ict/documents/declaration?version=1",
    ]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_anonymous_api_calls_get_a_json_401(client: TestClient) -> None:
    response = client.get("/api/v1/groups/oewg-ict")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_user_of_no_group_sees_nothing_of_it(client: TestClient, db) -> None:  # type: ignore[no-untyped-def]
    from consensus.accounts.passwords import hash_password
    from consensus.models import User

    db.add(User(email="outsider@example.org", name="Outsider", password_hash=hash_password("outsider-password")))
    db.commit()
    login(client, "outsider@example.org", password="outsider-password")
    assert client.get("/").status_code == 200
    for path in ["/groups/oewg-ict", "/groups/oewg-ict/documents/declaration", SECRETARIAT_ONLY]:
        assert client.get(path).status_code == 404
    assert client.get("/api/v1/groups/oewg-ict").status_code == 404


def test_options_requests_are_refused_not_served(client: TestClient) -> None:
    assert client.options("/login").status_code in (403, 405)
