"""The secretariat changes a member's seat or removes them from the group page; the member's open
sessions lose the rights at once (memberships are read on every request)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import AuditEvent, Membership, Position, User
from tests.conftest import D, post_form, q

KEN_HEAD = "ken.head@demo.example"
KEN_DELEGATE = "ken.delegate@demo.example"


def user_id(db: Session, email: str) -> int:
    return q(db).execute(select(User.id).where(User.email == email)).scalar_one()


def member_path(db: Session, email: str) -> str:
    return f"/groups/oewg-ict/members/{user_id(db, email)}"


def state_position(browser, position: str = "support"):  # type: ignore[no-untyped-def]
    return post_form(
        browser, f"{D}/position", {"clause": "3.2", "position": position}, page=f"{D}/versions/1/clauses/3.2"
    )


def positions(db: Session) -> int:
    return q(db).execute(select(func.count()).select_from(Position)).scalar_one()


def test_the_group_page_links_each_member_to_their_page_for_the_secretariat_only(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    path = member_path(db, KEN_HEAD)
    assert f'href="{path}"' in browsers("secretariat").get("/groups/oewg-ict").text
    assert f'href="{path}"' not in browsers("chair").get("/groups/oewg-ict").text
    page = browsers("secretariat").get(path)
    assert page.status_code == 200 and "Change the seat" in page.text and "Remove" in page.text


def test_a_head_made_observer_loses_the_vote_in_their_open_session_at_once(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    head = browsers("ken.head")
    before = positions(db)
    assert state_position(head).status_code == 303
    changed = post_form(browsers("secretariat"), member_path(db, KEN_HEAD), {"role": "observer", "delegation": "KEN"})
    assert changed.status_code == 303 and changed.headers["location"].endswith("?saved=1")
    refused = state_position(head, "objection")  # the same session, the next request
    assert refused.status_code == 403
    assert positions(db) == before + 1
    seat = q(db).execute(select(Membership).where(Membership.user_id == user_id(db, KEN_HEAD))).scalar_one()
    assert (seat.role, seat.is_head) == ("observer", False)
    event = q(db).execute(select(AuditEvent).where(AuditEvent.action == "member.change")).scalar_one()
    assert '"before"' in event.details and KEN_HEAD in event.details


def test_a_removed_member_loses_the_group_in_their_open_session_at_once(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    delegate = browsers("ken.delegate")
    assert delegate.get("/groups/oewg-ict").status_code == 200
    removed = post_form(
        browsers("secretariat"), member_path(db, KEN_DELEGATE) + "/remove", {}, page=member_path(db, KEN_DELEGATE)
    )
    assert removed.status_code == 303 and removed.headers["location"] == "/groups/oewg-ict?removed=1"
    assert delegate.get("/groups/oewg-ict", follow_redirects=False).status_code == 404
    assert delegate.get("/", follow_redirects=False).status_code == 200  # still signed in, in no group
    assert q(db).execute(select(Membership).where(Membership.user_id == user_id(db, KEN_DELEGATE))).first() is None
    assert q(db).execute(select(AuditEvent).where(AuditEvent.action == "member.remove")).scalar_one().group_id


def test_a_seat_that_breaks_a_rule_is_named_and_nothing_changes(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    path = member_path(db, KEN_DELEGATE)
    for values, field, says in [
        ({"role": "delegate", "delegation": "KEN", "head": "on"}, "head", "Kenya already has a head of delegation"),
        ({"role": "delegate", "delegation": ""}, "delegation", "A delegate belongs to a delegation"),
        ({"role": "chair", "delegation": "KEN"}, "delegation", "act for the group"),
        ({"role": "emperor", "delegation": ""}, "role", "Choose a role"),
        ({"role": "delegate", "delegation": "ATL"}, "delegation", "no delegation ATL"),
    ]:
        page = post_form(secretariat, path, values)
        assert page.status_code == 422, values
        assert says in page.text and f'id="{field}"' in page.text and 'aria-invalid="true"' in page.text
    seat = q(db).execute(select(Membership).where(Membership.user_id == user_id(db, KEN_DELEGATE))).scalar_one()
    assert (seat.role, seat.is_head) == ("delegate", False)
    assert q(db).execute(select(func.count()).where(AuditEvent.action == "member.change")).scalar_one() == 0


def test_the_head_moves_when_the_old_head_gives_it_up_first(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    assert (
        post_form(secretariat, member_path(db, KEN_HEAD), {"role": "delegate", "delegation": "KEN"}).status_code == 303
    )
    moved = post_form(
        secretariat, member_path(db, KEN_DELEGATE), {"role": "delegate", "delegation": "KEN", "head": "on"}
    )
    assert moved.status_code == 303
    assert state_position(browsers("ken.delegate")).status_code == 303


def test_the_group_keeps_at_least_one_member_of_the_secretariat(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    other = member_path(db, "secretariat2@demo.example")
    assert post_form(secretariat, other + "/remove", {}, page=other).status_code == 303
    mine = member_path(db, "secretariat@demo.example")
    page = secretariat.get(mine)
    assert "needs at least one member of the secretariat" in page.text and "/remove" not in page.text
    removal = post_form(secretariat, mine + "/remove", {}, page=mine)
    assert removal.status_code == 409 and "needs at least one member of the secretariat" in removal.text
    demotion = post_form(secretariat, mine, {"role": "observer", "delegation": ""})
    assert demotion.status_code == 422 and "needs at least one member of the secretariat" in demotion.text
    assert secretariat.get("/groups/oewg-ict/members/new").status_code == 200  # still the secretariat


def test_only_members_of_this_group_have_a_member_page(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    assert secretariat.get("/groups/oewg-ict/members/999999").status_code == 404
    assert secretariat.get("/groups/oewg-ict/members/0").status_code in (400, 404, 422)
    assert browsers("chair").get(member_path(db, KEN_HEAD)).status_code == 403
