"""Checking group files: good files become values; bad ones name the entry and field at fault."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from consensus import PROJECT_ROOT
from consensus.core.groupfile import GroupFileInvalid, check_group_file, parse_weight

GOOD: dict[str, Any] = {
    "group": {"slug": "wg-1", "name": "Working Group One"},
    "delegations": [
        {"code": "KEN", "name": "Kenya", "weight": "54.03", "voting_status": "participating"},
        {"code": "FRA", "name": "France"},
        {"code": "VAT", "name": "Holy See", "voting_status": "observing"},
    ],
    "users": [
        {"email": "Chair@Example.org", "name": "Chair", "password": "long enough pass", "role": "chair"},
        {"email": "ken@example.org", "name": "K", "role": "delegate", "delegation": "KEN", "head": True},
        {"email": "obs@example.org", "name": "O", "role": "observer"},
    ],
    "documents": [
        {
            "slug": "decl",
            "title": "Declaration",
            "clauses": [{"number": "1", "heading": "Purpose", "text": "T1"}, {"number": "1.1", "text": "T2"}],
        }
    ],
}


def problems_of(raw: Any) -> list[str]:
    with pytest.raises(GroupFileInvalid) as caught:
        check_group_file(raw, "groups/x.yaml")
    assert "groups/x.yaml" in str(caught.value)
    return [str(p) for p in caught.value.problems]


def broken(path: str, value: Any) -> dict[str, Any]:
    """GOOD with one value replaced (``value`` None deletes the key)."""
    raw = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node: Any = raw
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is None:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return raw


def test_a_good_file_becomes_a_group() -> None:
    spec = check_group_file(GOOD)
    assert spec.group.slug == "wg-1"
    assert [d.weight for d in spec.delegations] == [Decimal("54.03"), Decimal(1), Decimal(1)]
    assert spec.delegations[2].voting_status == "observing"
    assert spec.users[0].email == "chair@example.org"
    assert spec.users[1].head is True
    assert [c.number for c in spec.documents[0].clauses] == ["1", "1.1"]
    assert spec.documents[0].status == "open"


def test_the_demo_file_is_a_believable_group() -> None:
    spec = check_group_file(yaml.safe_load((PROJECT_ROOT / "fixtures" / "demo.yaml").read_text()))
    statuses = [d.voting_status for d in spec.delegations]
    assert len(spec.delegations) >= 15
    assert "observing" in statuses and "non_voting" in statuses
    assert len({d.weight for d in spec.delegations}) > 10
    roles = {u.role for u in spec.users}
    assert roles == {"chair", "secretariat", "delegate", "observer"}
    assert any(u.head for u in spec.users) and any(u.role == "delegate" and not u.head for u in spec.users)
    clauses = spec.documents[0].clauses
    assert len(clauses) >= 20
    assert any("." in c.number for c in clauses)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            broken("users.1.delegation", "XXX"),
            "users[1] (ken@example.org): delegation: unknown delegation XXX",
        ),
        (broken("delegations.1.code", "KEN"), "delegations[1] (KEN): code: duplicate delegation code KEN"),
        (broken("delegations.0.name", None), "delegations[0] (KEN): name: is missing"),
        (broken("delegations.0.weight", "-3"), "delegations[0] (KEN): weight: must be a positive number"),
        (broken("delegations.0.weight", "0"), "delegations[0] (KEN): weight: must be a positive number"),
        (broken("delegations.0.weight", "heavy"), "delegations[0] (KEN): weight: must be a positive number"),
        (broken("delegations.0.weight", "NaN"), "delegations[0] (KEN): weight: must be a positive number"),
        (
            broken("delegations.0.voting_status", "maybe"),
            "delegations[0] (KEN): voting_status: must be one of",
        ),
        (broken("users.0.role", "king"), "users[0] (Chair@Example.org): role: must be one of"),
        (broken("users.0.role", None), "users[0] (Chair@Example.org): role: is missing"),
        (broken("users.0.password", "short"), "users[0] (Chair@Example.org): password: must be at least 10"),
        (broken("users.0.password", "x" * 5_000_000), "users[0] (Chair@Example.org): password: is longer than 1024"),
        (broken("users.2.head", True), "users[2] (obs@example.org): head: only a delegate"),
        (broken("users.1.delegation", None), "users[1] (ken@example.org): delegation: is missing"),
        (broken("users.1.email", "not-an-email"), "users[1] (not-an-email): email: is not an e-mail address"),
        (broken("group.slug", "Has Spaces"), "group: slug: must be lowercase"),
        (broken("group.name", None), "group: name: is missing"),
        (
            broken("documents.0.clauses.1.number", "1"),
            "documents[0] (decl) clauses[1] (1): number: duplicate",
        ),
        (broken("documents.0.clauses.0.text", None), "documents[0] (decl) clauses[0] (1): text: is missing"),
        (broken("documents.0.clauses", []), "documents[0] (decl): clauses: must be a non-empty list"),
        (broken("delegations.0.colour", "red"), "delegations[0] (KEN): colour: unknown field"),
        (broken("documents.0.language", "English"), "documents[0] (decl): language: must be a language tag"),
        (broken("group", None), "group: is missing"),
    ],
)
def test_a_bad_entry_is_named_with_its_field(raw: dict[str, Any], expected: str) -> None:
    problems = problems_of(raw)
    assert any(p.startswith(expected) for p in problems), problems


def test_two_heads_for_one_delegation_are_refused() -> None:
    raw = copy.deepcopy(GOOD)
    raw["users"].append(
        {"email": "ken2@example.org", "name": "K2", "role": "delegate", "delegation": "KEN", "head": True}
    )
    assert any("KEN already has a head of delegation" in p for p in problems_of(raw))


def test_every_problem_is_reported_at_once() -> None:
    raw = broken("delegations.0.weight", "-1")
    raw["users"][1]["delegation"] = "ZZZ"
    assert len(problems_of(raw)) == 2


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    assert problems_of(["a", "list"]) == ["must be a mapping of fields, got list"]


@given(
    st.decimals(
        allow_nan=False,
        allow_infinity=False,
        places=4,
        min_value=Decimal("0.0001"),
        max_value=Decimal(10**12),
    )
)
def test_any_positive_decimal_is_a_weight(value: Decimal) -> None:
    assert parse_weight(str(value)) == value


@given(st.one_of(st.decimals(max_value=0, allow_nan=False), st.text().filter(lambda t: not t.strip()), st.booleans()))
def test_zero_negative_blank_and_booleans_are_not_weights(value: object) -> None:
    assert parse_weight(value) is None
