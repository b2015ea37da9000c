"""The tally: who is eligible, how ballots count, and whether a round passes, under every rule.

Pure and exact: counts are integers, weights are ``Fraction``s made from exact decimals, and the
result carries a sentence giving the reason with the figures. ``tally(rule, electorate, ballots,
quorum)`` is all there is; the same inputs always give the same result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal, cast

from consensus.core.numbers import fraction_text, number_text
from consensus.i18n import N_, Nn_

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
    "most_support",
    "consensus_on_one",
)
OPTION_RULES = ("most_support", "consensus_on_one")
"""The rules of an options round: the delegations pick one of a clause's alternatives, or none."""
NONE_OF_THESE = "none"
OPTION_PREFIX = "option:"
Comparison = Literal[">", ">="]
Base = Literal["cast", "present", "eligible"]


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words of a reason or a rule: an English message marked for the catalogues, with named gaps
    in braces, and the values that fill them (counts, exact numbers, delegation codes, other
    phrases). Rendered in the reader's language where shown, and in English for the record."""

    text: str
    values: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int = 1

    @classmethod
    def counted(cls, forms: tuple[str, str], count: int, values: Mapping[str, object]) -> Phrase:
        """Words that depend on a count (marked with ``Nn_``: languages have one to six forms)."""
        return cls(forms[0], values, forms[1], count)

    def to_json(self) -> list[object]:
        return [self.text, {key: _value_to_json(value) for key, value in self.values.items()}, self.plural, self.count]

    @classmethod
    def from_json(cls, data: list[object]) -> Phrase:
        text, values, plural, count = data
        assert isinstance(text, str) and isinstance(values, dict)
        return cls(
            text,
            {key: _value_from_json(value) for key, value in values.items()},
            plural if isinstance(plural, str) else None,
            count if isinstance(count, int) else 1,
        )


def _value_to_json(value: object) -> object:
    if isinstance(value, Phrase):
        return {"phrase": value.to_json()}
    if isinstance(value, Fraction):
        return {"number": fraction_text(value)}
    return value


def _value_from_json(value: object) -> object:
    if isinstance(value, dict) and "phrase" in value:
        return Phrase.from_json(value["phrase"])
    if isinstance(value, dict) and "number" in value:
        return Fraction(value["number"])
    return value


class Words:
    """How phrases become text: a language's gettext, ngettext and number format (English and
    exact figures by default, as in the stored record)."""

    def __init__(
        self,
        gettext: Callable[[str], str] = lambda text: text,
        ngettext: Callable[[str, str, int], str] = lambda one, many, n: one if n == 1 else many,
        number: Callable[[Fraction | int], str] = lambda value: number_text(Fraction(value)),
    ) -> None:
        self.gettext, self.ngettext, self.number = gettext, ngettext, number

    def phrase(self, phrase: Phrase) -> str:
        text = self.ngettext(phrase.text, phrase.plural, phrase.count) if phrase.plural else self.gettext(phrase.text)
        return text.format(**{key: self._value(value) for key, value in phrase.values.items()})

    def _value(self, value: object) -> str:
        if isinstance(value, Phrase):
            return self.phrase(value)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | Fraction):
            return self.number(value)
        return str(value)

    def reason(self, phrases: Sequence[Phrase]) -> str:
        """A verdict and its details: "Passed: 5 yes > 4 no; 9 of 9 eligible delegations took part."."""
        verdict, *details = (self.phrase(phrase) for phrase in phrases)
        return self.gettext(N_("{verdict}: {details}.")).format(
            verdict=verdict, details=self.gettext(N_("; ")).join(details)
        )


