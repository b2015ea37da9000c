"""Comparing two versions clause by clause, matched by lineage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from consensus.core.consolidation import ClauseValue
from consensus.core.diff import TextDiff, word_diff

Change = Literal["unchanged", "changed", "added", "deleted"]


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """How one clause (one lineage) differs between two versions."""

    lineage: str
    change: Change
    old_number: str | None
    new_number: str | None
    old_heading: str | None
    new_heading: str | None
    text: TextDiff | None
    moved: bool

    @property
    def renumbered(self) -> bool:
        return self.old_number is not None and self.new_number is not None and self.old_number != self.new_number

    @property
    def heading_changed(self) -> bool:
        return self.change == "changed" and self.old_heading != self.new_heading

    @property
    def folded(self) -> bool:
        """Nothing to see: same text, heading, number and place."""
        return self.change == "unchanged" and not self.renumbered and not self.moved


@dataclass(frozen=True, slots=True)
class Comparison:
    changes: tuple[ClauseChange, ...]

    def count(self, change: Change) -> int:
        return sum(1 for c in self.changes if c.change == change)

    @property
    def moved(self) -> int:
        return sum(1 for c in self.changes if c.moved)

    @property
    def renumbered(self) -> int:
        return sum(1 for c in self.changes if c.renumbered)


def compare(old: Sequence[ClauseValue], new: Sequence[ClauseValue]) -> Comparison:
    """Per clause of either version: unchanged, changed (with a word diff), added or deleted;
    whether it moved relative to the others, and whether its number changed.

    Clauses appear in the new version's order; deleted ones where they stood in the old one.
    """
    old_by = {c.lineage: c for c in old}
    old_index = {c.lineage: i for i, c in enumerate(old)}
    new_lineages = {c.lineage for c in new}
    moved = _moved(old, new)
    deleted = [c for c in old if c.lineage not in new_lineages]
    changes: list[ClauseChange] = []
    for clause in new:
        before = old_by.get(clause.lineage)
        if before is None:
            changes.append(_added(clause))
            continue
        # Deleted clauses go where they stood: before the first clause kept that followed them.
        while deleted and old_index[deleted[0].lineage] < old_index[clause.lineage]:
            changes.append(_deleted(deleted.pop(0)))
        changes.append(_kept(before, clause, moved=clause.lineage in moved))
    changes += [_deleted(gone) for gone in deleted]
    return Comparison(tuple(changes))


def _moved(old: Sequence[ClauseValue], new: Sequence[ClauseValue]) -> set[str]:
    """The lineages of the clauses in both versions that moved: those outside the longest common
    order of the shared clauses."""
    old_lineages = {c.lineage for c in old}
    new_lineages = {c.lineage for c in new}
    shared_old = [c.lineage for c in old if c.lineage in new_lineages]
    shared_new = [c.lineage for c in new if c.lineage in old_lineages]
    in_order: set[str] = set()
    matcher = SequenceMatcher(a=shared_old, b=shared_new, autojunk=False)
    for block in matcher.get_matching_blocks():
        in_order.update(shared_old[block.a : block.a + block.size])
    return set(shared_old) - in_order


def _added(clause: ClauseValue) -> ClauseChange:
    return ClauseChange(
        clause.lineage, "added", None, clause.number, None, clause.heading, word_diff("", clause.text), False
    )


def _deleted(gone: ClauseValue) -> ClauseChange:
    return ClauseChange(gone.lineage, "deleted", gone.number, None, gone.heading, None, word_diff(gone.text, ""), False)


def _kept(before: ClauseValue, clause: ClauseValue, *, moved: bool) -> ClauseChange:
    """A clause in both versions: unchanged, or changed with its word diff."""
    diff = word_diff(before.text, clause.text)
    same = not diff.changed and before.heading == clause.heading
    return ClauseChange(
        clause.lineage,
        "unchanged" if same else "changed",
        before.number,
        clause.number,
        before.heading,
        clause.heading,
        None if same else diff,
        moved,
    )
