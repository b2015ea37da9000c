"""Who may propose, withdraw, co-sponsor and decide on an amendment: one rule each, asked by the
amendment page's buttons and by the write paths alike."""

from __future__ import annotations

import pytest

from consensus.core.amendment import (
    AmendmentFacts,
    Member,
    decide_refusal,
    propose_refusal,
    sponsor_refusal,
    withdraw_refusal,
)
from consensus.core.refusal import Refusal
from consensus.core.tally import Words
from consensus.core.versions import frozen_refusal

KENYA, INDIA = 1, 2
KENYAN = Member("delegate", KENYA)
INDIAN = Member("delegate", INDIA)
PROPOSED = AmendmentFacts(5, "proposed", version=2, delegation_id=KENYA)
SUPERSEDED = frozen_refusal(2, 3, superseded=True, adopted=False)
ADOPTED = frozen_refusal(2, 2, superseded=False, adopted=True)
NOT_DELEGATES = [Member("chair"), Member("secretariat"), Member("observer"), Member("delegate")]


def says(refusal: Refusal | None) -> str:
    assert refusal is not None
    return Words().phrase(refusal.phrase)


def test_a_delegate_proposes_on_a_version_that_may_change() -> None:
    assert propose_refusal(KENYAN, None) is None
    assert propose_refusal(KENYAN, SUPERSEDED) is SUPERSEDED
    assert propose_refusal(KENYAN, ADOPTED) is ADOPTED


@pytest.mark.parametrize("member", NOT_DELEGATES)
def test_only_delegates_acting_for_a_delegation_propose(member: Member) -> None:
    refusal = propose_refusal(member, None)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only delegates propose amendments, for their own delegation."


def test_the_proposing_delegation_withdraws_its_amendment() -> None:
    assert withdraw_refusal(KENYAN, PROPOSED) is None


def test_another_delegation_does_not() -> None:
    refusal = withdraw_refusal(INDIAN, PROPOSED)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the proposing delegation can withdraw amendment 5."
    assert says(withdraw_refusal(Member("chair"), PROPOSED)).startswith("Only delegates withdraw amendments")


def test_other_delegations_co_sponsor_and_the_proposer_cannot() -> None:
    assert sponsor_refusal(INDIAN, PROPOSED) is None
    own = sponsor_refusal(KENYAN, PROPOSED)
    assert own is not None and own.kind == "conflict"
    assert says(own) == "Your delegation proposed amendment 5: it cannot also co-sponsor it."
    assert says(sponsor_refusal(Member("observer"), PROPOSED)).startswith("Only delegates co-sponsor amendments")


def test_the_chair_decides_on_a_proposed_amendment() -> None:
    assert decide_refusal("chair", PROPOSED) is None


@pytest.mark.parametrize("role", ["secretariat", "delegate", "observer"])
def test_nobody_else_decides(role: str) -> None:
    refusal = decide_refusal(role, PROPOSED)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the chair decides on amendments."


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("withdrawn", "Amendment 5 is withdrawn: it can no longer change."),
        ("accepted", "Amendment 5 is accepted: it can no longer change."),
        ("rejected", "Amendment 5 is rejected: it can no longer change."),
    ],
)
def test_an_amendment_decided_or_withdrawn_no_longer_changes(status: str, words: str) -> None:
    decided = AmendmentFacts(5, status, 2, delegation_id=KENYA)
    for refusal in (
        withdraw_refusal(KENYAN, decided),
        sponsor_refusal(INDIAN, decided),
        decide_refusal("chair", decided),
    ):
        assert refusal is not None and refusal.kind == "conflict"
        assert says(refusal) == words


@pytest.mark.parametrize("frozen", [SUPERSEDED, ADOPTED])
def test_nor_does_one_on_a_version_that_may_no_longer_change(frozen: Refusal) -> None:
    lapsed = AmendmentFacts(5, "proposed", 2, frozen, delegation_id=KENYA)
    assert withdraw_refusal(KENYAN, lapsed) is frozen
    assert sponsor_refusal(INDIAN, lapsed) is frozen
    assert decide_refusal("chair", lapsed) is frozen