ENGLISH = Words()


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
    options: int = 0
    """An options round: how many alternatives the set put to the delegations has."""

    @property
    def is_consensus(self) -> bool:
        return self.kind == "consensus"

    @property
    def is_options(self) -> bool:
        """Whether the round picks one of a clause's alternatives (``OPTION_RULES``)."""
        return self.kind in OPTION_RULES

    @property
    def choices(self) -> tuple[str, ...]:
        if self.is_options:
            return (*option_choices(self.options), NONE_OF_THESE)
        return CONSENSUS_CHOICES if self.is_consensus else VOTE_CHOICES

    @property
    def uses_weights(self) -> bool:
        """Whether the outcome depends on weights (otherwise they are never needed)."""
        if self.kind in ("weighted_majority", "double_majority"):
            return True
        return self.kind in ("custom", "most_support") and self.weighted

    @property
    def counts_observers(self) -> bool:
        """Whether observing delegations vote (ISO's O-members do)."""
        return self.kind == "iso"

    def describe(self) -> str:
        """The rule in English words."""
        return ENGLISH.phrase(self.phrase())

    def phrase(self) -> Phrase:
        """The rule in words, for any language."""
        if self.kind == "most_support" and self.weighted:
            return Phrase(N_("most support by weight (the alternative with the most weight behind it wins)"))
        if self.kind != "custom":
            return Phrase(RULE_NAMES[self.kind])
        values = {
            "comparison": self.comparison.replace(">=", "≥"),
            "threshold": fraction_text(self.threshold or Fraction(0)),
            "base": Phrase(BASE_NAMES[self.base]),
        }
        if self.weighted:
            return Phrase(N_("yes weight {comparison} {threshold} of the {base}"), values)
        return Phrase(N_("yes count {comparison} {threshold} of the {base}"), values)


RULE_NAMES = {
    "simple_majority": N_("simple majority (more yes than no)"),
    "weighted_majority": N_("weighted majority (more yes weight than no weight)"),
    "two_thirds": N_("two-thirds majority of votes cast"),
    "unanimity": N_("unanimity (no vote against, at least one for)"),
    "iso": N_("ISO double threshold (2/3 of participating members, at most 1/4 of all votes against)"),
    "double_majority": N_("double majority (at least 55 per cent of the delegations and 65 per cent of the weight)"),
    "consensus": N_("consensus (no objection; silence is consent)"),
    "most_support": N_("most support (the alternative most delegations pick wins)"),
    "consensus_on_one": N_(
        "consensus on one alternative (every ballot picks the same one and none picks none of these; "
        "silence is consent)"
    ),
}
BASE_NAMES = {
    "cast": N_("votes cast (yes + no)"),
    "present": N_("delegations present (yes + no + abstain)"),
    "eligible": N_("electorate"),
}


class RuleError(ValueError):
    """A rule or quorum that cannot be used: the field, and an English message (marked for the
    catalogues) with the values it names."""

    def __init__(self, field: str, text: str, **values: object) -> None:
        super().__init__(f"{field}: {text.format(**values)}")
        self.field, self.text, self.values = field, text, values


def _small_fraction(text: object, name: str) -> Fraction:
    """A fraction from short text such as 3/5 or 0.6 (long or huge ones are refused before any
    arithmetic: Fraction('1e-10000000') would keep a worker busy)."""
    raw = str(text).strip()
    if len(raw) > 20 or "e" in raw.lower():
        raise RuleError(name, N_("{value}… is not a fraction such as 3/5 or 0.6"), value=repr(raw[:20]))
    try:
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError, TypeError):
        raise RuleError(name, N_("{value} is not a fraction such as 3/5 or 0.6"), value=repr(raw)) from None
    if value.denominator > 1_000_000:
        raise RuleError(name, N_("{value} is too fine a fraction"), value=repr(raw))
    return value


def custom_rule(threshold: str, comparison: str = ">=", base: str = "cast", weighted: bool = False) -> Rule:
    """A custom rule from its parts, checked: threshold a fraction in (0, 1], known comparison and base."""
    value = _small_fraction(threshold, "threshold")
    if not 0 < value <= 1:
        raise RuleError("threshold", N_("{value} must be more than 0 and at most 1"), value=threshold)
    if comparison not in (">", ">="):
        raise RuleError("comparison", N_("{value} must be > or >="), value=repr(comparison))
    if base not in ("cast", "present", "eligible"):
        raise RuleError("base", N_("{value} must be cast, present or eligible"), value=repr(base))
    return Rule("custom", value, cast(Comparison, comparison), cast(Base, base), bool(weighted))


def builtin_rule(kind: str) -> Rule:
    if kind not in BUILTIN_RULES:
        raise RuleError(
            "rule",
            N_("{value} must be one of {rules} or a custom threshold"),
            value=repr(kind),
            rules=", ".join(BUILTIN_RULES),
        )
    return Rule(kind)


def options_rule(kind: str, options: int, weighted: bool = False) -> Rule:
    """The rule of an options round over a set of ``options`` alternatives (weights count only under
    ``most_support``)."""
    if kind not in OPTION_RULES:
        raise RuleError("rule", N_("{value} must be one of {rules}"), value=repr(kind), rules=", ".join(OPTION_RULES))
    return Rule(kind, weighted=weighted and kind == "most_support", options=options)


