"""Consolidation: the next version from the current clauses and the accepted amendments.

Pure: clauses and amendments come in as values, the next version's clauses (or the conflicts
that prevent it) come out. Lineage is never lost: every clause kept or replaced keeps its lineage,
an inserted clause gets a new one, a deleted clause's lineage ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from consensus.core.numbering import renumber
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


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two accepted amendments that cannot both be applied."""

    first: int
    second: int
    clause: str
    reason: str

    def __str__(self) -> str:
        return f"Amendments {self.first} and {self.second} on clause {self.clause}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Consolidation:
    """The next version's clauses, or the conflicts (then ``clauses`` is empty)."""

    clauses: tuple[NewClause, ...]
    conflicts: tuple[Conflict, ...]
    applied: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return not self.conflicts


def find_conflicts(clauses: Sequence[ClauseValue], amendments: Sequence[AmendmentValue]) -> list[Conflict]:
    """Every pair of accepted amendments that cannot both apply, named.

    Two amendments that change or delete the same clause conflict; so does an insertion after a
    clause that another amendment deletes, and two insertions after the same clause (their order
    would be arbitrary).
    """
    number = {c.lineage: c.number for c in clauses}
    changing: dict[str, list[AmendmentValue]] = defaultdict(list)
    inserting: dict[str, list[AmendmentValue]] = defaultdict(list)
    for amendment in sorted(amendments, key=lambda a: a.id):
        (inserting if amendment.kind == "insert" else changing)[amendment.target].append(amendment)
    conflicts: list[Conflict] = []
    for target, group in changing.items():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if "delete" in (first.kind, second.kind):
                    reason = (
                        N_("one deletes the clause the other changes")
                        if first.kind != second.kind
                        else (N_("both delete the clause"))
                    )
                else:
                    reason = N_("both replace the text of the same clause")
                conflicts.append(Conflict(first.id, second.id, number.get(target, "?"), reason))
    for target, group in inserting.items():
        for deleting in (a for a in changing.get(target, []) if a.kind == "delete"):
            for insertion in group:
                conflicts.append(
                    Conflict(
                        min(deleting.id, insertion.id),
                        max(deleting.id, insertion.id),
                        number.get(target, "?"),
                        N_("one inserts a clause after the clause the other deletes"),
                    )
                )
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                conflicts.append(
                    Conflict(
                        first.id, second.id, number.get(target, "?"), N_("both insert a clause after the same clause")
                    )
                )
    return sorted(conflicts, key=lambda c: (c.first, c.second))


def consolidate(
    clauses: Sequence[ClauseValue],
    amendments: Sequence[AmendmentValue],
    new_lineage: Callable[[], str],
) -> Consolidation:
    """Apply accepted amendments to a version's clauses (in order) and number the result."""
    known = {c.lineage for c in clauses}
    unknown = [a for a in amendments if a.target not in known]
    if unknown:
        raise ValueError(f"amendments {[a.id for a in unknown]} target clauses not in this version")
    conflicts = find_conflicts(clauses, amendments)
    if conflicts:
        return Consolidation((), tuple(conflicts), ())
    by_target = {a.target: a for a in amendments if a.kind != "insert"}
    inserts = {a.target: a for a in amendments if a.kind == "insert"}
    drafts: list[tuple[str, NewClause]] = []  # (numbering template, clause with a provisional number)
    for clause in clauses:
        change = by_target.get(clause.lineage)
        if change is None:
            drafts.append((clause.number, _kept(clause, clause.text, clause.heading, None)))
        elif change.kind == "replace":
            heading = clause.heading if change.heading is None else change.heading
            drafts.append((clause.number, _kept(clause, change.text, heading, change.id)))
        insertion = inserts.get(clause.lineage)
        if insertion is not None:
            drafts.append(
                (
                    clause.number,
                    NewClause(
                        lineage=new_lineage(),
                        number="",
                        heading=insertion.heading or "",
                        text=insertion.text,
                        status="open",
                        previous_number=None,
                        amendment_id=insertion.id,
                    ),
                )
            )
    numbers = renumber([template for template, _ in drafts])
    result = tuple(
        NewClause(d.lineage, n, d.heading, d.text, d.status, d.previous_number, d.amendment_id)
        for (_, d), n in zip(drafts, numbers, strict=True)
    )
    return Consolidation(result, (), tuple(sorted(a.id for a in amendments)))


def _kept(clause: ClauseValue, text: str, heading: str, amendment_id: int | None) -> NewClause:
    # A clause whose text changes is open again; an unchanged one keeps its status.
    status = clause.status if amendment_id is None else "open"
    return NewClause(clause.lineage, "", heading, text, status, clause.number, amendment_id)
