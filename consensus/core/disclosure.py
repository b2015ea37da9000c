"""What a secret round may show: the figures that leave every delegation's choice open.

The outcome of a secret round (passed or not, quorum met or not) is always shown, and so is who
took part. Any other figure — the count per choice, the weight per choice, ISO's split of
participating members — is shown only when, given everything shown, every delegation that took
part could still have made at least two different choices. The figures come in levels, each adding
to the one before (counts, then weights or the split); a level is shown when

- its figures admit, for every delegation that took part, at least two choices (checked exactly:
  symmetry within a voting status, an exchange argument for weights under the outcome, and a
  subset-sum over exact weights), and
- so do the figures one ballot away from them, so that withholding a figure does not itself tell
  the reader that the ballots were all alike.

When a check would take too long to be sure (a subset-sum over many different weights), the level is
withheld: secrecy wins over detail. Pure and exact: no I/O, fractions only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from math import lcm
from typing import Any

from consensus.core.tally import (
    ALL,
    COUNTS,
    SPLIT,
    VOTE_CHOICES,
    WEIGHTS,
    Phrase,
    Result,
    Rule,
    Share,
    Voter,
    electorate_of,
    group_of,
    outcome_of_counts,
    quorum_base,
    tally,
)
from consensus.i18n import N_

WORK_LIMIT = 120_000
"""States the subset-sum over weights may visit before the check gives up (and withholds the weights):
a fifth of a second or so."""

Triple = tuple[int, int, int]
"""Ballots per choice: yes, no, abstain."""


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Which kinds of figure of a secret round may be shown."""

    shown: frozenset[str]
    withheld: frozenset[str]

    def allows(self, figures: Iterable[str]) -> bool:
        return set(figures) <= self.shown


def levels(rule: Rule) -> tuple[frozenset[str], ...]:
    """The figures a rule's result states, level by level (each level includes the one before)."""
    if rule.counts_observers:
        return (frozenset({COUNTS}), frozenset({COUNTS, SPLIT}))
    if rule.uses_weights:
        return (frozenset({COUNTS}), frozenset({COUNTS, WEIGHTS}))
    return (frozenset({COUNTS}),)


def disclose(
    rule: Rule,
    electorate: Sequence[Voter],
    participants: Sequence[Voter],
    result: Result,
    quorum: Fraction = Fraction(0),
    present: Collection[str] | None = None,
) -> Disclosure:
    """The figures of a secret round's result that may be shown. ``electorate`` is the round's
    frozen electorate; ``participants`` the delegations of it that took part (public); ``result``
    the tally of the round's counters under ``quorum`` (counted against the delegations
    ``present`` when given)."""
    every = frozenset().union(*levels(rule))
    if not participants:
        return Disclosure(every, frozenset())
    check = _Checker(rule, list(electorate), list(participants), result, quorum, present)
    shown: frozenset[str] = frozenset()
    for level in levels(rule):
        if not check.level_is_safe(level):
            break
        shown = level
    return Disclosure(shown, every - shown)


def reveals_nothing(admissible: Mapping[Any, set[str]]) -> bool:
    """Whether every kind of participant could have made at least two choices."""
    return all(len(choices) >= 2 for choices in admissible.values())