def option_choices(options: int) -> tuple[str, ...]:
    """The ballot choices of the alternatives of a set: ``option:1``, ``option:2``, …"""
    return tuple(f"{OPTION_PREFIX}{number}" for number in range(1, options + 1))


def option_number(choice: str) -> int | None:
    """The alternative a choice picks (``option:2`` → 2), or None (``none`` and every other choice)."""
    if not choice.startswith(OPTION_PREFIX) or not choice[len(OPTION_PREFIX) :].isdigit():
        return None
    return int(choice[len(OPTION_PREFIX) :])


def option_letter(number: int) -> str:
    """The letter an alternative is shown with (1 → A)."""
    return chr(ord("A") + number - 1) if 1 <= number <= 26 else str(number)


def parse_fraction(text: str, name: str = "quorum") -> Fraction:
    """A fraction between 0 and 1 from text such as ``1/2`` or ``0.5``."""
    value = _small_fraction(text, name)
    if not 0 <= value <= 1:
        raise RuleError(name, N_("{value} must be between 0 and 1"), value=text)
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
    phrases: tuple[Phrase, ...] = ()
    """The reason as phrases (``reason`` is them in English), to show it in any language."""
    phrase_figures: tuple[frozenset[str], ...] = ()
    """For each phrase, the kinds of figure it states (``COUNTS``, ``WEIGHTS``, ``SPLIT``)."""
    counts: dict[str, dict[str, Share]] = field(default_factory=dict)
    """The counters the result was taken from, per group of voters and choice."""
    winner: str | None = None
    """An options round that passed: the choice of the alternative chosen (``option:2``)."""


def electorate_of(rule: Rule, voters: Sequence[Voter]) -> list[Voter]:
    """The delegations that may vote under this rule."""
    allowed = {"participating", "observing"} if rule.counts_observers else {"participating"}
    return [v for v in voters if v.status in allowed]


ALL = "all"
"""The one group of voters under every rule but ISO's (which counts by voting status)."""

Counts = Mapping[str, Mapping[str, Share]]
"""How many ballots of each choice, and their weight, per group of voters (see ``group_of``)."""


def group_of(rule: Rule, status: str) -> str:
    """The group whose counters a voter's ballot goes to: its voting status under ISO (which counts
    participating members apart), else one group for all."""
    return status if rule.counts_observers else ALL


def count_ballots(rule: Rule, voters: Sequence[Voter], ballots: Mapping[str, str]) -> dict[str, dict[str, Share]]:
    """The counters of recorded ballots (delegation code → choice), per group and choice."""
    by_code = {v.code: v for v in voters}
    counts: dict[str, dict[str, Share]] = {}
    for code, choice in ballots.items():
        voter = by_code[code]
        group = counts.setdefault(group_of(rule, voter.status), {})
        group[choice] = group.get(choice, Share()) + Share(1, Fraction(voter.weight))
    return counts


def tally(
    rule: Rule,
    voters: Sequence[Voter],
    ballots: Mapping[str, str],
    quorum: Fraction = Fraction(0),
    present: Collection[str] | None = None,
) -> Result:
    """Count the ballots (delegation code → choice) of a frozen electorate under a rule.

    Ballots from delegations outside the electorate, or with choices the rule does not know, are
    errors: the caller must have refused them when they were cast. ``present`` (a quorum base
    ``present``) names the delegations present at the round's meeting: the quorum then counts the
    ballots of those present against the eligible delegations present.
    """
    electorate = electorate_of(rule, voters)
    eligible_codes = {v.code for v in electorate}
    for code, choice in ballots.items():
        if code not in eligible_codes:
            raise ValueError(f"{code} is not in the electorate of this round")
        if choice not in rule.choices:
            raise ValueError(f"{choice!r} is not a choice under {rule.kind}")
    return tally_counts(
        rule, electorate, set(ballots), count_ballots(rule, electorate, ballots), quorum, ballots, present
    )


@dataclass(frozen=True, slots=True)
class QuorumBase:
    """What a quorum is counted over: the delegations whose ballots count (``took_part``) against
    how many (``base``); ``present`` when the base is the eligible delegations present at a meeting."""

    took_part: int
    base: int
    present: bool = False

    def met(self, quorum: Fraction) -> bool:
        return Fraction(self.took_part) >= quorum * self.base


