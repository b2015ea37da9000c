"""Loading group files into a real database: updates, head changes, new versions."""

from __future__ import annotations

import copy

import yaml
from sqlalchemy import select
from sqlmodel import Session

from consensus.audit.services import Actor
from consensus.core.groupfile import check_group_file
from consensus.groups.services import load_group_file
from consensus.models import Clause, Delegation, Membership, User, Version
from tests.conftest import DEMO_FILE, q


def demo() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(DEMO_FILE.read_text())


def load(db: Session, raw: dict):  # type: ignore[no-untyped-def, type-arg]
    return load_group_file(db, check_group_file(raw), Actor.command_line(), "test")


def heads(db: Session) -> dict[str, str]:
    rows = (
        q(db)
        .execute(
            select(Delegation.code, User.email)
            .join(Membership, Membership.delegation_id == Delegation.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.is_head)
        )
        .all()
    )
    return dict(rows)


def test_a_file_that_leaves_people_out_keeps_their_roles(db: Session) -> None:
    before = heads(db)
    raw = {"group": demo()["group"], "delegations": demo()["delegations"]}
    report = load(db, raw)
    assert not report.changed
    assert heads(db) == before


def test_the_voting_right_moves_from_one_delegate_to_another(db: Session) -> None:
    raw = demo()
    for user in raw["users"]:
        if user["email"] == "ken.head@demo.example":
            user["head"] = False
        if user["email"] == "ken.delegate@demo.example":
            user["head"] = True
    report = load(db, raw)
    assert report.updated["memberships"] >= 2
    assert heads(db)["KEN"] == "ken.delegate@demo.example"


def test_a_changed_weight_and_a_changed_text_are_updated_and_versioned(db: Session) -> None:
    raw = copy.deepcopy(demo())
    raw["delegations"][0]["weight"] = "99.5"
    raw["documents"][0]["clauses"][0]["text"] = "A rewritten purpose."
    report = load(db, raw)
    assert report.updated["delegations"] == 1 and report.created["versions"] == 1
    code = raw["delegations"][0]["code"]
    assert str(q(db).execute(select(Delegation.weight).where(Delegation.code == code)).scalar_one()) == "99.5"
    lineages = [
        q(db)
        .execute(
            select(Clause.lineage)
            .join(Version, Version.id == Clause.version_id)
            .where(Version.number == n, Clause.number == "1")
        )
        .scalar_one()
        for n in (1, 2)
    ]
    assert lineages[0] == lineages[1]
    assert not load(db, raw).changed
