"""The JSON API: bearer tokens, shapes, and errors that name what is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest
from litestar.testing import TestClient
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from tests.conftest import login


@pytest.fixture
def token(db: Session) -> str:
    return create_api_token(db, "ken.head@demo.example", "tests")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_group_with_its_delegations(client: TestClient, token: str, demo_spec) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/groups/oewg-ict", headers=bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"slug", "name", "delegations"}
    assert body["slug"] == "oewg-ict"
    by_code = {d["code"]: d for d in body["delegations"]}
    for delegation in demo_spec.delegations:
        row = by_code[delegation.code]
        assert set(row) == {"code", "name", "weight", "voting_status"}
        assert isinstance(row["weight"], str) and Decimal(row["weight"]) == delegation.weight
        assert row["voting_status"] == delegation.voting_status


def test_the_document_at_its_latest_and_a_given_version(client: TestClient, token: str, demo_spec) -> None:  # type: ignore[no-untyped-def]
    latest = client.get("/api/v1/groups/oewg-ict/documents/declaration", headers=bearer(token)).json()
    assert set(latest) == {"slug", "title", "status", "version", "clauses", "language"}
    assert latest["version"] == 1 and latest["status"] == "open" and latest["language"] == "en"
    assert [c["number"] for c in latest["clauses"]] == [c.number for c in demo_spec.documents[0].clauses]
    assert set(latest["clauses"][0]) == {"number", "heading", "text", "status"}
    pinned = client.get("/api/v1/groups/oewg-ict/documents/declaration?version=1", headers=bearer(token)).json()
    assert pinned == latest


def test_the_browser_session_works_for_the_api_too(client: TestClient) -> None:
    login(client, "chair@demo.example")
    me = client.get("/api/v1/me").json()
    assert me["email"] == "chair@demo.example"
    assert me["memberships"] == [{"group": "oewg-ict", "role": "chair", "delegation": None, "head": False}]


@pytest.mark.parametrize(
    ("path", "headers", "status", "says"),
    [
        ("/api/v1/groups/oewg-ict", {}, 401, "Log in"),
        ("/api/v1/groups/oewg-ict", {"Authorization": "Bearer not-a-token"}, 401, "Log in"),
        ("/api/v1/groups/oewg-ict", {"Authorization": "Basic a2VuOnB3"}, 401, "Log in"),
        ("/api/v1/groups/nope", "token", 404, "nope"),
        ("/api/v1/groups/oewg-ict/documents/nope", "token", 404, "nope"),
        ("/api/v1/groups/oewg-ict/documents/declaration?version=7", "token", 404, "no version 7"),
        ("/api/v1/groups/oewg-ict/documents/declaration?version=abc", "token", 422, "version"),
        ("/api/v1/groups/oewg-ict/documents/declaration?version=0", "token", 422, "version"),
        ("/api/v1/nothing-here", "token", 404, "Not Found"),
    ],
)
def test_errors_are_json_naming_what_is_wrong(client: TestClient, token: str, path, headers, status, says) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, headers=bearer(token) if headers == "token" else headers)
    assert response.status_code == status
    body = response.json()
    assert body["status_code"] == status
    assert says.lower() in body["detail"].lower()


def test_a_revoked_or_disabled_account_token_stops_working(client: TestClient, db: Session, token: str) -> None:
    from sqlalchemy import update

    from consensus.models import User

    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    db.execute(update(User).where(User.email == "ken.head@demo.example").values(is_active=False))
    db.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_bearer_request_needs_no_csrf_token(client: TestClient, token: str) -> None:
    response = client.post("/logout", headers=bearer(token), follow_redirects=False)
    assert response.status_code == 303


def test_the_openapi_schema_describes_the_api(client: TestClient) -> None:
    schema = client.get("/schema").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/groups/{group}" in schema["paths"]
    assert "/api/v1/groups/{group}/documents/{document}" in schema["paths"]
    assert not any(path.startswith("/groups") for path in schema["paths"]), "HTML pages leaked into the API schema"