class _Checker:
    """The checks of one result: classes of ballots that agree with what would be shown, and the
    choices they leave open to each participant."""

    def __init__(
        self,
        rule: Rule,
        electorate: list[Voter],
        participants: list[Voter],
        result: Result,
        quorum: Fraction,
        present: Collection[str] | None = None,
    ) -> None:
        self.rule = rule
        self.quorum = quorum
        self.electorate = electorate_of(rule, electorate)
        # Who took part is public, so the quorum's figures are the same whatever the choices were.
        self.base = quorum_base(self.electorate, [v.code for v in participants], present)
        self.eligible = Share(len(self.electorate), sum((Fraction(v.weight) for v in self.electorate), Fraction(0)))
        self.participants = participants
        self.codes = [voter.code for voter in participants]
        self.result = result
        self.outcome = (result.passed, result.quorum_met)
        totals = {choice: share.count for choice, share in result.tally.items()}
        self.counts: Triple = (totals.get("yes", 0), totals.get("no", 0), totals.get("abstain", 0))
        self.work = 0

    # --- outcomes ----------------------------------------------------------------------------------

    def _outcome(self, counts: Mapping[str, Mapping[str, Share]]) -> tuple[bool, bool]:
        return outcome_of_counts(self.rule, self.eligible, len(self.participants), counts, self.quorum, self.base)

    # --- levels ------------------------------------------------------------------------------------

    def level_is_safe(self, level: frozenset[str]) -> bool:
        if level == {COUNTS}:
            return self._counts_safe()
        if SPLIT in level:
            return self._split_safe()
        return self._weights_safe()

    # counts: one class per triple of counts

    def _counts_safe(self) -> bool:
        n = len(self.participants)
        around = [self.counts, *_neighbours(self.counts)]
        for counts in around:
            if min(counts) < 0 or sum(counts) != n:
                continue
            admissible = self._counts_admissible(counts)
            if admissible is not None and not reveals_nothing(admissible):
                return False
        return True

    def _counts_admissible(self, counts: Triple) -> dict[object, set[str]] | None:
        """The choices each kind of participant could have made, given these counts and the outcome
        (None when no ballots give these counts and this outcome)."""
        if self.rule.counts_observers:
            return self._iso_admissible(counts)
        if self.rule.uses_weights:
            return self._weighted_admissible(counts)
        if self._outcome({ALL: _shares(counts)}) != self.outcome:
            return None
        # Any participant could have cast any ballot of the class: they are interchangeable.
        return {ALL: {choice for choice, k in zip(VOTE_CHOICES, counts, strict=True) if k}}

    def _iso_admissible(self, counts: Triple) -> dict[object, set[str]] | None:
        observing = sum(1 for voter in self.participants if voter.status == "observing")
        found: dict[object, set[str]] = {}
        for o_yes in range(min(counts[0], observing) + 1):
            for o_no in range(min(counts[1], observing - o_yes) + 1):
                o_abstain = observing - o_yes - o_no
                if o_abstain > counts[2]:
                    continue
                seen: Triple = (o_yes, o_no, o_abstain)
                rest: Triple = (counts[0] - o_yes, counts[1] - o_no, counts[2] - o_abstain)
                by_group = {"observing": _shares(seen), "participating": _shares(rest)}
                if self._outcome(by_group) != self.outcome:
                    continue
                for group, triple in (("observing", seen), ("participating", rest)):
                    found.setdefault(group, set()).update(c for c, k in zip(VOTE_CHOICES, triple, strict=True) if k)
        if not found:
            return None
        return {group: found.get(group, set()) for group in {voter.status for voter in self.participants}}

    def _weighted_admissible(self, counts: Triple) -> dict[object, set[str]] | None:
        """Under a weighing rule the outcome depends on which delegations chose what. With the counts
        fixed, giving yes to the heaviest and no to the lightest is the arrangement most likely to
        pass (it has the most yes weight and the least no weight at once), and the reverse the least
        likely, whatever the rule: so a participant could have made a choice exactly when the extreme
        arrangement of the others, with it making that choice, has the outcome seen."""
        weights = sorted((Fraction(voter.weight) for voter in self.participants), reverse=True)
        prefix = [Fraction(0)]
        for weight in weights:
            prefix.append(prefix[-1] + weight)
        found: dict[object, set[str]] = {}
        for index, weight in enumerate(weights):
            if weight in found:
                continue
            choices = set()
            for position, choice in enumerate(VOTE_CHOICES):
                if counts[position] == 0:
                    continue
                rest = list(counts)
                rest[position] -= 1
                if self._extreme_outcome(weights, prefix, index, (rest[0], rest[1], rest[2]), choice):
                    choices.add(choice)
            found[weight] = choices
        return found if any(found.values()) else None

    def _extreme_outcome(
        self, weights: list[Fraction], prefix: list[Fraction], index: int, counts: Triple, choice: str
    ) -> bool:
        """Whether the extreme arrangement of the others (all but ``weights[index]``, heaviest first)
        with these counts, plus that participant's choice, has the outcome seen."""
        n = len(weights)
        yes, no, abstain = counts

        def heaviest(k: int) -> Fraction:  # the k heaviest of the others
            return prefix[k] if index >= k else prefix[k + 1] - weights[index]

        def lightest(k: int) -> Fraction:  # the k lightest of the others
            return prefix[n] - prefix[n - k] if index < n - k else prefix[n] - prefix[n - k - 1] - weights[index]

        others = prefix[n] - weights[index]
        if self.outcome[0]:
            yes_weight, no_weight = heaviest(yes), lightest(no)
        else:
            yes_weight, no_weight = lightest(yes), heaviest(no)
        shares = {
            "yes": Share(yes, yes_weight),
            "no": Share(no, no_weight),
            "abstain": Share(abstain, others - yes_weight - no_weight),
        }
        shares[choice] = shares[choice] + Share(1, weights[index])
        return self._outcome({ALL: shares}) == self.outcome

    # the split of ISO: per voting status, the counts are shown

    def _split_safe(self) -> bool:
        actual = {
            group: _triple(self.result.counts.get(group_of(self.rule, group), {}))
            for group in ("participating", "observing")
        }
        for split in (actual, *_split_neighbours(actual)):
            admissible = self._split_admissible(split)
            if admissible is not None and not reveals_nothing(admissible):
                return False
        return True

    def _split_admissible(self, split: Mapping[str, Triple]) -> dict[object, set[str]] | None:
        """The choices each voting status could have made, given its counts (None when no ballots
        give this split and the outcome seen): alike delegations are interchangeable."""
        sizes = {g: sum(1 for v in self.participants if v.status == g) for g in split}
        if any(min(triple) < 0 or sum(triple) != sizes[g] for g, triple in split.items()):
            return None
        if self._outcome({g: _shares(triple) for g, triple in split.items()}) != self.outcome:
            return None
        groups = {voter.status for voter in self.participants}
        return {g: {c for c, k in zip(VOTE_CHOICES, split[g], strict=True) if k} for g in groups}

    # weights: the count and the weight of each choice are shown

    def _weights_safe(self) -> bool:
        distinct = {Fraction(voter.weight) for voter in self.participants}
        if len(distinct) == 1:
            return True  # every weight alike: the weights say what the counts already said
        scale = lcm(*(weight.denominator for weight in distinct))
        kinds = sorted(
            (int(weight * scale), sum(1 for v in self.participants if Fraction(v.weight) == weight))
            for weight in distinct
        )
        shares = self.result.tally
        target = (
            self.counts[0],
            self.counts[1],
            int(shares["yes"].weight * scale),
            int(shares["no"].weight * scale),
        )
        around = [target, *_weight_neighbours(target, [w for w, _m in kinds])]
        for candidate in around:
            admissible = _weight_classes(kinds, self.counts, candidate, self)
            if admissible is _TOO_MUCH:
                return False
            if admissible is not None and not reveals_nothing(admissible):
                return False
        return True


