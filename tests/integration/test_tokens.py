"""Bearer tokens expire, are listed with when they were last used, and are revoked on /account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.db import utcnow
from consensus.errors import Invalid
from consensus.models import ApiToken, AuditEvent
from tests.conftest import post_form, q

ME = "/api/v1/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_expires_after_90_days_unless_set_otherwise(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    default = create_api_token(db, "ken.head@demo.example", "default")
    short = create_api_token(db, "ken.head@demo.example", "short", days=2)
    stored = dict(q(db).execute(select(ApiToken.label, ApiToken.expires_at)).all())
    assert timedelta(days=89, hours=23) < stored["default"] - utcnow() <= timedelta(days=90)
    assert timedelta(days=1, hours=23) < stored["short"] - utcnow() <= timedelta(days=2)
    assert client.get(ME, headers=bearer(short)).status_code == 200
    q(db).execute(update(ApiToken).where(ApiToken.label == "short").values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert client.get(ME, headers=bearer(short)).status_code == 401
    assert client.get(ME, headers=bearer(default)).status_code == 200


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_a_token_lifetime_out_of_range_is_refused_naming_the_field(db: Session, days: int) -> None:
    with pytest.raises(Invalid) as refused:
        create_api_token(db, "ken.head@demo.example", days=days)
    assert "days" in refused.value.errors


def test_the_account_page_lists_the_users_tokens_and_revokes_one_at_once(browsers, db: Session, client) -> None:  # type: ignore[no-untyped-def]
    token = create_api_token(db, "ken.head@demo.example", "nightly export")
    create_api_token(db, "chair@demo.example", "the chair's script")
    ken = browsers("ken.head")
    page = ken.get("/account").text
    assert "nightly export" in page and "never" in page and "the chair&#39;s script" not in page
    assert client.get(ME, headers=bearer(token)).status_code == 200  # marks it used
    page = ken.get("/account").text
    assert "never" not in page.split("nightly export", 1)[1].split("</tr>", 1)[0]
    action = re.search(r'action="(/account/tokens/\d+/revoke)"', page)
    assert action
    revoked = post_form(ken, action.group(1), {}, page="/account")
    assert revoked.status_code == 303 and revoked.headers["location"] == "/account?revoked=1"
    assert client.get(ME, headers=bearer(token)).status_code == 401
    after = ken.get("/account?revoked=1").text
    assert "no longer opens the API" in after and "revoked" in after and action.group(1) not in after
    assert q(db).execute(select(AuditEvent).where(AuditEvent.action == "token.revoke")).scalar_one()


def test_nobody_revokes_another_users_token(browsers, db: Session, client) -> None:  # type: ignore[no-untyped-def]
    chairs = create_api_token(db, "chair@demo.example", "the chair's script")
    token_id = q(db).execute(select(ApiToken.id).where(ApiToken.label == "the chair's script")).scalar_one()
    attempt = post_form(browsers("ken.head"), f"/account/tokens/{token_id}/revoke", {}, page="/account")
    assert attempt.status_code == 404
    assert client.get(ME, headers=bearer(chairs)).status_code == 200


def test_a_revoke_form_without_its_csrf_token_is_refused(browsers, db: Session, client) -> None:  # type: ignore[no-untyped-def]
    token = create_api_token(db, "ken.head@demo.example", "kept")
    token_id = q(db).execute(select(ApiToken.id).where(ApiToken.label == "kept")).scalar_one()
    forged = browsers("ken.head").post(f"/account/tokens/{token_id}/revoke", data={}, follow_redirects=False)
    assert forged.status_code == 403
    assert client.get(ME, headers=bearer(token)).status_code == 200
