"""The secretariat invites someone to a seat; the invitee accepts through a one-time link: a new
account chooses its password, an existing one signs in and joins. Nobody is attached silently."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.audit.services import Actor
from consensus.core.groupfile import check_group_file
from consensus.db import utcnow
from consensus.groups.services import load_group_file
from consensus.models import AuditEvent, Invitation, Membership, User, WorkingGroup
from tests.conftest import csrf_token, login, post_form, q

NEW = {"name": "Ms. Ama Owusu", "email": "Ama.Owusu@Example.org", "role": "delegate", "delegation": "KEN"}
CHAIR_NAME = "Ambassador Miriam Achterberg"


def add_member(client: TestClient, group: str = "oewg-ict", **overrides: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/groups/{group}/members/new")
    return client.post(f"/groups/{group}/members", data={**NEW, **overrides, "_csrf_token": token})


def invitation_path(page: str) -> str:
    match = re.search(r'value="https?://[^/"]+(/invitations/[A-Za-z0-9_-]+)"', page)
    assert match, "no invitation link on the page"
    return match.group(1)


def membership(db: Session, email: str, group: str = "oewg-ict") -> Membership | None:
    return (
        q(db)
        .execute(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .join(WorkingGroup, WorkingGroup.id == Membership.group_id)
            .where(User.email == email, WorkingGroup.slug == group)
        )
        .scalar_one_or_none()
    )


def other_group(db: Session) -> None:
    """A second group with its own secretariat, who knows nothing of the demo's accounts."""
    spec = {
        "group": {"slug": "other", "name": "Another group"},
        "delegations": [{"code": "OTH", "name": "Otherland"}],
        "users": [
            {
                "email": "sec@other.example",
                "name": "Other secretariat",
                "password": "other-password",
                "role": "secretariat",
            }
        ],
    }
    load_group_file(db, check_group_file(spec), Actor.command_line(), "test")


def test_an_invited_delegate_sets_a_password_and_only_then_is_a_member(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat, invitee = make_client(), make_client()
    login(secretariat, "secretariat@demo.example")
    added = add_member(secretariat)
    assert added.status_code == 201
    assert "An invitation was prepared for ama.owusu@example.org" in added.text and "Kenya" in added.text
    assert membership(db, "ama.owusu@example.org") is None  # not a member until accepted
    listed = secretariat.get("/groups/oewg-ict").text
    assert "Invitations not yet accepted" in listed and "Ms. Ama Owusu" in listed
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
    seat = membership(db, "ama.owusu@example.org")
    assert seat is not None and seat.role == "delegate" and not seat.is_head

    again = invitee.get(path)
    assert again.status_code == 409 and "already been used" in again.text
    fresh = make_client()
    assert login(fresh, "ama.owusu@example.org", password="a long new password").status_code == 303
    actions = set(db.execute(select(AuditEvent.action)).scalars())
    assert {"member.invite", "invitation.accept"} <= actions


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
    [
        ("short", "short", "at least 10"),
        ("a long new password", "another long one", "differ"),
        ("x" * 5_000_000, "x", "at most 1024"),
    ],
    ids=["short", "mistyped", "five megabytes"],
)
def test_a_weak_or_mistyped_password_is_refused_on_the_page(
    make_client, db: Session, password, confirmation, says
) -> None:  # type: ignore[no-untyped-def]
    secretariat, invitee = make_client(), make_client()
    login(secretariat, "secretariat@demo.example")
    path = invitation_path(add_member(secretariat).text)
    token = csrf_token(invitee, path)
    page = invitee.post(path, data={"password": password, "confirmation": confirmation, "_csrf_token": token})
    assert page.status_code == 422 and says in page.text
    assert invitee.get(path).status_code == 200  # still usable
    assert q(db).execute(select(User.password_hash).where(User.email == "ama.owusu@example.org")).scalar_one() is None


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