_TOO_MUCH: dict[object, set[str]] = {"too much": set()}


State = tuple[int, int, int, int]
"""Ballots so far in a subset-sum: yes count, no count, yes weight, no weight."""


def _weight_classes(
    kinds: list[tuple[int, int]], counts: Triple, target: State, checker: _Checker
) -> dict[object, set[str]] | None:
    """A subset-sum over exact weights: the choices each weight could have made, given the count and
    the weight of yes and no (the rest abstained). ``kinds`` are (scaled weight, how many took part
    with it). None when no ballots match; ``_TOO_MUCH`` when the check ran out of work.

    Delegations are added one at a time (alike ones in a row); a state is kept only while it can
    still reach the totals, then the paths that do are walked back from them."""
    items = [weight for weight, many in kinds for _ in range(many)]
    if min(target[2], target[3], sum(items) - target[2] - target[3]) < 0:
        return None
    forward = _forward_states(items, counts, target, checker)
    if forward is None:
        return _TOO_MUCH
    if target not in forward[-1]:
        return None
    first_of: dict[int, int] = {}
    position = 0
    for weight, many in kinds:
        first_of[position] = weight
        position += many
    return _choices_on_paths(items, forward, target, first_of, checker)


def _forward_states(items: list[int], counts: Triple, target: State, checker: _Checker) -> list[set[State]] | None:
    """The states reachable after each delegation, within the totals (None: out of work)."""
    y_total, n_total, wy_total, wn_total = target
    a_total, wa_total = counts[2], sum(items) - wy_total - wn_total
    forward: list[set[State]] = [{(0, 0, 0, 0)}]
    done_weight = 0
    for done_count, weight in enumerate(items, start=1):
        done_weight += weight
        layer: set[State] = set()
        for y, n, wy, wn in forward[-1]:
            for state in ((y + 1, n, wy + weight, wn), (y, n + 1, wy, wn + weight), (y, n, wy, wn)):
                within = state[0] <= y_total and state[1] <= n_total and state[2] <= wy_total and state[3] <= wn_total
                rest_fits = (
                    done_count - state[0] - state[1] <= a_total and done_weight - state[2] - state[3] <= wa_total
                )
                if within and rest_fits:
                    layer.add(state)
        checker.work += len(forward[-1])
        if checker.work > WORK_LIMIT:
            return None
        forward.append(layer)
    return forward


def _choices_on_paths(
    items: list[int], forward: list[set[State]], goal: State, first_of: Mapping[int, int], checker: _Checker
) -> dict[object, set[str]]:
    """Backward from the totals: the choice each first delegation of a kind made on some path to
    them (alike delegations could swap, so they share their choices)."""
    reachable: set[State] = {goal}
    admissible: dict[object, set[str]] = {}
    for index in range(len(items) - 1, -1, -1):
        weight = items[index]
        before: set[State] = set()
        choices: set[str] = set()
        for y, n, wy, wn in reachable:
            for choice, state in (
                ("yes", (y - 1, n, wy - weight, wn)),
                ("no", (y, n - 1, wy, wn - weight)),
                ("abstain", (y, n, wy, wn)),
            ):
                if state in forward[index]:
                    before.add(state)
                    choices.add(choice)
        checker.work += len(reachable)
        if index in first_of:
            admissible[Fraction(first_of[index])] = choices
        reachable = before
    return admissible


