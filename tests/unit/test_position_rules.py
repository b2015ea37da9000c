"""Who may state a delegation's position and change a clause's status: one rule each, asked by the
pages' forms and by the write paths alike."""

from __future__ import annotations

import pytest

from consensus.core.positions import clause_status_refusal, clauses_status_refusal, position_refusal
from consensus.core.refusal import Refusal
from consensus.core.tally import Words
from consensus.core.versions import frozen_refusal

SUPERSEDED = frozen_refusal(1, 2, superseded=True, adopted=False)
ADOPTED = frozen_refusal(2, 2, superseded=False, adopted=True)


def says(refusal: Refusal | None) -> str:
    assert refusal is not None
    return Words().phrase(refusal.phrase)


def test_the_head_of_a_delegation_states_its_position() -> None:
    assert position_refusal(head=True, frozen=None) is None


def test_no_other_member_does() -> None:
    refusal = position_refusal(head=False, frozen=None)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the head of a delegation states its position."


@pytest.mark.parametrize("frozen", [SUPERSEDED, ADOPTED])
def test_nor_on_a_version_that_may_no_longer_change(frozen: Refusal) -> None:
    assert position_refusal(True, frozen) is frozen


@pytest.mark.parametrize("status", ["open", "agreed_ad_ref"])
def test_the_chair_marks_a_clause_agreed_or_reopens_it(status: str) -> None:
    assert clause_status_refusal("chair", "3.2", status, None) is None


@pytest.mark.parametrize("role", ["secretariat", "delegate", "observer"])
def test_nobody_else_changes_a_clause_status(role: str) -> None:
    refusal = clause_status_refusal(role, "3.2", "open", None)
    assert refusal is not None and refusal.kind == "forbidden"
    assert says(refusal) == "Only the chair marks clauses agreed or reopens them."


def test_a_clause_adopted_with_the_whole_text_or_on_a_frozen_version_keeps_its_status() -> None:
    assert clause_status_refusal("chair", "3.2", "open", SUPERSEDED) is SUPERSEDED
    assert clause_status_refusal("chair", "3.2", "adopted", ADOPTED) is ADOPTED
    adopted = clause_status_refusal("chair", "3.2", "adopted", None)
    assert adopted is not None and adopted.kind == "conflict"
    assert says(adopted) == "Clause 3.2 has been adopted with the whole text."


def test_the_chair_marks_several_clauses_agreed_at_once() -> None:
    assert clauses_status_refusal("chair", [("1.1", "open"), ("3.2", "open"), ("4", "agreed_ad_ref")], [], None) is None


def test_a_batch_of_no_clause_asks_for_one() -> None:
    refusal = clauses_status_refusal("chair", [], [], None)
    assert refusal is not None and refusal.kind == "invalid" and refusal.field == "clauses"
    assert says(refusal) == "Choose at least one clause."


def test_a_batch_naming_clauses_the_version_lacks_is_refused_naming_them() -> None:
    refusal = clauses_status_refusal("chair", [("1.1", "open")], ["9.9", "12"], None)
    assert refusal is not None and refusal.kind == "invalid"
    assert says(refusal) == "Clauses 9.9, 12 are not in this version."


def test_one_adopted_clause_refuses_the_whole_batch_naming_it() -> None:
    refusal = clauses_status_refusal("chair", [("1.1", "open"), ("2", "adopted"), ("3", "adopted")], [], None)
    assert refusal is not None and refusal.kind == "conflict"
    assert says(refusal) == (
        "Nothing was changed: clauses 2, 3 may not be changed. Clause 2 has been adopted with the whole text."
    )


def test_a_batch_asks_the_single_clause_rule_of_who_and_when() -> None:
    forbidden = clauses_status_refusal("secretariat", [("1.1", "open")], [], None)
    assert forbidden == clause_status_refusal("secretariat", "1.1", "open", None)
    assert clauses_status_refusal("chair", [("1.1", "open"), ("2", "open")], [], SUPERSEDED) is SUPERSEDED
