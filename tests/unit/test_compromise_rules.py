"""Who may propose a compromise and what it may supersede; who withdraws it; that delegations do
not co-sponsor it (the rules the compromise form and the write path both ask)."""

from __future__ import annotations

import pytest

from consensus.core.amendment import (
    AmendmentFacts,
    Member,
    compromise_refusal,
    decide_refusal,
    sponsor_refusal,
    withdraw_refusal,
)
from consensus.core.refusal import Refusal
from consensus.core.tally import Words
from consensus.core.versions import frozen_refusal

CLAUSE, OTHER_CLAUSE = 7, 8
KENYA, INDIA = 1, 2
FIRST = AmendmentFacts(5, "proposed", 2, delegation_id=KENYA, clause_id=CLAUSE)
SECOND = AmendmentFacts(6, "proposed", 2, delegation_id=INDIA, clause_id=CLAUSE)
COMPROMISE = AmendmentFacts(9, "proposed", 2, compromise=True, clause_id=CLAUSE)
FROZEN = frozen_refusal(2, 3, superseded=True, adopted=False)


def says(refusal: Refusal | None) -> str:
    assert refusal is not None
    return Words().phrase(refusal.phrase)


@pytest.mark.parametrize("role", ["chair", "secretariat"])
def test_the_chair_or_the_secretariat_for_the_chair_proposes_a_compromise(role: str) -> None:
    assert compromise_refusal(role, None, CLAUSE, [FIRST, SECOND]) is None
    assert compromise_refusal(role, None, CLAUSE, [FIRST]) is None


@pytest.mark.parametrize("role", ["delegate", "observer", ""])
def test_nobody_else_proposes_one(role: str) -> None:
    refusal = compromise_refusal(role, None, CLAUSE, [FIRST, SECOND])
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the chair, or the secretariat for the chair, proposes a compromise."


def test_a_compromise_on_a_frozen_version_is_refused() -> None:
    assert compromise_refusal("chair", FROZEN, CLAUSE, [FIRST]) is FROZEN


def test_a_compromise_supersedes_at_least_one_amendment() -> None:
    refusal = compromise_refusal("chair", None, CLAUSE, [])
    assert refusal is not None and refusal.kind == "invalid" and refusal.field == "supersedes"
    assert says(refusal) == "Choose the amendments the compromise supersedes: at least one."


def test_it_supersedes_only_amendments_on_its_own_clause() -> None:
    elsewhere = AmendmentFacts(11, "proposed", 2, delegation_id=INDIA, clause_id=OTHER_CLAUSE)
    refusal = compromise_refusal("chair", None, CLAUSE, [FIRST, elsewhere])
    assert refusal is not None and refusal.field == "supersedes"
    assert says(refusal) == "Amendment 11 is on another clause: a compromise supersedes amendments on its own clause."


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("accepted", "Amendment 6 is accepted: only proposed amendments can be superseded."),
        ("rejected", "Amendment 6 is rejected: only proposed amendments can be superseded."),
        ("withdrawn", "Amendment 6 is withdrawn: only proposed amendments can be superseded."),
        ("superseded", "Amendment 6 is superseded by a compromise: only proposed amendments can be superseded."),
    ],
)
def test_it_supersedes_only_proposed_amendments(status: str, words: str) -> None:
    decided = AmendmentFacts(6, status, 2, delegation_id=INDIA, clause_id=CLAUSE)
    assert says(compromise_refusal("chair", None, CLAUSE, [FIRST, decided])) == words


def test_it_does_not_supersede_an_amendment_the_delegations_are_voting_on() -> None:
    voted_on = AmendmentFacts(6, "proposed", 2, delegation_id=INDIA, clause_id=CLAUSE, open_round=True)
    refusal = compromise_refusal("chair", None, CLAUSE, [FIRST, voted_on])
    assert refusal is not None and refusal.field == "supersedes"
    assert says(refusal) == "A round on amendment 6 is open: close or cancel it before a compromise supersedes it."


def test_a_compromise_still_proposed_may_itself_be_superseded_by_a_newer_one() -> None:
    assert compromise_refusal("chair", None, CLAUSE, [COMPROMISE, FIRST]) is None


@pytest.mark.parametrize("role", ["chair", "secretariat"])
def test_the_chair_or_the_secretariat_withdraws_a_compromise(role: str) -> None:
    assert withdraw_refusal(Member(role), COMPROMISE) is None


def test_a_delegation_does_not_withdraw_a_compromise() -> None:
    refusal = withdraw_refusal(Member("delegate", KENYA), COMPROMISE)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the chair, or the secretariat for the chair, withdraws a compromise."


def test_a_decided_compromise_is_not_withdrawn() -> None:
    accepted = AmendmentFacts(9, "accepted", 2, compromise=True, clause_id=CLAUSE)
    assert says(withdraw_refusal(Member("chair"), accepted)) == "Amendment 9 is accepted: it can no longer change."


def test_delegations_do_not_co_sponsor_a_compromise() -> None:
    refusal = sponsor_refusal(Member("delegate", KENYA), COMPROMISE)
    assert refusal is not None and refusal.kind == "conflict"
    assert says(refusal).startswith("Amendment 9 is the chair's compromise")


def test_the_chair_decides_on_a_compromise_and_not_on_what_it_superseded() -> None:
    assert decide_refusal("chair", COMPROMISE) is None
    superseded = AmendmentFacts(5, "superseded", 2, delegation_id=KENYA, clause_id=CLAUSE)
    assert (
        says(decide_refusal("chair", superseded))
        == "Amendment 5 is superseded by a compromise: it can no longer change."
    )
    assert says(withdraw_refusal(Member("delegate", KENYA), superseded)).startswith("Amendment 5 is superseded")
