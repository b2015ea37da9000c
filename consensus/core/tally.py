"""The tally: who is eligible, how ballots count, and whether a round passes, under every rule.

Pure and exact: counts are integers, weights are ``Fraction``s made from exact decimals, and the
result carries a sentence giving the reason with the figures. ``tally(rule, electorate, ballots,
quorum)`` is all there is; the same inputs always give the same result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

VOTE_CHOICES = ("yes", "no", "abstain")
CONSENSUS_CHOICES = ("support", "accept", "reservation", "objection")
BUILTIN_RULES = (
    "simple_majority",
    "weighted_majority",
    "two_thirds",
    "unanimity",
    "iso",
    "double_majority",
    "consensus",
)
Comparison = Literal[">", ">="]
Base = Literal["cast", "present", "eligible"]


@dataclass(frozen=True, slots=True)
class Voter:
    """A delegation of the frozen electorate."""

    code: str
    weight: Decimal
    status: str  # participating | observing | non_voting
    name: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """A voting rule: one of the built-in ones, or a custom threshold."""

    kind: str
    threshold: Fraction | None = None
    comparison: Comparison = ">="
    base: Base = "cast"
    weighted: bool = False

    @property
    def is_consensus(self) -> bool:
        return self.kind == "consensus"

    @property
    def choices(self) -> tuple[str, ...]:
        return CONSENSUS_CHOICES if self.is_consensus else VOTE_CHOICES

    @property
    def uses_weights(self) -> bool:
        """Whether the outcome depends on weights (otherwise they are never needed)."""
        return self.kind in ("weighted_majority", "double_majority") or (self.kind == "custom" and self.weighted)

    @property
    def counts_observers(self) -> bool:
        """Whether observing delegations vote (ISO's O-members do)."""
        return self.kind == "iso"

    def describe(self) -> str:
        if self.kind != "custom":
            return RULE_NAMES[self.kind]
        measure = "weight" if self.weighted else "count"
        threshold = fraction_text(self.threshold or Fraction(0))
        return f"yes {measure} {self.comparison} {threshold} of the {BASE_NAMES[self.base]}"


RULE_NAMES = {
    "simple_majority": "simple majority (more yes than no)",
    "weighted_majority": "weighted majority (more yes weight than no weight)",
    "two_thirds": "two-thirds majority of votes cast",
    "unanimity": "unanimity (no vote against, at least one for)",
    "iso": "ISO double threshold (2/3 of participating members, at most 1/4 of all votes against)",
    "double_majority": "double majority (55% of delegations and 65% of weight)",
    "consensus": "consensus (no objection; silence is consent)",
}
BASE_NAMES = {
    "cast": "votes cast (yes + no)",
    "present": "delegations present (yes + no + abstain)",
    "eligible": "electorate",
}


class RuleError(ValueError):
    """A custom rule that cannot be used; the message names the field."""


def _small_fraction(text: object, name: str) -> Fraction:
    """A fraction from short text such as 3/5 or 0.6 (long or huge ones are refused before any
    arithmetic: Fraction('1e-10000000') would keep a worker busy)."""
    raw = str(text).strip()
    if len(raw) > 20 or "e" in raw.lower():
        raise RuleError(f"{name}: {raw[:20]!r}… is not a fraction such as 3/5 or 0.6")
    try:
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError, TypeError):
        raise RuleError(f"{name}: {raw!r} is not a fraction such as 3/5 or 0.6") from None
    if value.denominator > 1_000_000:
        raise RuleError(f"{name}: {raw!r} is too fine a fraction")
    return value


def custom_rule(threshold: str, comparison: str = ">=", base: str = "cast", weighted: bool = False) -> Rule:
    """A custom rule from its parts, checked: threshold a fraction in (0, 1], known comparison and base."""
    value = _small_fraction(threshold, "threshold")
    if not 0 < value <= 1:
        raise RuleError(f"threshold: {threshold} must be more than 0 and at most 1")
    if comparison not in (">", ">="):
        raise RuleError(f"comparison: {comparison!r} must be > or >=")
    if base not in ("cast", "present", "eligible"):
        raise RuleError(f"base: {base!r} must be cast, present or eligible")
    return Rule("custom", value, comparison, base, bool(weighted))  # type: ignore[arg-type]


def builtin_rule(kind: str) -> Rule:
    if kind not in BUILTIN_RULES:
        raise RuleError(f"rule: {kind!r} must be one of {', '.join(BUILTIN_RULES)} or a custom threshold")
    return Rule(kind)


def parse_fraction(text: str, name: str = "quorum") -> Fraction:
    """A fraction between 0 and 1 from text such as ``1/2`` or ``0.5``."""
    value = _small_fraction(text, name)
    if not 0 <= value <= 1:
        raise RuleError(f"{name}: {text} must be between 0 and 1")
    return value


