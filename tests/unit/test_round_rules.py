"""The rules of a round (core/rounds.py), on plain values: who runs it, what its status allows, who may
cast a ballot in it now, and who is in its electorate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from consensus.core.refusal import Refusal
from consensus.core.rounds import (
    ACTIONS,
    Caster,
    Elector,
    Electorate,
    RoundFacts,
    action_refusal,
    ballot_refusal,
    caster_refusal,
    chair_refusal,
    electorate_under,
    past_deadline,
    status_refusal,
)
from consensus.core.tally import Phrase, Words, builtin_rule

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
KENYA = Elector(1, "KEN", "Kenya", Decimal("54.03"), "participating")
INDIA = Elector(2, "IND", "India", Decimal("1"), "participating")
HOLY_SEE = Elector(3, "VAT", "Holy See", Decimal("1"), "observing")
NON_VOTING = Elector(4, "XXX", "Somewhere", Decimal("1"), "non_voting")
ELECTORS = (KENYA, INDIA, HOLY_SEE, NON_VOTING)
HEAD_OF_KENYA = Caster(1, "Kenya", is_head=True)
OPEN = RoundFacts(7, "open")


def words(said: Phrase | Refusal | None) -> str:
    """The English words of a phrase, or of a refusal's phrase."""
    assert said is not None
    return Words().phrase(said.phrase if isinstance(said, Refusal) else said)


def test_participating_delegations_make_the_electorate_of_a_simple_majority() -> None:
    electorate = electorate_under(builtin_rule("simple_majority"), ELECTORS)
    assert [v.code for v in electorate.eligible] == ["KEN", "IND"]
    assert electorate.eligible_ids == {1, 2}
    assert electorate.electors == ELECTORS and electorate.by_delegation[3] == HOLY_SEE


def test_the_iso_rule_lets_observing_delegations_vote_but_never_non_voting_ones() -> None:
    electorate = electorate_under(builtin_rule("iso"), ELECTORS)
    assert [v.code for v in electorate.eligible] == ["KEN", "IND", "VAT"]
    assert electorate.includes(3) and not electorate.includes(4) and not electorate.includes(None)


def test_the_electorate_keeps_names_and_weights_for_the_tally() -> None:
    (kenya,) = electorate_under(builtin_rule("weighted_majority"), [KENYA]).eligible
    assert (kenya.code, kenya.name, kenya.weight, kenya.status) == ("KEN", "Kenya", Decimal("54.03"), "participating")


def test_the_head_of_an_eligible_delegation_votes_in_an_open_round() -> None:
    electorate = electorate_under(builtin_rule("consensus"), ELECTORS)
    assert ballot_refusal(HEAD_OF_KENYA, OPEN, electorate) is None
    assert ballot_refusal(HEAD_OF_KENYA, OPEN, electorate, on_page=True) is None


@pytest.mark.parametrize(
    ("caster", "error", "page"),
    [
        (Caster(1, "Kenya", is_head=False), "Only the head of a delegation casts its ballot.",
         "Only the head of your delegation casts its ballot."),
        (Caster(None), "Only the head of a delegation casts its ballot.", "Ballots are cast by heads of delegation."),
    ],
)  # fmt: skip
def test_only_the_head_of_a_delegation_casts_its_ballot(caster: Caster, error: str, page: str) -> None:
    electorate = electorate_under(builtin_rule("consensus"), ELECTORS)
    refusal = ballot_refusal(caster, OPEN, electorate)
    assert refusal is not None and refusal.kind == "forbidden" and words(refusal.phrase) == error
    assert words(ballot_refusal(caster, OPEN, electorate, on_page=True)) == page
    assert caster_refusal(caster) == refusal


@pytest.mark.parametrize(
    ("status", "error", "page"),
    [
        ("draft", "Round 7 is in preparation: ballots are taken only while it is open.",
         "The round has not been opened yet."),
        ("closed", "Round 7 is closed: ballots are taken only while it is open.", "The round is closed."),
        ("cancelled", "Round 7 is cancelled: ballots are taken only while it is open.", "The round is cancelled."),
    ],
)  # fmt: skip
def test_ballots_are_taken_only_while_the_round_is_open(status: str, error: str, page: str) -> None:
    electorate = electorate_under(builtin_rule("consensus"), ELECTORS)
    round = RoundFacts(7, status)
    refusal = ballot_refusal(HEAD_OF_KENYA, round, electorate)
    assert refusal is not None and refusal.kind == "conflict" and words(refusal.phrase) == error
    assert words(ballot_refusal(HEAD_OF_KENYA, round, electorate, on_page=True)) == page


def test_a_non_head_is_told_so_before_the_state_of_the_round() -> None:
    refusal = ballot_refusal(Caster(1, "Kenya"), RoundFacts(7, "closed"), Electorate())
    assert refusal is not None and refusal.kind == "forbidden"


