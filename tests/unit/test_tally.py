"""The tally under every rule: golden cases from real rules (a data file) and properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from consensus.core.tally import (
    BUILTIN_RULES,
    Rule,
    RuleError,
    Voter,
    builtin_rule,
    custom_rule,
    options_rule,
    parse_fraction,
    tally,
)

CASES = yaml.safe_load((Path(__file__).parent / "data" / "tally_cases.yaml").read_text())
for _case in CASES:  # YAML 1.1 reads a bare yes/no as a boolean
    _case["ballots"] = {
        code: {True: "yes", False: "no"}.get(choice, choice) for code, choice in _case["ballots"].items()
    }


def voter(entry: str) -> Voter:
    code, *rest = entry.split(":")
    weight = Decimal(rest[0]) if rest and rest[0] else Decimal(1)
    status = rest[1] if len(rest) > 1 else "participating"
    return Voter(code, weight, status)


def rule_of(spec: Any) -> Rule:
    if isinstance(spec, str):
        return builtin_rule(spec)
    return custom_rule(**spec)


def rule_of_case(case: dict[str, Any]) -> Rule:
    if "options" in case:
        return options_rule(case["rule"], case["options"], case.get("weighted", False))
    return rule_of(case["rule"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_case(case: dict[str, Any]) -> None:
    result = tally(
        rule_of_case(case),
        [voter(e) for e in case["electorate"]],
        case["ballots"],
        parse_fraction(case.get("quorum", "0")),
        case.get("present"),
    )
    assert result.passed is case["passed"], result.reason
    if "quorum_met" in case:
        assert result.quorum_met is case["quorum_met"], result.reason
    if "reason" in case:
        assert case["reason"] in result.reason, result.reason
    if "eligible" in case:
        assert result.eligible.count == case["eligible"]
    if "winner" in case:
        assert result.winner == case["winner"], result.reason
    if "reservations" in case:
        assert list(result.reservations) == case["reservations"]
    assert result.reason.startswith("Passed: " if result.passed else "Not passed: ")
    assert sum(share.count for share in result.tally.values()) == result.participated


def test_every_rule_has_golden_cases() -> None:
    named = {c["rule"] for c in CASES if isinstance(c["rule"], str)}
    assert named == set(BUILTIN_RULES)
    assert any(isinstance(c["rule"], dict) for c in CASES)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ({"threshold": "7/5"}, "threshold"),
        ({"threshold": "0"}, "threshold"),
        ({"threshold": "two thirds"}, "threshold"),
        ({"threshold": "1/2", "comparison": "=>"}, "comparison"),
        ({"threshold": "1/2", "base": "everyone"}, "base"),
    ],
)
def test_bad_custom_rules_name_the_field(spec: dict[str, str], says: str) -> None:
    with pytest.raises(RuleError, match=says):
        custom_rule(**spec)


def test_unknown_rules_and_bad_quorums_are_refused() -> None:
    with pytest.raises(RuleError, match="rule"):
        builtin_rule("plurality")
    with pytest.raises(RuleError, match="quorum"):
        parse_fraction("3/2")


def test_a_ballot_outside_the_electorate_or_the_rule_is_an_error() -> None:
    voters = [Voter("A", Decimal(1), "participating"), Voter("O", Decimal(1), "observing")]
    with pytest.raises(ValueError, match="electorate"):
        tally(builtin_rule("simple_majority"), voters, {"O": "yes"})
    with pytest.raises(ValueError, match="choice"):
        tally(builtin_rule("simple_majority"), voters, {"A": "support"})


# --- properties ---------------------------------------------------------------------------------------

THRESHOLD_RULES = [
    "simple_majority",
    "weighted_majority",
    "two_thirds",
    "unanimity",
    "iso",
    "double_majority",
]
weights = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2)


@st.composite
def rounds(draw, rule_kinds=THRESHOLD_RULES):  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from([*rule_kinds, "custom"]))
    if kind == "custom":
        rule = custom_rule(
            draw(st.sampled_from(["1/2", "3/5", "2/3", "1"])),
            draw(st.sampled_from([">", ">="])),
            draw(st.sampled_from(["cast", "present", "eligible"])),
            draw(st.booleans()),
        )
    else:
        rule = builtin_rule(kind)
    size = draw(st.integers(min_value=1, max_value=12))
    statuses = st.sampled_from(["participating", "participating", "participating", "observing", "non_voting"])
    voters = [Voter(f"D{i}", draw(weights), draw(statuses)) for i in range(size)]
    electorate = [
        v for v in voters if v.status == "participating" or (rule.counts_observers and v.status == "observing")
    ]
    ballots = {v.code: draw(st.sampled_from(["yes", "no", "abstain", None])) for v in electorate}
    quorum = draw(st.sampled_from([Fraction(0), Fraction(1, 3), Fraction(1, 2)]))
    return rule, voters, {code: choice for code, choice in ballots.items() if choice}, quorum


@given(rounds())
def test_turning_a_no_into_a_yes_never_turns_a_pass_into_a_failure(case) -> None:  # type: ignore[no-untyped-def]
    rule, voters, ballots, quorum = case
    noes = [code for code, choice in ballots.items() if choice == "no"]
    assume(noes)
    before = tally(rule, voters, ballots, quorum)
    after = tally(rule, voters, {**ballots, noes[0]: "yes"}, quorum)
    assert not (before.passed and not after.passed), (before.reason, after.reason)


@given(rounds(), st.sampled_from([Decimal("0.001"), Decimal(3), Decimal("17.5"), Decimal(1000)]))
def test_scaling_every_weight_changes_nothing(case, factor: Decimal) -> None:  # type: ignore[no-untyped-def]
    rule, voters, ballots, quorum = case
    scaled = [Voter(v.code, v.weight * factor, v.status) for v in voters]
    before, after = tally(rule, voters, ballots, quorum), tally(rule, scaled, ballots, quorum)
    assert (before.passed, before.quorum_met) == (after.passed, after.quorum_met)


@given(rounds(rule_kinds=["simple_majority", "weighted_majority", "two_thirds", "unanimity", "iso"]))
def test_an_abstention_is_never_a_vote_cast(case) -> None:  # type: ignore[no-untyped-def]
    rule, voters, ballots, _quorum = case
    abstaining = [code for code, choice in ballots.items() if choice == "abstain"]
    assume(abstaining and rule.kind != "custom")
    silent = {code: choice for code, choice in ballots.items() if code != abstaining[0]}
    assert tally(rule, voters, ballots).passed == tally(rule, voters, silent).passed


@given(st.lists(st.sampled_from(["support", "accept", "reservation", "objection", None]), min_size=1, max_size=15))
def test_consensus_passes_exactly_when_nobody_objects(choices: list[str | None]) -> None:
    voters = [Voter(f"D{i}", Decimal(1), "participating") for i in range(len(choices))]
    ballots = {f"D{i}": c for i, c in enumerate(choices) if c}
    result = tally(builtin_rule("consensus"), voters, ballots)
    assert result.passed is ("objection" not in choices)
    assert result.objections == tuple(sorted(code for code, c in ballots.items() if c == "objection"))


@given(rounds())
def test_the_same_inputs_give_the_same_result(case) -> None:  # type: ignore[no-untyped-def]
    rule, voters, ballots, quorum = case
    assert tally(rule, voters, ballots, quorum) == tally(
        rule, list(reversed(voters)), dict(reversed(ballots.items())), quorum
    )