@dataclass(frozen=True, slots=True)
class Share:
    """How many delegations chose something, and their total weight."""

    count: int = 0
    weight: Fraction = Fraction(0)

    def __add__(self, other: Share) -> Share:
        return Share(self.count + other.count, self.weight + other.weight)


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of a tally, with the figures behind it and the reason in words."""

    passed: bool
    quorum_met: bool
    tally: dict[str, Share]
    eligible: Share
    participated: int
    silent: tuple[str, ...]
    reason: str
    need_count: Fraction | None = None
    """How many yes votes the rule asked for (to draw the threshold on the count bars)."""
    need_weight: Fraction | None = None
    """How much yes weight the rule asked for (to draw the threshold on the weight bars)."""
    objections: tuple[str, ...] = ()
    reservations: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


def fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def number_text(value: Fraction) -> str:
    """An exact number as a decimal when it is one, else as a fraction (e.g. 2/3 × 7 = 14/3)."""
    if value.denominator == 1:
        return str(value.numerator)
    for digits in range(1, 11):
        scaled = value * 10**digits
        if scaled.denominator == 1:
            return format(Decimal(scaled.numerator) / Decimal(10**digits), "f")
    return fraction_text(value)


def electorate_of(rule: Rule, voters: Sequence[Voter]) -> list[Voter]:
    """The delegations that may vote under this rule."""
    allowed = {"participating", "observing"} if rule.counts_observers else {"participating"}
    return [v for v in voters if v.status in allowed]


def tally(rule: Rule, voters: Sequence[Voter], ballots: Mapping[str, str], quorum: Fraction = Fraction(0)) -> Result:
    """Count the ballots (delegation code → choice) of a frozen electorate under a rule.

    Ballots from delegations outside the electorate, or with choices the rule does not know, are
    errors: the caller must have refused them when they were cast.
    """
    electorate = electorate_of(rule, voters)
    by_code = {v.code: v for v in electorate}
    for code, choice in ballots.items():
        if code not in by_code:
            raise ValueError(f"{code} is not in the electorate of this round")
        if choice not in rule.choices:
            raise ValueError(f"{choice!r} is not a choice under {rule.kind}")
    shares = {choice: Share() for choice in rule.choices}
    for code, choice in ballots.items():
        voter = by_code[code]
        shares[choice] = shares[choice] + Share(1, Fraction(voter.weight))
    eligible = Share(len(electorate), sum((Fraction(v.weight) for v in electorate), Fraction(0)))
    participated = len(ballots)
    silent = tuple(sorted(v.code for v in electorate if v.code not in ballots))
    quorum_met = Fraction(participated) >= quorum * eligible.count
    quorum_text = f"{participated} of {eligible.count} eligible delegations took part" + (
        f" (quorum {fraction_text(quorum)})" if quorum else ""
    )
    if not quorum_met:
        needed = quorum * eligible.count
        return Result(
            False,
            False,
            shares,
            eligible,
            participated,
            silent,
            f"Not passed: the quorum was not met: {participated} of {eligible.count} eligible delegations "
            f"took part, fewer than {fraction_text(quorum)} of them ({number_text(needed)}).",
        )
    passed, reason, need_count, need_weight, extra = _decide(rule, shares, eligible, electorate, ballots)
    objections = tuple(code for code, choice in ballots.items() if choice == "objection")
    reservations = tuple(code for code, choice in ballots.items() if choice == "reservation")
    return Result(
        passed,
        True,
        shares,
        eligible,
        participated,
        silent,
        f"{'Passed' if passed else 'Not passed'}: {reason}; {quorum_text}.",
        need_count,
        need_weight,
        tuple(sorted(objections)),
        tuple(sorted(reservations)),
        extra,
    )


Decision = tuple[bool, str, Fraction | None, Fraction | None, dict[str, str]]
"""passed, reason, yes count needed, yes weight needed, extra figures"""


def _decide(
    rule: Rule, s: dict[str, Share], eligible: Share, electorate: Sequence[Voter], ballots: Mapping[str, str]
) -> Decision:
    if rule.is_consensus:
        objecting = sorted(code for code, choice in ballots.items() if choice == "objection")
        reserving = sorted(code for code, choice in ballots.items() if choice == "reservation")
        silent = eligible.count - len(ballots)
        figures = (
            f"{s['support'].count} support, {s['accept'].count} accept, {s['reservation'].count} reservation"
            f"{' (' + ', '.join(reserving) + ')' if reserving else ''}, {silent} silent"
        )
        if objecting:
            return (
                False,
                f"{len(objecting)} objection ({', '.join(objecting)}) breaks consensus; {figures}",
                None,
                False,
                {},
            )
        return True, f"no objection, so there is consensus ({figures}; silence is consent)", None, None, {}

    yes, no, abstain = s["yes"], s["no"], s["abstain"]
    if rule.kind == "simple_majority":
        return (
            yes.count > no.count,
            f"{yes.count} yes {'>' if yes.count > no.count else 'is not more than'} {no.count} no",
            None,
            False,
            {},
        )
    if rule.kind == "weighted_majority":
        ok = yes.weight > no.weight
        return (
            ok,
            f"yes weight {number_text(yes.weight)} {'>' if ok else 'is not more than'} "
            f"no weight {number_text(no.weight)}",
            None,
            None,
            {},
        )
    if rule.kind == "two_thirds":
        cast = yes.count + no.count
        need = Fraction(2, 3) * cast
        ok = yes.count >= need and yes.count >= 1
        if yes.count == 0:
            return False, f"no yes vote ({no.count} no, {abstain.count} abstain)", need, None, {}
        return (
            ok,
            f"{yes.count} yes {'≥' if ok else '<'} 2/3 of {cast} votes cast ({number_text(need)})",
            need,
            None,
            {},
        )
    if rule.kind == "unanimity":
        ok = no.count == 0 and yes.count >= 1
        if no.count:
            return False, f"{no.count} no vote{'s' if no.count != 1 else ''} against ({yes.count} yes)", None, None, {}
        return ok, f"{yes.count} yes and no vote against" if ok else "no yes vote", None, None, {}
    if rule.kind == "iso":
        participating = {v.code for v in electorate if v.status == "participating"}
        p_yes = sum(1 for code, c in ballots.items() if c == "yes" and code in participating)
        p_no = sum(1 for code, c in ballots.items() if c == "no" and code in participating)
        p_cast = p_yes + p_no
        need_p = Fraction(2, 3) * p_cast
        all_cast = yes.count + no.count
        limit_no = Fraction(1, 4) * all_cast
        first = p_yes >= need_p
        second = no.count <= limit_no
        reason = (
            f"participating members: {p_yes} yes {'≥' if first else '<'} 2/3 of {p_cast} ({number_text(need_p)}); "
            f"all members voting: {no.count} no {'≤' if second else '>'} 1/4 of {all_cast} ({number_text(limit_no)})"
        )
        return first and second, reason, need_p, None, {"p_yes": str(p_yes), "p_no": str(p_no)}
    if rule.kind == "double_majority":
        need_count = Fraction(55, 100) * eligible.count
        need_weight = Fraction(65, 100) * eligible.weight
        by_count = yes.count >= need_count
        by_weight = yes.weight >= need_weight
        not_yes = eligible.count - yes.count
        blocking_too_small = not_yes < 4
        ok = by_count and (by_weight or blocking_too_small)
        reason = (
            f"{yes.count} of {eligible.count} delegations voted yes ({'≥' if by_count else '<'} 55%: "
            f"{number_text(need_count)}); yes weight {number_text(yes.weight)} of {number_text(eligible.weight)} "
            f"({'≥' if by_weight else '<'} 65%: {number_text(need_weight)})"
        )
        if by_count and not by_weight:
            reason += (
                f"; only {not_yes} delegations did not vote yes, fewer than the 4 a blocking minority needs"
                if blocking_too_small
                else f"; {not_yes} delegations did not vote yes, enough for a blocking minority"
            )
        return ok, reason, need_count, need_weight, {}
    if rule.kind == "custom":
        return _custom(rule, s, eligible)
    raise ValueError(f"unknown rule {rule.kind}")


def _custom(
    rule: Rule, s: dict[str, Share], eligible: Share
) -> tuple[bool, str, Fraction | None, bool, dict[str, str]]:
    assert rule.threshold is not None
    measure = (lambda share: share.weight) if rule.weighted else (lambda share: Fraction(share.count))
    yes = measure(s["yes"])
    if rule.base == "cast":
        base = measure(s["yes"]) + measure(s["no"])
    elif rule.base == "present":
        base = measure(s["yes"]) + measure(s["no"]) + measure(s["abstain"])
    else:
        base = measure(eligible)
    need = rule.threshold * base
    ok = yes > need if rule.comparison == ">" else yes >= need
    word = "weight" if rule.weighted else "votes"
    symbol = rule.comparison.replace(">=", "≥") if ok else ("≤" if rule.comparison == ">" else "<")
    return (
        ok,
        f"yes {word} {number_text(yes)} {symbol} {fraction_text(rule.threshold)} of the "
        f"{BASE_NAMES[rule.base]} {number_text(base)} ({number_text(need)})",
        None if rule.weighted else need,
        need if rule.weighted else None,
        {},
    )


def result_to_dict(result: Result, rule: Rule, quorum: Fraction, *, weights: bool = True) -> dict[str, object]:
    """The stored form of a result (JSON-ready; exact numbers as decimal or fraction strings).

    Without ``weights`` (a secret round under a rule that counts delegations) the weights per choice
    are left out: they could name who voted what."""
    return {
        "passed": result.passed,
        "quorum_met": result.quorum_met,
        "rule": rule.kind,
        "rule_text": rule.describe(),
        "quorum": fraction_text(quorum),
        "tally": {
            c: {"count": sh.count, "weight": number_text(sh.weight) if weights else None}
            for c, sh in result.tally.items()
        },
        "eligible": {
            "count": result.eligible.count,
            "weight": number_text(result.eligible.weight) if weights else None,
        },
        "participated": result.participated,
        "silent": list(result.silent),
        "reason": result.reason,
        "need_count": None if result.need_count is None else number_text(result.need_count),
        "need_weight": None if result.need_weight is None else number_text(result.need_weight),
        "objections": list(result.objections),
        "reservations": list(result.reservations),
    }
