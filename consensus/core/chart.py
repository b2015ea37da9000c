"""The geometry of a result chart: one bar per choice for counts and one for weights, scaled to
the electorate, with the threshold marked where the rule has one. Pure numbers; the template
draws them as SVG."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Bar:
    choice: str
    value: str
    """The figure written next to the bar."""
    length: float
    """Share of the electorate, 0..1."""


@dataclass(frozen=True, slots=True)
class Panel:
    """One chart panel: counts or weights."""

    measure: str  # "count" | "weight"
    total: str
    bars: tuple[Bar, ...]
    threshold: float | None
    threshold_label: str


def _share(part: Fraction, whole: Fraction) -> float:
    return float(part / whole) if whole else 0.0


def panels(result: dict[str, object], choices: tuple[str, ...]) -> tuple[Panel, ...]:
    """The panels of a stored result (see ``tally.result_to_dict``): counts, and weights when the
    result has them; none when a secret round withholds its counts."""
    tally = result["tally"]
    eligible = result["eligible"]
    assert isinstance(tally, dict) and isinstance(eligible, dict)
    if any(tally[c]["count"] is None for c in choices):
        return ()
    total_count = Fraction(int(eligible["count"]))
    count_bars = tuple(
        Bar(c, str(tally[c]["count"]), _share(Fraction(int(tally[c]["count"])), total_count)) for c in choices
    )
    silent = int(eligible["count"]) - int(str(result.get("participated", 0)))
    if silent > 0:
        count_bars += (Bar("silent", str(silent), _share(Fraction(silent), total_count)),)
    need_count = result.get("need_count")
    need_weight = result.get("need_weight")
    count_panel = Panel(
        "count",
        str(eligible["count"]),
        count_bars,
        None if need_count is None else _share(Fraction(str(need_count)), total_count),
        "" if need_count is None else str(need_count),
    )
    if eligible.get("weight") is None:
        return (count_panel,)
    total_weight = Fraction(str(eligible["weight"]))
    weight_bars = tuple(
        Bar(c, str(tally[c]["weight"]), _share(Fraction(str(tally[c]["weight"])), total_weight)) for c in choices
    )
    return (
        count_panel,
        Panel(
            "weight",
            str(eligible["weight"]),
            weight_bars,
            None if need_weight is None else _share(Fraction(str(need_weight)), total_weight),
            "" if need_weight is None else str(need_weight),
        ),
    )
