"""What a secret round may show: examples from real rules, and properties checked against a brute
force over every possible set of ballots of small electorates."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consensus.core.disclosure import Disclosure, disclose, secrecy_warning
from consensus.core.tally import COUNTS, SPLIT, VOTE_CHOICES, WEIGHTS, Rule, Voter, builtin_rule, custom_rule, tally

RULES = [
    builtin_rule("simple_majority"),
    builtin_rule("weighted_majority"),
    builtin_rule("two_thirds"),
    builtin_rule("unanimity"),
    builtin_rule("iso"),
    builtin_rule("double_majority"),
    custom_rule("1/2", ">", "cast", True),
    custom_rule("3/5", ">=", "present", False),
    custom_rule("2/3", ">=", "eligible", True),
]


def electorate(weights: Sequence[object], statuses: Sequence[str] | None = None) -> list[Voter]:
    return [
        Voter(f"D{i}", Decimal(str(w)), statuses[i] if statuses else "participating") for i, w in enumerate(weights)
    ]


def shown(rule: Rule, voters: list[Voter], ballots: Mapping[str, str], quorum: Fraction = Fraction(0)) -> Disclosure:
    result = tally(rule, voters, ballots, quorum)
    return disclose(rule, voters, [v for v in voters if v.code in ballots], result, quorum)


def published(rule: Rule, voters: list[Voter], ballots: Mapping[str, str], quorum: Fraction) -> tuple[object, ...]:
    """Everything a reader of the result sees: the outcome, what is withheld, and the figures shown."""
    result = tally(rule, voters, ballots, quorum)
    disclosure = disclose(rule, voters, [v for v in voters if v.code in ballots], result, quorum)
    figures: list[object] = [result.passed, result.quorum_met, disclosure.shown]
    if COUNTS in disclosure.shown:
        figures.append(tuple(result.tally[c].count for c in VOTE_CHOICES))
    if WEIGHTS in disclosure.shown:
        figures.append((result.tally["yes"].weight, result.tally["no"].weight))
    if SPLIT in disclosure.shown:
        figures.append(
            tuple(
                sorted(
                    (group, tuple(choices[c].count if c in choices else 0 for c in VOTE_CHOICES))
                    for group, choices in result.counts.items()
                )
            )
        )
    return tuple(figures)


def leaves_every_choice_open(assignments: Sequence[Mapping[str, str]], codes: Sequence[str]) -> bool:
    return all(len({a[code] for a in assignments}) >= 2 for code in codes)


# --- examples -----------------------------------------------------------------------------------------


def test_weights_10_5_1_in_a_weighted_majority_show_nothing_but_the_outcome() -> None:
    # yes weight 11 > no weight 5: only Kenya (10) and Brazil (1) can make 11.
    voters = electorate([10, 5, 1])
    disclosure = shown(builtin_rule("weighted_majority"), voters, {"D0": "yes", "D1": "no", "D2": "yes"})
    assert disclosure.shown == frozenset() and disclosure.withheld == {COUNTS, WEIGHTS}


def test_equal_weights_and_mixed_ballots_show_every_figure() -> None:
    voters = electorate([1] * 6)
    ballots = dict(zip([v.code for v in voters], ["yes", "no", "yes", "yes", "no", "abstain"], strict=True))
    assert shown(builtin_rule("weighted_majority"), voters, ballots).shown == {COUNTS, WEIGHTS}


def test_a_single_observing_member_keeps_iso_from_showing_its_split() -> None:
    voters = electorate([1] * 5, ["participating"] * 4 + ["observing"])
    ballots = {"D0": "yes", "D1": "yes", "D2": "yes", "D3": "no", "D4": "no"}
    assert shown(builtin_rule("iso"), voters, ballots).shown == {COUNTS}


def test_unanimous_and_nearly_unanimous_counts_are_both_withheld() -> None:
    """If only 5–0 were withheld, "withheld" would itself say that everybody voted yes."""
    voters = electorate([1] * 5)
    rule = builtin_rule("simple_majority")
    assert shown(rule, voters, {v.code: "yes" for v in voters}).shown == frozenset()
    assert shown(rule, voters, {**{v.code: "yes" for v in voters}, "D4": "no"}).shown == frozenset()
    assert shown(rule, voters, {**{v.code: "yes" for v in voters}, "D3": "no", "D4": "no"}).shown == {COUNTS}


def test_two_hundred_delegations_of_different_weights_are_decided_within_the_checks_budget() -> None:
    chooser = random.Random(7)
    voters = electorate([Decimal(chooser.randint(1, 100_000)) / 100 for _ in range(200)])
    ballots = {v.code: chooser.choice(VOTE_CHOICES) for v in voters}
    disclosure = shown(builtin_rule("weighted_majority"), voters, ballots)
    # Counts of 200 varied ballots leave every choice open; the weights' subset-sum is too large to
    # settle within the budget, so they are withheld rather than risked.
    assert disclosure.shown == {COUNTS} and disclosure.withheld == {WEIGHTS}


def test_nobody_took_part_so_there_is_nothing_to_hide() -> None:
    voters = electorate([1, 2, 3])
    assert shown(builtin_rule("weighted_majority"), voters, {}).withheld == frozenset()


# --- properties against the brute force ------------------------------------------------------------------


@st.composite
def rounds(draw: st.DrawFn) -> tuple[Rule, list[Voter], dict[str, str], Fraction]:
    rule = draw(st.sampled_from(RULES))
    size = draw(st.integers(min_value=1, max_value=5))
    weights = draw(st.lists(st.sampled_from([1, 1, 2, 3, 5, 10, "0.5"]), min_size=size, max_size=size))
    statuses = (
        draw(st.lists(st.sampled_from(["participating", "participating", "observing"]), min_size=size, max_size=size))
        if rule.counts_observers
        else None
    )
    voters = electorate(weights, statuses)
    choices = draw(st.lists(st.sampled_from([*VOTE_CHOICES, None]), min_size=size, max_size=size))
    ballots = {v.code: c for v, c in zip(voters, choices, strict=True) if c}
    quorum = draw(st.sampled_from([Fraction(0), Fraction(1, 2)]))
    return rule, voters, ballots, quorum


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_whatever_is_published_leaves_every_delegation_that_took_part_two_choices(
    case: tuple[Rule, list[Voter], dict[str, str], Fraction],
) -> None:
    """Everything a reader sees (outcome, what is withheld, the figures shown) is also what at least
    two choices of each delegation that took part would have produced — unless the outcome alone
    already gives a ballot away (the chair is warned of that before the round opens)."""
    rule, voters, ballots, quorum = case
    codes = sorted(ballots)
    seen = published(rule, voters, ballots, quorum)
    same_output, same_outcome = [], []
    for choices in itertools.product(VOTE_CHOICES, repeat=len(codes)):
        other = dict(zip(codes, choices, strict=True))
        output = published(rule, voters, other, quorum)
        if output[:2] == seen[:2]:
            same_outcome.append(other)
            if output == seen:
                same_output.append(other)
    if codes and leaves_every_choice_open(same_outcome, codes):
        assert leaves_every_choice_open(same_output, codes), (rule.kind, voters, ballots, seen)


@settings(max_examples=200, deadline=None)
@given(rounds())
def test_the_figures_come_in_levels_each_including_the_one_before(
    case: tuple[Rule, list[Voter], dict[str, str], Fraction],
) -> None:
    """The check never withholds counts while showing weights or a split built on them."""
    rule, voters, ballots, quorum = case
    disclosure = shown(rule, voters, ballots, quorum)
    if WEIGHTS in disclosure.shown or SPLIT in disclosure.shown:
        assert COUNTS in disclosure.shown
    assert disclosure.shown | disclosure.withheld <= {COUNTS, WEIGHTS, SPLIT}


# --- the chair's warning ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "voters", "warned"),
    [
        ("simple_majority", electorate([1, 1]), "Only 2 delegations may vote"),
        ("weighted_majority", electorate([10, 5, 1]), "D0 weighs as much as all the other delegations together"),
        ("iso", electorate([1] * 5, ["participating"] * 4 + ["observing"]), "D4 is the only delegation"),
        ("simple_majority", electorate([1] * 5), None),
        ("weighted_majority", electorate([3, 3, 2, 2, 1]), None),
    ],
)
def test_the_chair_is_warned_when_the_outcome_alone_may_give_ballots_away(
    rule: str, voters: list[Voter], warned: str | None
) -> None:
    warning = secrecy_warning(builtin_rule(rule), voters)
    if warned is None:
        assert warning is None
    else:
        assert warning is not None and warned in warning.text.format(**warning.values)
