"""The secretariat adds a member; the invitee sets a password through a one-time link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.db import utcnow
from consensus.models import AuditEvent, Invitation, Membership, User
from tests.conftest import csrf_token, login

NEW = {"name": "Ms. Ama Owusu", "email": "Ama.Owusu@Example.org", "role": "delegate", "delegation": "KEN"}


def add_member(client: TestClient, **overrides: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/groups/oewg-ict/members/new")
    return client.post("/groups/oewg-ict/members", data={**NEW, **overrides, "_csrf_token": token})


def invitation_path(page: str) -> str:
    match = re.search(r'value="https?://[^/"]+(/invitations/[A-Za-z0-9_-]+)"', page)
    assert match, "no invitation link on the page"
    return match.group(1)


def test_an_invited_delegate_sets_a_password_and_is_in(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat, invitee = make_client(), make_client()
    login(secretariat, "secretariat@demo.example")
    added = add_member(secretariat)
    assert added.status_code == 201
    assert "Ms. Ama Owusu" in added.text and "Kenya" in added.text
    path = invitation_path(added.text)

    form = invitee.get(path)
    assert form.status_code == 200
    assert "ama.owusu@example.org" in form.text and "Kenya" in form.text
    token = csrf_token(invitee, path)
    accepted = invitee.post(
        path,
        data={"password": "a long new password", "confirmation": "a long new password", "_csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    dashboard = invitee.get(accepted.headers["location"])
    assert "Open-ended Working Group" in dashboard.text

    again = invitee.get(path)
    assert again.status_code == 409 and "already been used" in again.text
    fresh = make_client()
    assert login(fresh, "ama.owusu@example.org", password="a long new password").status_code == 303
    actions = set(db.execute(select(AuditEvent.action)).scalars())
    assert {"member.add", "invitation.accept"} <= actions


def test_only_a_hash_of_the_invitation_is_stored(as_user, db: Session) -> None:  # type: ignore[no-untyped-def]
    page = add_member(as_user("secretariat@demo.example")).text
    raw = invitation_path(page).rsplit("/", 1)[1]
    stored = db.execute(select(Invitation.token_hash)).scalars().all()
    assert raw not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_an_expired_invitation_is_refused(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat, invitee = make_client(), make_client()
    login(secretariat, "secretariat@demo.example")
    path = invitation_path(add_member(secretariat).text)
    db.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    page = invitee.get(path)
    assert page.status_code == 409 and "expired" in page.text


def test_an_unknown_invitation_is_a_404(client: TestClient) -> None:
    page = client.get("/invitations/not-a-real-token")
    assert page.status_code == 404 and "not valid" in page.text


@pytest.mark.parametrize(
    ("password", "confirmation", "says"),
    [("short", "short", "at least 10"), ("a long new password", "another long one", "differ")],
)
def test_a_weak_or_mistyped_password_is_refused_on_the_page(make_client, password, confirmation, says) -> None:  # type: ignore[no-untyped-def]
    secretariat, invitee = make_client(), make_client()
    login(secretariat, "secretariat@demo.example")
    path = invitation_path(add_member(secretariat).text)
    token = csrf_token(invitee, path)
    page = invitee.post(path, data={"password": password, "confirmation": confirmation, "_csrf_token": token})
    assert page.status_code == 422 and says in page.text
    assert invitee.get(path).status_code == 200  # still usable


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"email": "not an email"}, "email", "Enter an e-mail address"),
        ({"name": ""}, "name", "Enter the member"),
        ({"role": "emperor"}, "role", "Choose a role"),
        ({"delegation": ""}, "delegation", "A delegate belongs to a delegation"),
        ({"delegation": "ATL"}, "delegation", "no delegation ATL"),
        ({"role": "chair"}, "delegation", "act for the group"),
        ({"head": "on"}, "head", "already has a head of delegation"),
        ({"role": "observer", "delegation": "", "head": "on"}, "head", "Only a delegate"),
        ({"email": "ken.head@demo.example"}, "email", "already a member"),
    ],
)
def test_bad_member_details_are_named_and_nothing_is_written(as_user, db: Session, overrides, field, says) -> None:  # type: ignore[no-untyped-def]
    client = as_user("secretariat@demo.example")
    counts = [db.execute(select(func.count()).select_from(t)).scalar_one() for t in (User, Membership, Invitation)]
    page = add_member(client, **overrides)
    assert page.status_code in (409, 422)
    assert says in page.text
    assert f'id="{field}"' in page.text and 'aria-invalid="true"' in page.text
    db.expire_all()
    after = [db.execute(select(func.count()).select_from(t)).scalar_one() for t in (User, Membership, Invitation)]
    assert after == counts


def test_a_head_can_be_added_to_a_delegation_without_one(as_user, db: Session) -> None:  # type: ignore[no-untyped-def]
    client = as_user("secretariat@demo.example")
    page = add_member(client, delegation="EUR", head="on", email="eu.head@example.org")
    assert page.status_code == 201
    membership = db.execute(
        select(Membership).join(User, User.id == Membership.user_id).where(User.email == "eu.head@example.org")
    ).scalar_one()
    assert membership.is_head
