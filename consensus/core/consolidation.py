"""Consolidation: the next version from the current clauses and the accepted amendments.

Pure: clauses and amendments come in as values, the next version's clauses (or the clashes
between accepted amendments that prevent it) come out. Lineage is never lost: every clause kept
or replaced keeps its lineage, an inserted clause gets a new one, a deleted clause's lineage ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from consensus.core.alternatives import AlternativeSet, resolve_all, set_in
from consensus.core.numbering import renumber
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_

AmendmentKind = Literal["replace", "insert", "delete"]


@dataclass(frozen=True, slots=True)
class ClauseValue:
    """A clause as consolidation sees it."""

    lineage: str
    number: str
    heading: str
    text: str
    status: str = "open"


@dataclass(frozen=True, slots=True)
class AmendmentValue:
    """An accepted amendment: what it does to which clause (by lineage)."""

    id: int
    kind: AmendmentKind
    target: str
    """Lineage of the clause it amends (or inserts after)."""
    text: str = ""
    heading: str | None = None
    """New heading (replace or insert); None keeps the clause's heading."""


@dataclass(frozen=True, slots=True)
class WinningAlternative:
    """An options round that chose one of a clause's alternatives: the clause (by lineage), the set
    (its index, and its text and options as voted on) and the option chosen (from 1)."""

    round_id: int
    target: str
    index: int
    number: int
    set_text: str
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewClause:
    """A clause of the next version and where it came from."""

    lineage: str
    number: str
    heading: str
    text: str
    status: str
    previous_number: str | None
    """Its number in the version consolidated, None for an inserted clause."""
    amendment_id: int | None
    """The amendment that changed or inserted it."""
    rounds: tuple[int, ...] = ()
    """The options rounds whose chosen alternatives replace its brackets."""


@dataclass(frozen=True, slots=True)
class Clash:
    """Two accepted amendments that cannot both be applied: consolidation is refused until one of
    them is reopened or rejected."""

    first: int
    second: int
    clause: str
    reason: str
    parties: tuple[str, str] = ("amendment", "amendment")
    """What ``first`` and ``second`` are: ``amendment`` or ``round`` (an options round's winner)."""

    def __str__(self) -> str:
        if self.parties == ("amendment", "round"):
            return f"Amendment {self.first} and round {self.second} on clause {self.clause}: {self.reason}"
        if self.parties == ("round", "round"):
            if self.first == self.second:
                return f"Round {self.first} on clause {self.clause}: {self.reason}"
            return f"Rounds {self.first} and {self.second} on clause {self.clause}: {self.reason}"
        return f"Amendments {self.first} and {self.second} on clause {self.clause}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Consolidation:
    """The next version's clauses, or the clashes (then ``clauses`` is empty)."""

    clauses: tuple[NewClause, ...]
    clashes: tuple[Clash, ...]
    applied: tuple[int, ...]
    resolved: tuple[int, ...] = ()
    """The options rounds whose chosen alternatives were written in."""

    @property
    def ok(self) -> bool:
        return not self.clashes


CLASH_WORDS = {
    ("amendment", "amendment"): N_("Amendments {first} and {second} on clause {clause}: {reason}"),
    ("amendment", "round"): N_("Amendment {first} and round {second} on clause {clause}: {reason}"),
    ("round", "round"): N_("Rounds {first} and {second} on clause {clause}: {reason}"),
    ("round",): N_("Round {first} on clause {clause}: {reason}"),
}
"""How a clash names its parties; a set no longer as voted on names its one round."""


def clash_words(clash: Clash) -> str:
    """The English message of a clash (its msgid), by what its parties are."""
    if clash.parties == ("round", "round") and clash.first == clash.second:
        return CLASH_WORDS[("round",)]
    return CLASH_WORDS[clash.parties]


def consolidation_refusal(role: str, version: int, adopted: bool) -> Refusal | None:
    """Why ``role`` may not build the version after ``version`` now, or None: the secretariat may,
    until the version is adopted (whether there is anything to consolidate is checked on writing)."""
    if role != "secretariat":
        return Refusal("forbidden", Phrase(N_("Only the secretariat consolidates versions.")))
    if adopted:
        return Refusal(
            "conflict",
            Phrase(N_("Version {n} has been adopted and is frozen: there is no next version."), {"n": version}),
        )
    return None