@pytest.mark.parametrize(
    ("adopted", "superseded", "says"),
    [
        (True, False, "The version this round is on has been adopted and is frozen."),
        (False, True, "The version this round is on has been superseded."),
        (True, True, "The version this round is on has been adopted and is frozen."),
    ],
)
def test_no_ballot_is_cast_on_a_frozen_version(adopted: bool, superseded: bool, says: str) -> None:
    electorate = electorate_under(builtin_rule("consensus"), ELECTORS)
    round = RoundFacts(7, "open", version_adopted=adopted, version_superseded=superseded)
    for on_page in (False, True):
        refusal = ballot_refusal(HEAD_OF_KENYA, round, electorate, on_page=on_page)
        assert refusal is not None and refusal.kind == "conflict" and words(refusal.phrase) == says


def test_a_delegation_outside_the_electorate_of_the_rule_is_refused() -> None:
    head_of_the_holy_see = Caster(3, "Holy See", is_head=True)
    electorate = electorate_under(builtin_rule("two_thirds"), ELECTORS)
    refusal = ballot_refusal(head_of_the_holy_see, OPEN, electorate)
    assert refusal is not None and refusal.kind == "forbidden"
    assert words(refusal.phrase) == "Holy See is not in the electorate of this round."
    page = ballot_refusal(head_of_the_holy_see, OPEN, electorate, on_page=True)
    assert words(page) == "Your delegation is not in the electorate of this round."
    assert ballot_refusal(head_of_the_holy_see, OPEN, electorate_under(builtin_rule("iso"), ELECTORS)) is None


def test_the_electorate_of_one_elector_is_enough_to_decide_its_ballot() -> None:
    rule = builtin_rule("simple_majority")
    assert ballot_refusal(HEAD_OF_KENYA, OPEN, electorate_under(rule, [KENYA])) is None
    assert ballot_refusal(HEAD_OF_KENYA, OPEN, electorate_under(rule, [])) is not None


@pytest.mark.parametrize("role", ["secretariat", "delegate", "observer"])
def test_only_the_chair_runs_rounds(role: str) -> None:
    refusal = chair_refusal(role)
    assert (
        refusal is not None and refusal.kind == "forbidden" and words(refusal.phrase) == "Only the chair runs rounds."
    )
    for action in ACTIONS:
        assert action_refusal(role, action, RoundFacts(7, "draft"), NOW) == refusal
    assert chair_refusal("chair") is None


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("draft", {"open", "cancel"}),
        ("open", {"close", "cancel"}),
        ("closed", set()),
        ("cancelled", set()),
    ],
)
def test_the_status_of_a_round_says_what_the_chair_may_do_with_it(status: str, allowed: set[str]) -> None:
    round = RoundFacts(7, status)
    assert {a for a in ACTIONS if status_refusal(a, round) is None} == allowed
    assert {a for a in ACTIONS if action_refusal("chair", a, round, NOW) is None} == allowed


def test_each_refused_action_says_why_in_the_words_of_the_status() -> None:
    said = {
        action: words(refusal.phrase)
        for action in ACTIONS
        if (refusal := status_refusal(action, RoundFacts(7, "closed"))) is not None
    }
    assert said == {
        "open": "Round 7 is closed: only a draft can be opened.",
        "close": "Round 7 is closed: only an open round can be closed.",
        "cancel": "Round 7 is already closed.",
    }


def test_a_round_past_its_deadline_cannot_be_opened_until_it_has_a_new_one() -> None:
    late = RoundFacts(7, "draft", closes_at=NOW - timedelta(minutes=1))
    refusal = action_refusal("chair", "open", late, NOW)
    assert refusal is not None and refusal.kind == "conflict"
    assert words(refusal.phrase) == "The deadline of round 7 has passed: set a new one before opening it."
    assert action_refusal("chair", "cancel", late, NOW) is None
    assert action_refusal("chair", "open", RoundFacts(7, "draft", closes_at=NOW + timedelta(days=1)), NOW) is None


def test_a_round_on_a_frozen_version_cannot_be_opened() -> None:
    refusal = action_refusal("chair", "open", RoundFacts(7, "draft", version_superseded=True), NOW)
    assert refusal is not None and words(refusal.phrase) == "The version this round is on has been superseded."


def test_only_an_open_round_past_its_deadline_is_due_to_close() -> None:
    due = NOW - timedelta(seconds=1)
    assert past_deadline(RoundFacts(7, "open", closes_at=due), NOW)
    assert past_deadline(RoundFacts(7, "open", closes_at=NOW), NOW)
    assert not past_deadline(RoundFacts(7, "open", closes_at=NOW + timedelta(seconds=1)), NOW)
    assert not past_deadline(RoundFacts(7, "open"), NOW)
    assert not past_deadline(RoundFacts(7, "draft", closes_at=due), NOW)
