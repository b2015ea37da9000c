"""CSRF: every unsafe request from a browser needs the token, in the form or in the htmx header."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import Membership
from tests.conftest import csrf_token, login


def test_a_form_post_without_the_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"email": "ken.head@demo.example", "password": "consensus-demo"})
    assert response.status_code == 403
    assert "security token" in response.text


def test_a_token_from_another_browser_is_refused(make_client) -> None:  # type: ignore[no-untyped-def]
    mallory, victim = make_client(), make_client()
    stolen = csrf_token(mallory)
    victim.get("/login")
    response = victim.post(
        "/login", data={"email": "ken.head@demo.example", "password": "consensus-demo", "_csrf_token": stolen}
    )
    assert response.status_code == 403


def test_a_forged_cross_site_form_cannot_add_a_member(client: TestClient, db: Session) -> None:
    login(client, "secretariat@demo.example")
    before = db.execute(select(func.count()).select_from(Membership)).scalar_one()
    response = client.post(
        "/groups/oewg-ict/members",
        data={"email": "mole@evil.example", "name": "Mole", "role": "observer"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert db.execute(select(func.count()).select_from(Membership)).scalar_one() == before


def test_htmx_requests_carry_the_token_in_a_header(client: TestClient) -> None:
    login(client, "ken.head@demo.example")
    token = csrf_token(client, "/")
    ok = client.post("/logout", headers={"X-CSRF-Token": token, "HX-Request": "true"}, follow_redirects=False)
    assert ok.status_code == 303
    login(client, "ken.head@demo.example")
    refused = client.post("/logout", headers={"X-CSRF-Token": "0" * 128, "HX-Request": "true"})
    assert refused.status_code == 403


def test_the_token_is_on_every_page_for_htmx(client: TestClient) -> None:
    page = client.get("/login")
    assert 'hx-headers=\'{"X-CSRF-Token": "' in page.text


def test_a_bogus_bearer_header_does_not_switch_the_check_off(client: TestClient) -> None:
    client.get("/login")
    forged = client.post(
        "/login",
        data={"email": "ken.head@demo.example", "password": "consensus-demo"},
        headers={"Authorization": "Bearer not-a-real-token"},
        follow_redirects=False,
    )
    assert forged.status_code == 403  # a forged login (login CSRF) no longer gets through
    assert "consensus_session" not in client.cookies


def test_a_valid_bearer_token_needs_no_csrf_token(client: TestClient, db: Session) -> None:
    from consensus.accounts.services import create_api_token

    token = create_api_token(db, "ken.head@demo.example")
    response = client.post(
        "/api/v1/groups/oewg-ict/documents/declaration/clauses/3.2/comments",
        json={"body": "Sent with a token."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text


def test_the_csrf_token_changes_at_login(client: TestClient) -> None:
    before = csrf_token(client)
    planted = client.cookies.get("consensus_csrf")
    assert login(client, "ken.head@demo.example").status_code == 303
    after = client.cookies.get("consensus_csrf")
    assert after and after != planted
    assert csrf_token(client, "/") != before
    # A token known before the login (planted by someone else, or left on a shared computer) is refused.
    stale = client.post("/logout", data={"_csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403