def find_clashes(clauses: Sequence[ClauseValue], amendments: Sequence[AmendmentValue]) -> list[Clash]:
    """Every pair of accepted amendments that cannot both apply, named.

    Two amendments that change or delete the same clause clash; so does an insertion after a
    clause that another amendment deletes, and two insertions after the same clause (their order
    would be arbitrary).
    """
    number = {c.lineage: c.number for c in clauses}
    changing: dict[str, list[AmendmentValue]] = defaultdict(list)
    inserting: dict[str, list[AmendmentValue]] = defaultdict(list)
    for amendment in sorted(amendments, key=lambda a: a.id):
        (inserting if amendment.kind == "insert" else changing)[amendment.target].append(amendment)
    clashes = [
        Clash(first.id, second.id, number.get(target, "?"), _change_clash(first, second))
        for target, group in changing.items()
        for first, second in _pairs(group)
    ]
    for target, group in inserting.items():
        clashes += _insertion_clashes(group, changing.get(target, []), number.get(target, "?"))
    return sorted(clashes, key=lambda c: (c.first, c.second))


def _pairs(amendments: list[AmendmentValue]) -> list[tuple[AmendmentValue, AmendmentValue]]:
    return [(first, second) for i, first in enumerate(amendments) for second in amendments[i + 1 :]]


def _change_clash(first: AmendmentValue, second: AmendmentValue) -> str:
    """Why two amendments that replace or delete the same clause clash."""
    if "delete" not in (first.kind, second.kind):
        return N_("both replace the text of the same clause")
    if first.kind != second.kind:
        return N_("one deletes the clause the other changes")
    return N_("both delete the clause")


def _insertion_clashes(insertions: list[AmendmentValue], changes: list[AmendmentValue], clause: str) -> list[Clash]:
    """The clashes of insertions after one clause: with its deletion, and with each other."""
    clashes = [
        Clash(
            min(deletion.id, insertion.id),
            max(deletion.id, insertion.id),
            clause,
            N_("one inserts a clause after the clause the other deletes"),
        )
        for deletion in changes
        if deletion.kind == "delete"
        for insertion in insertions
    ]
    clashes += [
        Clash(first.id, second.id, clause, N_("both insert a clause after the same clause"))
        for first, second in _pairs(insertions)
    ]
    return clashes


def winner_clashes(
    clauses: Sequence[ClauseValue], amendments: Sequence[AmendmentValue], winners: Sequence[WinningAlternative]
) -> list[Clash]:
    """Every chosen alternative that cannot be written in, named: an accepted amendment that
    replaces or deletes the same clause (which text would win is the chair's call, not ours), two
    rounds that chose on the same set, and a set no longer in the clause as it was voted on (an
    editorial correction since)."""
    by_lineage = {c.lineage: c for c in clauses}
    clashes = [
        Clash(amendment.id, winner.round_id, by_lineage[winner.target].number, _amended_reason(amendment), AND_ROUND)
        for winner in winners
        for amendment in amendments
        if amendment.target == winner.target and amendment.kind != "insert"
    ]
    ordered = sorted(winners, key=lambda w: w.round_id)
    clashes += [
        Clash(first.round_id, second.round_id, by_lineage[first.target].number, SAME_SET, ROUNDS)
        for i, first in enumerate(ordered)
        for second in ordered[i + 1 :]
        if (first.target, first.index) == (second.target, second.index)
    ]
    clashes += [
        Clash(winner.round_id, winner.round_id, by_lineage[winner.target].number, SET_GONE, ROUNDS)
        for winner in ordered
        if _voted_set(by_lineage[winner.target].text, winner) is None
    ]
    return clashes


AND_ROUND = ("amendment", "round")
ROUNDS = ("round", "round")
SAME_SET = N_("both chose between the same alternatives")
SET_GONE = N_("the alternatives it chose between are no longer in the clause as they were voted on")


def _amended_reason(amendment: AmendmentValue) -> str:
    if amendment.kind == "delete":
        return N_("the amendment deletes the clause whose alternatives the round chose between")
    return N_("the amendment replaces the text whose alternatives the round chose between")


def _voted_set(text: str, winner: WinningAlternative) -> AlternativeSet | None:
    """The set the round voted on, if the clause still holds it as it was then."""
    found = set_in(text, winner.index)
    if found is None or text[found.start : found.end] != winner.set_text:
        return None
    if tuple(option.text for option in found.options) != winner.options:
        return None
    return found


