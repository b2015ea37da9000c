"""The geometry of a result chart (core/chart.py), from a stored result."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from consensus.core.chart import panels
from consensus.core.tally import Voter, builtin_rule, result_to_dict, tally

RULE = builtin_rule("weighted_majority")
VOTERS = [
    Voter("KEN", Decimal("2"), "participating"),
    Voter("IND", Decimal("1"), "participating"),
    Voter("CAN", Decimal("1"), "participating"),
]


def test_a_weighted_result_draws_counts_with_the_silent_and_weights() -> None:
    stored = result_to_dict(tally(RULE, VOTERS, {"KEN": "yes", "IND": "no"}), RULE, Fraction(0))
    counts, weights = panels(stored, RULE.choices)
    assert (counts.measure, counts.total) == ("count", "3")
    assert [(b.choice, b.value, round(b.length, 3)) for b in counts.bars] == [
        ("yes", "1", 0.333),
        ("no", "1", 0.333),
        ("abstain", "0", 0.0),
        ("silent", "1", 0.333),
    ]
    assert (weights.measure, weights.total) == ("weight", "4")
    assert [(b.choice, b.value, b.length) for b in weights.bars] == [
        ("yes", "2", 0.5),
        ("no", "1", 0.25),
        ("abstain", "0", 0.0),
    ]


def test_a_result_whose_counts_are_withheld_draws_nothing() -> None:
    stored = result_to_dict(tally(RULE, VOTERS, {"KEN": "yes"}), RULE, Fraction(0))
    for choice in RULE.choices:
        stored["tally"][choice]["count"] = None  # type: ignore[index]
    assert panels(stored, RULE.choices) == ()
