"""Regression tests for defects a security review found (each named after what it protects)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.amendments import services as amendments
from consensus.audit.services import Actor
from consensus.comments import services as comments
from consensus.core.groupfile import GroupFileInvalid, check_group_file
from consensus.documents import versions
from consensus.errors import Conflict
from consensus.groups.services import NewMember, add_member, load_group_file
from consensus.models import Clause, Position, Round, SecretTally
from consensus.publishing import services as publishing
from consensus.voting import services as voting
from tests.conftest import D, clause_url, login, post_form, q, who

G, DOC = "oewg-ict", "declaration"


def other_group(db: Session) -> None:
    load_group_file(
        db,
        check_group_file(
            {
                "group": {"slug": "other", "name": "Other"},
                "delegations": [{"code": "OTH", "name": "Other"}],
                "users": [
                    {
                        "email": "sec@other.example",
                        "name": "Other secretariat",
                        "password": "other-password",
                        "role": "secretariat",
                    }
                ],
            }
        ),
        Actor.command_line(),
        "test",
    )


def test_another_groups_secretariat_cannot_take_over_an_account(db: Session, make_client) -> None:  # type: ignore[no-untyped-def]
    other_group(db)
    attacker = make_client()
    assert login(attacker, "sec@other.example", password="other-password").status_code == 303
    added = post_form(
        attacker,
        "/groups/other/members",
        {"email": "chair@demo.example", "name": "x", "role": "observer"},
        page="/groups/other/members/new",
    )
    assert added.status_code == 201
    # An invitation the account's holder may accept while signed in: nothing is attached, and its
    # link sets no password.
    assert "Ambassador Miriam Achterberg" not in added.text
    link = added.text.split("/invitations/", 1)[1].split('"', 1)[0]
    taken = post_form(attacker, f"/invitations/{link}", {"password": "taken over!!", "confirmation": "taken over!!"})
    assert taken.status_code == 409
    assert "other" not in who(q(db), "chair@demo.example").memberships
    victim = make_client()
    assert login(victim, "chair@demo.example").status_code == 303  # the password still works


def test_an_invitation_never_replaces_an_existing_password(db: Session, client) -> None:  # type: ignore[no-untyped-def]
    from consensus.accounts.services import accept_invitation, issue_invitation
    from consensus.db import write_transaction
    from consensus.models import User

    chair = q(db).execute(select(User).where(User.email == "chair@demo.example")).scalar_one()
    with write_transaction(db):
        issued = issue_invitation(
            db,
            user_id=chair.id,  # type: ignore[arg-type]
            group_id=1,
            created_by_id=None,
            valid_days=1,
            role="observer",
            sets_password=True,
        )
    with pytest.raises(Conflict, match="already has a password"):
        accept_invitation(q(db), issued.token, "a brand new password", "a brand new password")


def test_a_pending_invitee_of_another_group_gets_a_link_that_sets_no_password(db: Session) -> None:
    from consensus.accounts.services import read_invitation

    secretariat = who(db, "secretariat@demo.example")
    first = add_member(
        db,
        G,
        NewMember(email="pending@example.org", name="Pending", role="observer"),
        secretariat.actor(G),
        invitation_days=7,
    )
    other_group(db)
    second = add_member(
        db,
        "other",
        NewMember(email="pending@example.org", name="Pending", role="observer"),
        who(db, "sec@other.example").actor("other"),
        invitation_days=7,
    )
    assert read_invitation(q(db), first.token).needs_password
    assert not read_invitation(q(db), second.token).needs_password


def test_rounds_cannot_change_an_adopted_or_superseded_version(db: Session) -> None:
    chair, ken = who(db, "chair@demo.example"), who(db, "ken.head@demo.example")
    draft = voting.create_round(
        db, chair, G, voting.RoundInput(document=DOC, title="Draft", rule="consensus", clause="1")
    )
    running = voting.create_round(
        db, chair, G, voting.RoundInput(document=DOC, title="Open", rule="consensus", clause="1")
    )
    voting.open_round(db, chair, G, running)
    q(db).execute(update(Clause).values(status="agreed_ad_ref"))
    db.commit()
    with pytest.raises(Conflict, match="Rounds are still open"):
        publishing.adopt(q(db), chair, G, DOC, 1)
    voting.close_round(db, chair, G, running)
    publishing.adopt(q(db), chair, G, DOC, 1)
    with pytest.raises(Conflict, match="adopted and is frozen"):
        voting.open_round(q(db), chair, G, draft)
    assert q(db).get(Round, draft).status == "draft"  # type: ignore[union-attr]
    del ken


def test_a_ballot_on_a_superseded_version_is_refused(db: Session) -> None:
    chair, ken = who(db, "chair@demo.example"), who(db, "ken.head@demo.example")
    rid = voting.create_round(db, chair, G, voting.RoundInput(document=DOC, title="Open", rule="simple_majority"))
    voting.open_round(db, chair, G, rid)
    amendment = amendments.propose(db, ken, G, DOC, "3.2", amendments.AmendmentInput("delete"))
    amendments.decide(db, chair, G, amendment, "accepted", "")
    versions.consolidate_version(db, who(db, "secretariat@demo.example"), G, DOC)
    with pytest.raises(Conflict, match="superseded"):
        voting.cast_ballot(q(db), ken, G, rid, "yes")


def test_a_secret_round_reveals_no_weights_and_no_running_tally(db: Session, browsers) -> None:  # type: ignore[no-untyped-def]
    chair = who(db, "chair@demo.example")
    rid = voting.create_round(
        db, chair, G, voting.RoundInput(document=DOC, title="Secret", rule="simple_majority", secret=True)
    )
    voting.open_round(db, chair, G, rid)
    for head, choice in (("ken", "yes"), ("nga", "no"), ("ind", "yes"), ("bra", "no")):
        voting.cast_ballot(db, who(db, f"{head}.head@demo.example"), G, rid, choice)
    counters = json.loads(q(db).get(SecretTally, rid).counts)  # type: ignore[union-attr]
    assert {share["weight"] for choices in counters.values() for share in choices.values()} == {"0"}
    live = browsers("chair").get(f"/groups/oewg-ict/rounds/{rid}").text
    assert "Running tally" not in live and "4 of 16 delegations have voted" in live
    voting.close_round(q(db), chair, G, rid)
    result = json.loads(q(db).get(Round, rid).result)  # type: ignore[union-attr, arg-type]
    assert result["tally"]["yes"] == {"count": 2, "weight": None} and result["eligible"]["weight"] is None
    page = browsers("ken.delegate").get(f"/groups/oewg-ict/rounds/{rid}").text
    assert "54.03" not in page and "shows no weights" in page


def test_a_change_key_only_works_for_its_own_delegation(db: Session) -> None:
    chair = who(db, "chair@demo.example")
    rid = voting.create_round(
        db, chair, G, voting.RoundInput(document=DOC, title="Secret", rule="simple_majority", secret=True)
    )
    voting.open_round(db, chair, G, rid)
    kenya = voting.cast_ballot(db, who(db, "ken.head@demo.example"), G, rid, "yes")
    nigeria = who(db, "nga.head@demo.example")
    voting.cast_ballot(db, nigeria, G, rid, "yes")
    with pytest.raises(Conflict, match="already voted"):
        voting.cast_ballot(q(db), nigeria, G, rid, "no", change_key=kenya.change_key)
    counters = json.loads(q(db).get(SecretTally, rid).counts)  # type: ignore[union-attr]
    assert counters == {"all": {"yes": {"count": 2, "weight": "0"}}}


def test_a_consensus_ballot_on_an_amendment_is_not_a_position_on_the_clause(db: Session) -> None:
    chair, ken = who(db, "chair@demo.example"), who(db, "ken.head@demo.example")
    amendment = amendments.propose(
        db, who(db, "nga.head@demo.example"), G, DOC, "1", amendments.AmendmentInput("delete")
    )
    rid = voting.create_round(
        db, chair, G, voting.RoundInput(document=DOC, title="On the amendment", rule="consensus", amendment=amendment)
    )
    voting.open_round(db, chair, G, rid)
    voting.cast_ballot(db, ken, G, rid, "objection", "Keep clause 1.")
    assert q(db).execute(select(func.count()).select_from(Position)).scalar_one() == 0


@pytest.mark.parametrize("text", ["Vertical\x0btab", "Null\x00byte", "Bell\x07"])
def test_control_characters_are_refused(browsers, db: Session, text: str) -> None:  # type: ignore[no-untyped-def]
    response = post_form(
        browsers("ken.head"), f"{clause_url('3.2')}/comments", {"kind": "general", "body": text}, page=D
    )
    assert response.status_code == 422 and "control characters" in response.text
    with pytest.raises(GroupFileInvalid, match="control characters"):
        check_group_file({"group": {"slug": "g", "name": f"G{text}"}, "delegations": []})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amendment": "²"}, "amendment"),
        ({"amendment": "99999999999999999999"}, "amendment"),
        ({"quorum": "1e-5000"}, "quorum"),
        ({"rule": "custom", "threshold": "1/99999999"}, "threshold"),
        ({"closes_at": "9999-12-31T23:59:59-23:59"}, "closes_at"),
    ],
)
def test_odd_numbers_and_dates_are_refused_not_crashed_on(browsers, fields: dict[str, str], field: str) -> None:  # type: ignore[no-untyped-def]
    data = {"title": "Round", "document": "declaration", "rule": "simple_majority", **fields}
    response = post_form(browsers("chair"), "/groups/oewg-ict/rounds", data, page="/groups/oewg-ict/rounds/new")
    assert response.status_code == 422, response.text[:300]
    assert f'id="{field}"' in response.text


def test_a_reply_to_a_strange_id_is_refused(browsers) -> None:  # type: ignore[no-untyped-def]
    response = post_form(
        browsers("ken.head"), f"{clause_url('3.2')}/comments", {"body": "Reply", "parent_id": "²"}, page=D
    )
    assert response.status_code == 422


def test_dispositions_of_an_adopted_text_are_frozen(db: Session) -> None:
    comment = comments.post_comment(db, who(db, "ken.head@demo.example"), G, DOC, "3.2", comments.CommentInput("Note."))
    q(db).execute(update(Clause).values(status="agreed_ad_ref"))
    db.commit()
    publishing.adopt(q(db), who(db, "chair@demo.example"), G, DOC, 1)
    with pytest.raises(Conflict, match="frozen"):
        comments.dispose_comment(q(db), who(db, "secretariat@demo.example"), G, comment, "noted", "")