def consolidate(
    clauses: Sequence[ClauseValue],
    amendments: Sequence[AmendmentValue],
    new_lineage: Callable[[], str],
    winners: Sequence[WinningAlternative] = (),
) -> Consolidation:
    """Apply accepted amendments to a version's clauses (in order), write in the alternatives that
    options rounds chose, and number the result."""
    known = {c.lineage for c in clauses}
    unknown = [a for a in amendments if a.target not in known]
    if unknown:
        raise ValueError(f"amendments {[a.id for a in unknown]} target clauses not in this version")
    if any(w.target not in known for w in winners):
        raise ValueError("an options round chose alternatives of a clause not in this version")
    clashes = find_clashes(clauses, amendments) + winner_clashes(clauses, amendments, winners)
    if clashes:
        return Consolidation((), tuple(clashes), ())
    drafts = _drafts(_with_winners(clauses, winners), amendments, new_lineage)
    numbers = renumber([template for template, _ in drafts])
    rounds: dict[str, tuple[int, ...]] = defaultdict(tuple)
    for winner in winners:
        rounds[winner.target] += (winner.round_id,)
    result = tuple(
        NewClause(
            d.lineage, n, d.heading, d.text, d.status, d.previous_number, d.amendment_id, rounds.get(d.lineage, ())
        )
        for (_, d), n in zip(drafts, numbers, strict=True)
    )
    return Consolidation(
        result, (), tuple(sorted(a.id for a in amendments)), tuple(sorted(w.round_id for w in winners))
    )


def _with_winners(clauses: Sequence[ClauseValue], winners: Sequence[WinningAlternative]) -> list[ClauseValue]:
    """The clauses with each chosen alternative written in (no clash: every set is as voted on).
    A clause whose text so changes is open again, as after an amendment."""
    chosen: dict[str, list[tuple[AlternativeSet, int]]] = defaultdict(list)
    for winner in winners:
        clause = next(c for c in clauses if c.lineage == winner.target)
        found = _voted_set(clause.text, winner)
        assert found is not None, "winner_clashes: the set is as voted on"
        chosen[winner.target].append((found, winner.number))
    return [
        ClauseValue(c.lineage, c.number, c.heading, resolve_all(c.text, chosen[c.lineage]), "open")
        if c.lineage in chosen
        else c
        for c in clauses
    ]


def _drafts(
    clauses: Sequence[ClauseValue], amendments: Sequence[AmendmentValue], new_lineage: Callable[[], str]
) -> list[tuple[str, NewClause]]:
    """The next version's clauses in order, each with a provisional number and the numbering
    template it follows (the number of the clause it stands at or after). No two amendments clash."""
    changes = {a.target: a for a in amendments if a.kind != "insert"}
    insertions = {a.target: a for a in amendments if a.kind == "insert"}
    drafts: list[tuple[str, NewClause]] = []
    for clause in clauses:
        kept = _changed(clause, changes.get(clause.lineage))
        if kept is not None:
            drafts.append((clause.number, kept))
        insertion = insertions.get(clause.lineage)
        if insertion is not None:
            drafts.append((clause.number, _inserted(insertion, new_lineage())))
    return drafts


def _changed(clause: ClauseValue, change: AmendmentValue | None) -> NewClause | None:
    """A clause as an amendment leaves it: kept, replaced, or deleted (None)."""
    if change is None:
        return _kept(clause, clause.text, clause.heading, None)
    if change.kind == "replace":
        heading = clause.heading if change.heading is None else change.heading
        return _kept(clause, change.text, heading, change.id)
    return None


def _inserted(insertion: AmendmentValue, lineage: str) -> NewClause:
    return NewClause(
        lineage=lineage,
        number="",
        heading=insertion.heading or "",
        text=insertion.text,
        status="open",
        previous_number=None,
        amendment_id=insertion.id,
    )


def _kept(clause: ClauseValue, text: str, heading: str, amendment_id: int | None) -> NewClause:
    # A clause whose text changes is open again; an unchanged one keeps its status.
    status = clause.status if amendment_id is None else "open"
    return NewClause(clause.lineage, "", heading, text, status, clause.number, amendment_id)