def quorum_base(
    electorate: Sequence[Voter], participated: Collection[str], present: Collection[str] | None = None
) -> QuorumBase:
    """The figures a quorum is counted over: every eligible delegation, or (``present`` given) the
    eligible delegations present and the ballots of those among them."""
    if present is None:
        return QuorumBase(len(participated), len(electorate))
    here = {v.code for v in electorate if v.code in present}
    return QuorumBase(len(here & set(participated)), len(here), present=True)


def tally_counts(
    rule: Rule,
    electorate: Sequence[Voter],
    participated: Collection[str],
    counts: Counts,
    quorum: Fraction = Fraction(0),
    ballots: Mapping[str, str] | None = None,
    present: Collection[str] | None = None,
) -> Result:
    """The result from counters alone (a secret round keeps nothing else): the electorate, the codes
    of the delegations that took part, and the counts per group and choice. ``ballots`` (recorded
    rounds only) name the objecting and reserving delegations of a consensus round; ``present``
    (a quorum base ``present``) the delegations present at the round's meeting."""
    shares = _shares_of(rule, counts)
    eligible = _eligible(electorate)
    took_part = len(participated)
    if sum(share.count for share in shares.values()) != took_part:
        raise ValueError("the counters do not add up to the delegations that took part")
    silent = tuple(sorted(v.code for v in electorate if v.code not in participated))
    base = quorum_base(electorate, participated, present)
    taken = {"participated": base.took_part, "eligible": base.base, "quorum": fraction_text(quorum)}
    if not base.met(quorum):
        phrases = _quorum_missed(taken, quorum * base.base, base.present)
        return Result(
            False,
            False,
            shares,
            eligible,
            took_part,
            silent,
            ENGLISH.reason(phrases),
            phrases=phrases,
            phrase_figures=(NO_FIGURES, NO_FIGURES),
            counts=_frozen(counts),
        )
    decision = _decide(rule, shares, eligible, counts, ballots or {})
    phrases = (
        Phrase(PASSED if decision.passed else NOT_PASSED),
        *(detail.phrase for detail in decision.details),
        _attendance(taken, quorum, base.present),
    )
    return Result(
        decision.passed,
        True,
        shares,
        eligible,
        took_part,
        silent,
        ENGLISH.reason(phrases),
        decision.need_count,
        decision.need_weight,
        _who_chose(ballots, "objection"),
        _who_chose(ballots, "reservation"),
        phrases,
        (NO_FIGURES, *(detail.figures for detail in decision.details), NO_FIGURES),
        _frozen(counts),
        decision.winner if decision.passed else None,
    )


def _shares_of(rule: Rule, counts: Counts) -> dict[str, Share]:
    """The counters of every group added up per choice (choices the rule does not know are errors)."""
    shares = {choice: Share() for choice in rule.choices}
    for group in counts.values():
        for choice, share in group.items():
            if choice not in shares:
                raise ValueError(f"{choice!r} is not a choice under {rule.kind}")
            shares[choice] = shares[choice] + share
    return shares


def _eligible(electorate: Sequence[Voter]) -> Share:
    return Share(len(electorate), sum((Fraction(v.weight) for v in electorate), Fraction(0)))


def _quorum_missed(taken: Mapping[str, object], need: Fraction, present: bool = False) -> tuple[Phrase, ...]:
    if present:
        text = N_(
            "the quorum was not met: {participated} of the {eligible} delegations present took part, "
            "fewer than {quorum} of them ({need})"
        )
    else:
        text = N_(
            "the quorum was not met: {participated} of {eligible} eligible delegations took part, "
            "fewer than {quorum} of them ({need})"
        )
    return (Phrase(NOT_PASSED), Phrase(text, {**taken, "need": need}))


def _attendance(taken: Mapping[str, object], quorum: Fraction, present: bool = False) -> Phrase:
    if present:
        if quorum:
            return Phrase(N_("{participated} of the {eligible} delegations present took part (quorum {quorum})"), taken)
        return Phrase(N_("{participated} of the {eligible} delegations present took part"), taken)
    if quorum:
        return Phrase(N_("{participated} of {eligible} eligible delegations took part (quorum {quorum})"), taken)
    return Phrase(N_("{participated} of {eligible} eligible delegations took part"), taken)


def _who_chose(ballots: Mapping[str, str] | None, choice: str) -> tuple[str, ...]:
    return tuple(sorted(code for code, chosen in (ballots or {}).items() if chosen == choice))