def _shares(counts: Triple) -> dict[str, Share]:
    return {choice: Share(k) for choice, k in zip(VOTE_CHOICES, counts, strict=True)}


def _triple(shares: Mapping[str, Share]) -> Triple:
    return (
        shares.get("yes", Share()).count,
        shares.get("no", Share()).count,
        shares.get("abstain", Share()).count,
    )


def _neighbours(counts: Triple) -> list[Triple]:
    """The counts one ballot away: one delegation having chosen otherwise."""
    found = []
    for source, target in product(range(3), repeat=2):
        if source != target:
            moved = list(counts)
            moved[source] -= 1
            moved[target] += 1
            found.append((moved[0], moved[1], moved[2]))
    return found


def _split_neighbours(split: Mapping[str, Triple]) -> list[dict[str, Triple]]:
    """Splits one exchange away: a participating and an observing delegation swapping choices, or
    one of them having chosen otherwise with the counts of all members unchanged only by a swap."""
    found = []
    for source, target in product(range(3), repeat=2):
        if source == target:
            continue
        p, o = list(split["participating"]), list(split["observing"])
        p[source] -= 1
        p[target] += 1
        o[target] -= 1
        o[source] += 1
        found.append({"participating": (p[0], p[1], p[2]), "observing": (o[0], o[1], o[2])})
    return found


def _weight_neighbours(target: tuple[int, int, int, int], weights: list[int]) -> list[tuple[int, int, int, int]]:
    """Weights one exchange away: two delegations of different weights swapping their choices."""
    y, n, wy, wn = target
    found = set()
    for heavier, lighter in product(weights, repeat=2):
        delta = heavier - lighter
        if delta <= 0:
            continue
        for dy, dn in ((delta, -delta), (-delta, delta), (delta, 0), (-delta, 0), (0, delta), (0, -delta)):
            found.add((y, n, wy + dy, wn + dn))
    return sorted(found)


# --- before a secret round opens ------------------------------------------------------------------------

BRUTE_FORCE_LIMIT = 8
"""Electorates up to this size are checked ballot by ballot for the warning."""


def secrecy_warning(rule: Rule, voters: Sequence[Voter], quorum: Fraction = Fraction(0)) -> Phrase | None:
    """Why the outcome alone of a secret round may give ballots away, for the chair before it opens
    (None when it may not): too few delegations, one that outweighs the others together, or (for a
    small electorate, tried ballot by ballot) an outcome that leaves a delegation a single choice."""
    electorate = electorate_of(rule, voters)
    if len(electorate) < 3:
        return Phrase(
            N_("Only {n} delegations may vote: the outcome alone may show how they voted."), {"n": len(electorate)}
        )
    if rule.uses_weights:
        total = sum((Fraction(v.weight) for v in electorate), Fraction(0))
        for voter in electorate:
            if Fraction(voter.weight) * 2 >= total:
                return Phrase(
                    N_("{code} weighs as much as all the other delegations together: the outcome may show its vote."),
                    {"code": voter.code},
                )
    if rule.counts_observers:
        for status in ("participating", "observing"):
            alone = [v for v in electorate if v.status == status]
            if len(alone) == 1:
                return Phrase(
                    N_(
                        "{code} is the only delegation with its voting status, which ISO counts apart: "
                        "the outcome may show its vote."
                    ),
                    {"code": alone[0].code},
                )
    if len(electorate) <= BRUTE_FORCE_LIMIT and _outcome_may_reveal(rule, electorate, quorum):
        return Phrase(N_("The electorate is so small that some outcomes would show how a delegation voted."))
    return None


def _outcome_may_reveal(rule: Rule, electorate: Sequence[Voter], quorum: Fraction) -> bool:
    """Every delegation voting: is there an outcome that only one choice of some delegation can give?"""
    codes = [voter.code for voter in electorate]
    seen: dict[tuple[bool, bool], dict[str, set[str]]] = {}
    for choices in product(VOTE_CHOICES, repeat=len(electorate)):
        ballots = dict(zip(codes, choices, strict=True))
        outcome = outcome_of(rule, electorate, ballots, quorum)
        per_code = seen.setdefault(outcome, {code: set() for code in codes})
        for code, choice in ballots.items():
            per_code[code].add(choice)
    return any(not reveals_nothing(per_code) for per_code in seen.values())


def outcome_of(
    rule: Rule, electorate: Sequence[Voter], ballots: Mapping[str, str], quorum: Fraction = Fraction(0)
) -> tuple[bool, bool]:
    """Passed and quorum met, for ballots by delegation (what is always shown)."""
    result = tally(rule, electorate, ballots, quorum)
    return result.passed, result.quorum_met