def test_a_head_invited_to_a_delegation_without_one_holds_its_vote_once_accepted(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat, invitee = make_client(), make_client()
    login(secretariat, "secretariat@demo.example")
    page = add_member(secretariat, delegation="EUR", head="on", email="eu.head@example.org")
    assert page.status_code == 201 and "head of delegation" in page.text
    assert membership(db, "eu.head@example.org") is None
    path = invitation_path(page.text)
    token = csrf_token(invitee, path)
    invitee.post(
        path, data={"password": "a long new password", "confirmation": "a long new password", "_csrf_token": token}
    )
    seat = membership(db, "eu.head@example.org")
    assert seat is not None and seat.is_head


def normalised(page: str, email: str) -> str:
    """A reply with the address, the link and the per-request CSRF token taken out."""
    page = re.sub(r"/invitations/[A-Za-z0-9_-]+", "/invitations/LINK", page)
    page = re.sub(r'value="[0-9a-f]{128,}"', 'value="CSRF"', page)
    page = re.sub(r'"X-CSRF-Token": "[0-9a-f]+"', '"X-CSRF-Token": "CSRF"', page)
    return page.replace(email, "EMAIL")


def test_adding_an_existing_account_invites_it_and_the_reply_reveals_nothing_about_it(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    other_group(db)
    secretariat = make_client()
    assert login(secretariat, "sec@other.example", password="other-password").status_code == 303
    existing = add_member(
        secretariat, "other", email="chair@demo.example", name="A. Chair", role="observer", delegation=""
    )
    unknown = add_member(
        secretariat, "other", email="nobody@else.example", name="A. Chair", role="observer", delegation=""
    )
    assert existing.status_code == unknown.status_code == 201
    # The same page either way, and never the account holder's own name.
    assert normalised(existing.text, "chair@demo.example") == normalised(unknown.text, "nobody@else.example")
    assert CHAIR_NAME not in existing.text and CHAIR_NAME not in secretariat.get("/groups/other").text
    assert membership(db, "chair@demo.example", "other") is None  # not attached

    path = invitation_path(existing.text)
    chair = make_client()
    asked = chair.get(path)
    assert asked.status_code == 200 and "Sign in as chair@demo.example" in asked.text
    assert "password" not in asked.text.split("<main", 1)[1].lower()  # nothing to set here
    # Signing in from the invitation comes back to it, then Join.
    back = login(chair, "chair@demo.example", next_path=path)
    assert back.status_code == 303 and back.headers["location"] == path
    page = chair.get(path)
    assert ">Join<" in page.text
    joined = post_form(chair, path + "/join", {}, page=path)
    assert joined.status_code == 303 and joined.headers["location"] == "/groups/other"
    seat = membership(db, "chair@demo.example", "other")
    assert seat is not None and seat.role == "observer"
    assert chair.get("/groups/other").status_code == 200
    assert login(make_client(), "chair@demo.example").status_code == 303  # the password is the owner's still
    used = post_form(chair, path + "/join", {}, page="/")
    assert used.status_code == 409


def test_the_api_reply_is_the_same_whether_or_not_the_address_had_an_account(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    as_secretariat = api("secretariat")
    existing = as_secretariat.post(
        "/api/v1/groups/oewg-ict/members", {"email": "outsider@elsewhere.example", "name": "X", "role": "observer"}
    )
    other_group(db)
    known = as_secretariat.post(
        "/api/v1/groups/oewg-ict/members", {"email": "sec@other.example", "name": "X", "role": "observer"}
    )
    assert existing.status_code == known.status_code == 201, known.text
    assert (
        set(existing.json())
        == set(known.json())
        == {
            "email",
            "role",
            "delegation",
            "head",
            "invitation_url",
            "expires_at",
        }
    )
    assert "Other secretariat" not in known.text
    assert membership(db, "sec@other.example") is None
    bad = as_secretariat.post(
        "/api/v1/groups/oewg-ict/members", {"email": "x@example.org", "name": "X", "role": "emperor"}
    )
    assert bad.status_code == 422 and "role" in bad.text
    refused = api("chair").post(
        "/api/v1/groups/oewg-ict/members", {"email": "y@example.org", "name": "Y", "role": "observer"}
    )
    assert refused.status_code == 403


def test_an_invitation_is_accepted_only_by_the_account_it_was_made_for(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    other_group(db)
    secretariat = make_client()
    login(secretariat, "sec@other.example", password="other-password")
    path = invitation_path(
        add_member(secretariat, "other", email="chair@demo.example", role="observer", delegation="").text
    )
    someone_else = make_client()
    login(someone_else, "ken.head@demo.example")
    page = someone_else.get(path)
    assert "signed in with another account" in page.text and ">Join<" not in page.text
    refused = post_form(someone_else, path + "/join", {}, page="/")
    assert refused.status_code == 403
    assert membership(db, "ken.head@demo.example", "other") is None
    assert membership(db, "chair@demo.example", "other") is None
    # Nor can anybody set a password through an invitation made for an existing account.
    token = csrf_token(make_client(), path)
    anonymous = make_client()
    token = csrf_token(anonymous, path)
    taken = anonymous.post(
        path, data={"password": "a takeover attempt", "confirmation": "a takeover attempt", "_csrf_token": token}
    )
    assert taken.status_code == 409
    assert login(make_client(), "chair@demo.example").status_code == 303


def test_another_groups_link_cannot_set_the_password_of_an_account_still_waiting_for_one(
    make_client, db: Session
) -> None:  # type: ignore[no-untyped-def]
    secretariat = make_client()
    login(secretariat, "secretariat@demo.example")
    first = invitation_path(add_member(secretariat, email="pending@example.org", role="observer", delegation="").text)
    other_group(db)
    other = make_client()
    login(other, "sec@other.example", password="other-password")
    second = invitation_path(
        add_member(other, "other", email="pending@example.org", role="observer", delegation="").text
    )
    stranger = make_client()
    assert "Sign in as pending@example.org" in stranger.get(second).text
    token = csrf_token(stranger, second)
    taken = stranger.post(
        second, data={"password": "a takeover attempt", "confirmation": "a takeover attempt", "_csrf_token": token}
    )
    assert taken.status_code == 409
    assert q(db).execute(select(User.password_hash).where(User.email == "pending@example.org")).scalar_one() is None
    # The link that created the account still sets its password.
    invitee = make_client()
    token = csrf_token(invitee, first)
    done = invitee.post(
        first,
        data={"password": "the owner's password", "confirmation": "the owner's password", "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303


def test_a_head_invitation_is_refused_at_acceptance_when_the_delegation_has_gained_a_head(
    make_client, db: Session
) -> None:  # type: ignore[no-untyped-def]
    secretariat = make_client()
    login(secretariat, "secretariat@demo.example")
    first = invitation_path(add_member(secretariat, delegation="EUR", head="on", email="first.head@example.org").text)
    second = invitation_path(add_member(secretariat, delegation="EUR", head="on", email="second.head@example.org").text)
    winner, loser = make_client(), make_client()
    for client, path in ((winner, first), (loser, second)):
        token = csrf_token(client, path)
        client.post(
            path, data={"password": "a long new password", "confirmation": "a long new password", "_csrf_token": token}
        )
    assert membership(db, "first.head@example.org").is_head  # type: ignore[union-attr]
    assert membership(db, "second.head@example.org") is None
    page = loser.get(second)
    assert page.status_code == 200  # the link is still there to use once the secretariat has decided
    again = post_form(loser, second, {"password": "a long new password", "confirmation": "a long new password"})
    assert again.status_code == 409 and "European Union already has a head of delegation" in again.text


def test_inviting_the_same_person_again_replaces_the_earlier_link(make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = make_client()
    login(secretariat, "secretariat@demo.example")
    old = invitation_path(add_member(secretariat).text)
    new = invitation_path(add_member(secretariat, role="observer", delegation="").text)
    assert make_client().get(old).status_code == 404
    assert "Observer" in make_client().get(new).text
    assert q(db).execute(select(func.count()).select_from(Invitation)).scalar_one() == 1
