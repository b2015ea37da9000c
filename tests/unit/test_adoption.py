"""Who may record the adoption of a version, and how: one rule for the versions page and the write path."""

from __future__ import annotations

import pytest

from consensus.core.adoption import (
    AdoptionAsked,
    AdoptionChoices,
    RoundFacts,
    VersionFacts,
    adoption_choices,
    adoption_refusal,
    publish_refusal,
)
from consensus.core.tally import Words

PASSED = RoundFacts(7, "Adoption vote", "closed", whole_text=True, passed=True)
FAILED = RoundFacts(8, "First try", "closed", whole_text=True, passed=False)
ON_A_CLAUSE = RoundFacts(9, "Clause 3.2", "closed", whole_text=False, passed=True)
RUNNING = RoundFacts(10, "Still open", "open", whole_text=True, passed=False)
SETTLED = VersionFacts(2, rounds=(PASSED, FAILED, ON_A_CLAUSE))
UNSETTLED = VersionFacts(2, rounds=(PASSED,), open_clauses=("4.1", "5.2"), undecided=(12,))


def said(refusal) -> str:  # type: ignore[no-untyped-def]
    assert refusal is not None
    return Words().phrase(refusal.phrase)


def test_the_chair_adopts_by_consensus_or_by_a_passed_round() -> None:
    assert adoption_refusal("chair", SETTLED, AdoptionAsked()) is None
    assert adoption_refusal("chair", SETTLED, AdoptionAsked(7)) is None


def test_the_secretariat_records_only_a_passed_round() -> None:
    assert adoption_refusal("secretariat", SETTLED, AdoptionAsked(7)) is None
    refusal = adoption_refusal("secretariat", SETTLED, AdoptionAsked())
    assert refusal is not None and refusal.kind == "forbidden"
    assert said(refusal).startswith("Only the chair declares adoption by consensus")
    assert adoption_refusal("secretariat", UNSETTLED, AdoptionAsked(7, override=True)).kind == "forbidden"  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["delegate", "observer", ""])
def test_nobody_else_records_an_adoption(role: str) -> None:
    refusal = adoption_refusal(role, SETTLED, AdoptionAsked(7))
    assert refusal is not None and refusal.kind == "forbidden"
    assert said(refusal) == "Only the chair or the secretariat records an adoption."


@pytest.mark.parametrize(
    ("round_id", "says"),
    [
        (8, "Round 8 has not closed with a passing result."),
        (9, "Round 9 was on a clause or an amendment, not on the whole text."),
        (99, "Round 99 is not a round on version 2."),
    ],
)
def test_a_round_that_did_not_adopt_the_whole_text_is_named(round_id: int, says: str) -> None:
    refusal = adoption_refusal("secretariat", SETTLED, AdoptionAsked(round_id))
    assert refusal is not None and refusal.kind == "invalid" and refusal.field == "round"
    assert said(refusal) == says


def test_an_adopted_or_superseded_version_or_a_running_round_refuses_everyone() -> None:
    adopted = VersionFacts(2, adopted=True, rounds=(PASSED,))
    superseded = VersionFacts(2, superseded=True, rounds=(PASSED,))
    running = VersionFacts(2, rounds=(PASSED, RUNNING))
    assert said(adoption_refusal("chair", adopted, AdoptionAsked())) == "Version 2 has already been adopted."
    assert "superseded" in said(adoption_refusal("chair", superseded, AdoptionAsked(7)))
    refusal = adoption_refusal("chair", running, AdoptionAsked(override=True))
    assert refusal is not None and refusal.kind == "conflict"
    assert said(refusal) == "Rounds are still open on version 2 (10): close or cancel them before adopting it."


def test_open_clauses_and_undecided_amendments_refuse_unless_the_chair_overrides() -> None:
    refusal = adoption_refusal("chair", UNSETTLED, AdoptionAsked(7))
    assert refusal is not None and refusal.kind == "unsettled"
    assert said(refusal) == (
        "Version 2 cannot be adopted yet: clauses still open: 4.1, 5.2; amendments not yet decided: 12. "
        "The chair may override, giving a reason."
    )
    assert adoption_refusal("chair", UNSETTLED, AdoptionAsked(override=True)) is None
    assert adoption_refusal("chair", UNSETTLED, AdoptionAsked(7, override=True)) is None


def test_the_page_offers_the_chair_every_way_and_the_override_only_when_needed() -> None:
    assert adoption_choices("chair", SETTLED) == AdoptionChoices(rounds=(7,), by_consensus=True, override=False)
    assert adoption_choices("chair", UNSETTLED) == AdoptionChoices(rounds=(7,), by_consensus=True, override=True)


def test_the_page_offers_the_secretariat_only_a_passed_round_it_may_record() -> None:
    assert adoption_choices("secretariat", SETTLED) == AdoptionChoices(rounds=(7,))
    nothing_passed = adoption_choices("secretariat", VersionFacts(2, rounds=(FAILED,)))
    assert not nothing_passed.any and nothing_passed.blocked is not None
    assert "there is none on version 2 yet" in Words().phrase(nothing_passed.blocked)
    unsettled = adoption_choices("secretariat", UNSETTLED)
    assert not unsettled.any and "The chair may override" in Words().phrase(unsettled.blocked)  # type: ignore[arg-type]


def test_the_page_offers_nothing_to_others_and_says_nothing_to_them() -> None:
    assert adoption_choices("delegate", SETTLED) == AdoptionChoices()
    assert adoption_choices("observer", UNSETTLED) == AdoptionChoices()


def test_what_the_page_offers_is_exactly_what_the_write_path_accepts() -> None:
    """Every offered way is accepted, every way not offered is refused, for every role and state."""
    versions = [
        SETTLED,
        UNSETTLED,
        VersionFacts(2, rounds=(PASSED, RUNNING)),
        VersionFacts(2, adopted=True, rounds=(PASSED,)),
        VersionFacts(3),
    ]
    for role in ["chair", "secretariat", "delegate", "observer"]:
        for version in versions:
            choices = adoption_choices(role, version)
            for round_id in [None, 7, 8, 9, 10]:
                asked = AdoptionAsked(round_id, override=version.unsettled)
                offered = round_id in choices.rounds if round_id is not None else choices.by_consensus
                assert (adoption_refusal(role, version, asked) is None) == offered, (role, version, round_id)


def test_only_the_secretariat_publishes_and_only_an_adopted_text() -> None:
    adopted = VersionFacts(2, adopted=True)
    assert publish_refusal("secretariat") is None and publish_refusal("secretariat", adopted) is None
    for role in ("chair", "delegate", "observer"):
        refusal = publish_refusal(role, adopted)
        assert refusal is not None and refusal.kind == "forbidden"
        assert said(refusal) == "Only the secretariat publishes texts." and publish_refusal(role) == refusal
    refusal = publish_refusal("secretariat", VersionFacts(2))
    assert refusal is not None and refusal.kind == "conflict"
    assert said(refusal) == "Version 2 has not been adopted: only adopted texts are published."