def load_counts(text: str) -> dict[str, dict[str, Share]]:
    """A secret round's stored counters as shares (exact weights)."""
    return {
        group: {choice: Share(int(share["count"]), Fraction(str(share["weight"]))) for choice, share in choices.items()}
        for group, choices in json.loads(text or "{}").items()
    }


def dump_counts(counts: Counts) -> str:
    """Counters as stored: canonical JSON, exact weights as decimal text, empty shares left out."""
    return json.dumps(
        {
            group: {
                choice: {"count": share.count, "weight": number_text(share.weight)}
                for choice, share in sorted(choices.items())
                if share.count
            }
            for group, choices in sorted(counts.items())
            if any(share.count for share in choices.values())
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def outcome_of_counts(
    rule: Rule,
    eligible: Share,
    took_part: int,
    counts: Counts,
    quorum: Fraction = Fraction(0),
    base: QuorumBase | None = None,
) -> tuple[bool, bool]:
    """Passed, and quorum met, for counters alone: the tally's decision without its words (the
    disclosure check asks it of many possible counts). ``base``: the quorum's figures when they are
    not every eligible delegation (a quorum base ``present``)."""
    if not (base or QuorumBase(took_part, eligible.count)).met(quorum):
        return False, False
    return _decide(rule, _shares_of(rule, counts), eligible, counts, {}).passed, True


def _frozen(counts: Counts) -> dict[str, dict[str, Share]]:
    return {group: dict(choices) for group, choices in sorted(counts.items())}


PASSED = N_("Passed")
NOT_PASSED = N_("Not passed")

COUNTS = "counts"
"""Figures: how many delegations made each choice (and what follows from it, such as 2/3 of the votes cast)."""
WEIGHTS = "weights"
"""Figures: the weight behind each choice."""
SPLIT = "split"
"""Figures: ISO's count of participating members apart from all members voting."""
NO_FIGURES: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Detail:
    """One part of a reason, and the kinds of figure it states (a secret round may withhold them)."""

    phrase: Phrase
    figures: frozenset[str] = NO_FIGURES


@dataclass(frozen=True, slots=True)
class Decision:
    """What a rule decided from the counts: whether it passed, why, and the thresholds to draw."""

    passed: bool
    details: tuple[Detail, ...]
    need_count: Fraction | None = None
    """How many yes votes the rule asked for, where it asks for a number of delegations."""
    need_weight: Fraction | None = None
    """How much yes weight the rule asked for, where it weighs."""
    winner: str | None = None
    """The alternative an options round chose."""


def _holds(ok: bool, if_so: str, if_not: str, values: Mapping[str, object], *figures: str) -> Detail:
    return Detail(Phrase(if_so if ok else if_not, values), frozenset(figures))


def _decide(rule: Rule, s: dict[str, Share], eligible: Share, counts: Counts, ballots: Mapping[str, str]) -> Decision:
    if rule.is_consensus:
        return _consensus(s, eligible, ballots)
    if rule.kind == "most_support":
        return _most_support(rule, s)
    if rule.kind == "consensus_on_one":
        return _consensus_on_one(rule, s, eligible, ballots)
    yes, no, abstain = s["yes"], s["no"], s["abstain"]
    if rule.kind == "simple_majority":
        ok = yes.count > no.count
        values: dict[str, object] = {"yes": yes.count, "no": no.count}
        return Decision(
            ok, (_holds(ok, N_("{yes} yes > {no} no"), N_("{yes} yes is not more than {no} no"), values, COUNTS),)
        )
    if rule.kind == "weighted_majority":
        ok = yes.weight > no.weight
        values = {"yes": yes.weight, "no": no.weight}
        detail = _holds(
            ok,
            N_("yes weight {yes} > no weight {no}"),
            N_("yes weight {yes} is not more than no weight {no}"),
            values,
            WEIGHTS,
        )
        return Decision(ok, (detail,))
    if rule.kind == "two_thirds":
        cast = yes.count + no.count
        need = Fraction(2, 3) * cast
        if yes.count == 0:
            detail = Detail(
                Phrase(N_("no yes vote ({no} no, {abstain} abstain)"), {"no": no.count, "abstain": abstain.count}),
                frozenset({COUNTS}),
            )
            return Decision(False, (detail,), need)
        ok = yes.count >= need
        values = {"yes": yes.count, "cast": cast, "need": need}
        detail = _holds(
            ok,
            N_("{yes} yes ≥ 2/3 of {cast} votes cast ({need})"),
            N_("{yes} yes < 2/3 of {cast} votes cast ({need})"),
            values,
            COUNTS,
        )
        return Decision(ok, (detail,), need)
    if rule.kind == "unanimity":
        if no.count:
            against = Phrase.counted(
                Nn_("{no} no vote against ({yes} yes)", "{no} no votes against ({yes} yes)"),
                no.count,
                {"no": no.count, "yes": yes.count},
            )
            return Decision(False, (Detail(against, frozenset({COUNTS})),))
        ok = yes.count >= 1
        if ok:
            return Decision(
                True, (Detail(Phrase(N_("{yes} yes and no vote against"), {"yes": yes.count}), frozenset({COUNTS})),)
            )
        return Decision(False, (Detail(Phrase(N_("no yes vote")), frozenset({COUNTS})),))
    if rule.kind == "iso":
        return _iso(counts, yes, no)
    if rule.kind == "double_majority":
        return _double_majority(yes, eligible)
    if rule.kind == "custom":
        return _custom(rule, s, eligible)
    raise ValueError(f"unknown rule {rule.kind}")


def _consensus(s: dict[str, Share], eligible: Share, ballots: Mapping[str, str]) -> Decision:
    objecting = sorted(code for code, choice in ballots.items() if choice == "objection")
    reserving = sorted(code for code, choice in ballots.items() if choice == "reservation")
    took_part = sum(share.count for share in s.values())
    values = {
        "support": s["support"].count,
        "accept": s["accept"].count,
        "reservation": s["reservation"].count,
        "silent": eligible.count - took_part,
    }
    figures = (
        Phrase(
            N_("{support} support, {accept} accept, {reservation} reservation ({codes}), {silent} silent"),
            {**values, "codes": ", ".join(reserving)},
        )
        if reserving
        else Phrase(N_("{support} support, {accept} accept, {reservation} reservation, {silent} silent"), values)
    )
    counted = frozenset({COUNTS})
    if s["objection"].count:
        breaking = Phrase.counted(
            Nn_("{n} objection ({codes}) breaks consensus", "{n} objections ({codes}) break consensus"),
            s["objection"].count,
            {"n": s["objection"].count, "codes": ", ".join(objecting)},
        )
        return Decision(False, (Detail(breaking, counted), Detail(figures, counted)))
    consensus = Phrase(N_("no objection, so there is consensus ({figures}; silence is consent)"), {"figures": figures})
    return Decision(True, (Detail(consensus, counted),))


def _support_figures(rule: Rule, s: Mapping[str, Share], weighted: bool) -> Phrase:
    """Each alternative's support and the "none of these", in order: "A 3, B 5, none of these 1"."""

    def measure(share: Share) -> Fraction | int:
        return share.weight if weighted else share.count

    items = [
        Phrase(N_("{option} {n}"), {"option": option_letter(number), "n": measure(s[choice])})
        for number, choice in enumerate(option_choices(rule.options), start=1)
    ]
    items.append(Phrase(N_("none of these {n}"), {"n": measure(s[NONE_OF_THESE])}))
    listed = items[-1]
    for item in reversed(items[:-1]):
        listed = Phrase(N_("{first}, {rest}"), {"first": item, "rest": listed})
    return listed


def _most_support(rule: Rule, s: dict[str, Share]) -> Decision:
    """The alternative with the most support (weight when the rule weighs) wins, if it alone has
    the most and more than "none of these": a tie for first place, or as much support for none of
    them, chooses nothing."""
    weighted = rule.weighted
    figures = frozenset({WEIGHTS if weighted else COUNTS})
    measure = (lambda share: share.weight) if weighted else (lambda share: Fraction(share.count))
    support = {choice: measure(s[choice]) for choice in option_choices(rule.options)}
    top = max(support.values(), default=Fraction(0))
    leaders = [choice for choice, value in support.items() if value == top]
    listed = _support_figures(rule, s, weighted)
    against = measure(s[NONE_OF_THESE])
    if top == 0:
        phrase = Phrase(N_("no alternative has any support ({figures})"), {"figures": listed})
        return Decision(False, (Detail(phrase, figures),))
    letters = ", ".join(option_letter(option_number(choice) or 0) for choice in leaders)
    if len(leaders) > 1:
        phrase = Phrase(
            N_("alternatives {letters} tie for the most support with {n} each, so none is chosen ({figures})"),
            {"letters": letters, "n": top, "figures": listed},
        )
        return Decision(False, (Detail(phrase, figures),))
    if against >= top:
        phrase = Phrase(
            N_("none of these has as much support as alternative {letter}, the most of any ({figures})"),
            {"letter": letters, "figures": listed},
        )
        return Decision(False, (Detail(phrase, figures),))
    phrase = Phrase(
        N_(
            "alternative {letter} has the most support: {n}, more than any other and more than none of these "
            "({figures})"
        ),
        {"letter": letters, "n": top, "figures": listed},
    )
    return Decision(True, (Detail(phrase, figures),), winner=leaders[0])


def _consensus_on_one(rule: Rule, s: dict[str, Share], eligible: Share, ballots: Mapping[str, str]) -> Decision:
    """Passes when at least one ballot was cast, every ballot picks the same alternative and none
    picks none of these; silent delegations do not stand in the way (silence is consent)."""
    counted = frozenset({COUNTS})
    took_part = sum(share.count for share in s.values())
    listed = _support_figures(rule, s, False)
    picked = [choice for choice in option_choices(rule.options) if s[choice].count]
    silent = eligible.count - took_part
    refusing = s[NONE_OF_THESE].count
    if refusing:
        codes = ", ".join(sorted(code for code, choice in ballots.items() if choice == NONE_OF_THESE))
        breaking = Phrase.counted(
            Nn_(
                "{n} delegation picked none of these, so there is no consensus on one ({figures})",
                "{n} delegations picked none of these, so there is no consensus on one ({figures})",
            )
            if not codes
            else Nn_(
                "{n} delegation ({codes}) picked none of these, so there is no consensus on one ({figures})",
                "{n} delegations ({codes}) picked none of these, so there is no consensus on one ({figures})",
            ),
            refusing,
            {"n": refusing, "codes": codes, "figures": listed},
        )
        return Decision(False, (Detail(breaking, counted),))
    if not picked:
        return Decision(False, (Detail(Phrase(N_("no ballot picked an alternative")), counted),))
    if len(picked) > 1:
        phrase = Phrase(N_("the ballots are split between alternatives ({figures})"), {"figures": listed})
        return Decision(False, (Detail(phrase, counted),))
    phrase = Phrase.counted(
        Nn_(
            "the {n} ballot cast picked alternative {letter} ({silent} silent; silence is consent)",
            "all {n} ballots cast picked alternative {letter} ({silent} silent; silence is consent)",
        ),
        took_part,
        {"n": took_part, "letter": option_letter(option_number(picked[0]) or 0), "silent": silent},
    )
    return Decision(True, (Detail(phrase, counted),), winner=picked[0])


def _iso(counts: Counts, yes: Share, no: Share) -> Decision:
    participating = counts.get("participating", {})
    p_yes = participating.get("yes", Share()).count
    p_no = participating.get("no", Share()).count
    p_cast = p_yes + p_no
    need_p = Fraction(2, 3) * p_cast
    all_cast = yes.count + no.count
    limit_no = Fraction(1, 4) * all_cast
    first = p_yes >= need_p
    second = no.count <= limit_no
    details = (
        _holds(
            first,
            N_("participating members: {yes} yes ≥ 2/3 of {cast} ({need})"),
            N_("participating members: {yes} yes < 2/3 of {cast} ({need})"),
            {"yes": p_yes, "cast": p_cast, "need": need_p},
            COUNTS,
            SPLIT,
        ),
        _holds(
            second,
            N_("all members voting: {no} no ≤ 1/4 of {cast} ({limit})"),
            N_("all members voting: {no} no > 1/4 of {cast} ({limit})"),
            {"no": no.count, "cast": all_cast, "limit": limit_no},
            COUNTS,
        ),
    )
    # The threshold drawn on the bars of all members is the participating members' (their 2/3).
    return Decision(first and second, details, need_p)


def _double_majority(yes: Share, eligible: Share) -> Decision:
    need_count = Fraction(55, 100) * eligible.count
    need_weight = Fraction(65, 100) * eligible.weight
    by_count = yes.count >= need_count
    by_weight = yes.weight >= need_weight
    not_yes = eligible.count - yes.count
    blocking_too_small = not_yes < 4
    details = [
        _holds(
            by_count,
            N_("{yes} of {eligible} delegations voted yes (≥ 55%: {need})"),
            N_("{yes} of {eligible} delegations voted yes (< 55%: {need})"),
            {"yes": yes.count, "eligible": eligible.count, "need": need_count},
            COUNTS,
        ),
        _holds(
            by_weight,
            N_("yes weight {yes} of {eligible} (≥ 65%: {need})"),
            N_("yes weight {yes} of {eligible} (< 65%: {need})"),
            {"yes": yes.weight, "eligible": eligible.weight, "need": need_weight},
            WEIGHTS,
        ),
    ]
    if by_count and not by_weight:
        details.append(
            _holds(
                blocking_too_small,
                N_("only {n} delegations did not vote yes, fewer than the 4 a blocking minority needs"),
                N_("{n} delegations did not vote yes, enough for a blocking minority"),
                {"n": not_yes},
                COUNTS,
            )
        )
    return Decision(by_count and (by_weight or blocking_too_small), tuple(details), need_count, need_weight)


def _custom(rule: Rule, s: dict[str, Share], eligible: Share) -> Decision:
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
    symbol = rule.comparison.replace(">=", "≥") if ok else ("≤" if rule.comparison == ">" else "<")
    values = {
        "yes": yes,
        "symbol": symbol,
        "threshold": fraction_text(rule.threshold),
        "base": Phrase(BASE_NAMES[rule.base]),
        "total": base,
        "need": need,
    }
    if rule.weighted:
        text = N_("yes weight {yes} {symbol} {threshold} of the {base} {total} ({need})")
        return Decision(ok, (Detail(Phrase(text, values), frozenset({WEIGHTS})),), None, need)
    text = N_("yes votes {yes} {symbol} {threshold} of the {base} {total} ({need})")
    return Decision(ok, (Detail(Phrase(text, values), frozenset({COUNTS})),), need, None)


def result_to_dict(
    result: Result, rule: Rule, quorum: Fraction, *, shown: frozenset[str] | None = None
) -> dict[str, object]:
    """The stored form of a result (JSON-ready; exact numbers as decimal or fraction strings).

    ``shown`` (secret rounds) names the kinds of figure that may be shown — see
    ``disclosure.disclose``: the others are left out (None), the parts of the reason that state them
    are replaced by a sentence saying they are withheld, and ``withheld`` lists them. The outcome and
    who took part are always there."""
    every = frozenset({COUNTS, WEIGHTS, SPLIT})
    visible = every if shown is None else shown
    counts, weights = COUNTS in visible, WEIGHTS in visible
    kept = [p for p, figures in zip(result.phrases, result.phrase_figures, strict=False) if figures <= visible]
    if len(kept) < len(result.phrases):
        kept.insert(1, Phrase(WITHHELD))
    phrases = tuple(kept) if result.phrase_figures else result.phrases
    return {
        "passed": result.passed,
        "quorum_met": result.quorum_met,
        "rule": rule.kind,
        "rule_text": rule.describe(),
        "quorum": fraction_text(quorum),
        "tally": {
            c: {
                "count": sh.count if counts else None,
                "weight": number_text(sh.weight) if weights else None,
            }
            for c, sh in result.tally.items()
        },
        "eligible": {
            "count": result.eligible.count,
            "weight": number_text(result.eligible.weight) if weights else None,
        },
        "participated": result.participated,
        "silent": list(result.silent),
        "reason": ENGLISH.reason(phrases),
        "phrases": [phrase.to_json() for phrase in phrases],
        "need_count": None if result.need_count is None or not counts else number_text(result.need_count),
        "need_weight": None if result.need_weight is None or not weights else number_text(result.need_weight),
        "objections": list(result.objections),
        "reservations": list(result.reservations),
        "withheld": sorted(every & _stated(rule) - visible),
        **_winner(result, rule),
    }


def _winner(result: Result, rule: Rule) -> dict[str, object]:
    """An options round's stored result names the alternative chosen (None if none was)."""
    return {"winner": result.winner} if rule.is_options else {}


def _stated(rule: Rule) -> frozenset[str]:
    """The kinds of figure a rule's result states."""
    stated = {COUNTS}
    if rule.uses_weights:
        stated.add(WEIGHTS)
    if rule.counts_observers:
        stated.add(SPLIT)
    return frozenset(stated)


WITHHELD = N_("the other figures are withheld to keep the ballot secret")
"""The words that stand in a reason for the parts whose figures a secret round withholds."""
