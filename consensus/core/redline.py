"""Redlines: a comparison of two versions as runs of text that are kept, inserted or deleted, each
change on someone's account (the delegation whose amendment made it, or the secretariat) and dated.

The shell gives, per clause (lineage), its ``History``: how the older version reads it and each
step that changed it on the way to the newer one (the consolidation into each version between them,
and each editorial correction made to those versions). ``attribute`` follows every character along
those steps, so that in the word diff of the first text against the last one (``core.diff``), each
inserted character is credited to the step that wrote it and each deleted one to the step that
removed it. Joining the kept and inserted runs gives the newer text exactly; the kept and deleted
runs, the older one: that is what "Accept all" and "Reject all" in a word processor must give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from consensus.core.compare import Change, Comparison
from consensus.core.diff import Op, word_diff


@dataclass(frozen=True, slots=True)
class Mark:
    """Who made a change and when: a revision's author and date."""

    author: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text kept (``mark`` None), inserted or deleted (on ``mark``'s account)."""

    op: Op
    text: str
    mark: Mark | None = None


@dataclass(frozen=True, slots=True)
class State:
    """A clause as one version (or one step between versions) reads it."""

    number: str
    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class Step:
    """One change in a clause's life: how it reads after it (None: deleted), and whose it is."""

    after: State | None
    mark: Mark


@dataclass(frozen=True, slots=True)
class History:
    """A clause from the older version compared (``first``; None: not in it yet) through each step."""

    first: State | None
    steps: tuple[Step, ...] = ()

    @property
    def last(self) -> State | None:
        return self.steps[-1].after if self.steps else self.first

    def reversed(self) -> History:
        """The same life read backwards (a comparison from a newer version to an older one): each
        step undone is still on its author's account."""
        states = [self.first, *(s.after for s in self.steps)]
        marks = [s.mark for s in self.steps]
        back = tuple(Step(states[i], marks[i]) for i in range(len(marks) - 1, -1, -1))
        return History(states[-1], back)


@dataclass(frozen=True, slots=True)
class ClauseRedline:
    """One clause of a redline: its number, heading and text as runs; for a clause added or
    deleted as a whole, the mark its paragraphs carry (their paragraph marks inserted or deleted)."""

    lineage: str
    change: Change
    number: tuple[Run, ...]
    heading: tuple[Run, ...]
    """The heading with the space that separates it from the number (empty when it has none)."""
    text: tuple[Run, ...]
    mark: Mark | None
    moved: bool = False


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].op == run.op and merged[-1].mark == run.mark:
            merged[-1] = Run(run.op, merged[-1].text + run.text, run.mark)
        else:
            merged.append(run)
    return tuple(merged)


def _runs(op: Op, text: str, marks: Sequence[Mark]) -> list[Run]:
    """``text`` cut where the mark of its characters changes."""
    runs: list[Run] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or marks[index] != marks[start]:
            runs.append(Run(op, text[start:index], marks[start]))
            start = index
    return runs


def _follow(start: str, steps: Sequence[tuple[str, Mark]]) -> tuple[list[int | Mark], list[Mark | None]]:
    """Follow each character of ``start`` through the steps: where each character of the last text
    comes from (its index in ``start``, or the step that wrote it), and which step removed each
    character of ``start`` (None: still there)."""
    removed: list[Mark | None] = [None] * len(start)
    origin: list[int | Mark] = list(range(len(start)))
    previous = start
    for text, mark in steps:
        if text == previous:
            continue
        following: list[int | Mark] = []
        position = 0
        for segment in word_diff(previous, text).segments:
            size = len(segment.text)
            if segment.op == "equal":
                following += origin[position : position + size]
            elif segment.op == "delete":
                for source in origin[position : position + size]:
                    if isinstance(source, int):
                        removed[source] = mark
            else:
                following += [mark] * size
            position += size if segment.op != "insert" else 0
        origin, previous = following, text
    return origin, removed


def attribute(start: str, steps: Sequence[tuple[str, Mark]], fallback: Mark) -> tuple[Run, ...]:
    """The word diff of ``start`` against the last text of ``steps``, each change credited to the
    step that made it (``fallback`` where the diffs of the steps and of the whole disagree)."""
    end = steps[-1][0] if steps else start
    origin, removed = _follow(start, steps)
    runs: list[Run] = []
    old_at = new_at = 0
    for segment in word_diff(start, end).segments:
        size = len(segment.text)
        if segment.op == "equal":
            runs.append(Run("equal", segment.text))
        elif segment.op == "delete":
            runs += _runs("delete", segment.text, [removed[i] or fallback for i in range(old_at, old_at + size)])
        else:
            marks = [m if isinstance(m := origin[i], Mark) else fallback for i in range(new_at, new_at + size)]
            runs += _runs("insert", segment.text, marks)
        old_at += size if segment.op != "insert" else 0
        new_at += size if segment.op != "delete" else 0
    return _merge(runs)


def _heading_line(state: State | None) -> str:
    return f" {state.heading}" if state is not None and state.heading else ""


def _last_change(history: History, part: str, fallback: Mark) -> Mark:
    """The mark of the last step that changed ``part`` of the clause (its text, heading or number)."""
    states = [history.first, *(s.after for s in history.steps)]
    for index in range(len(history.steps), 0, -1):
        before, after = states[index - 1], states[index]
        if (getattr(before, part) if before else None) != (getattr(after, part) if after else None):
            return history.steps[index - 1].mark
    return fallback


def _number_runs(history: History, secretariat: Mark) -> tuple[Run, ...]:
    """The number: kept, or the old one deleted and the new one inserted. Renumbering is the
    consolidation's doing, so it is the secretariat's, dated by the step that renumbered it; a
    number that comes or goes with its clause is on the account of who added or deleted it."""
    first, last = history.first, history.last
    if first is not None and last is not None:
        if first.number == last.number:
            return (Run("equal", first.number),)
        mark = Mark(secretariat.author, _last_change(history, "number", secretariat).at)
        return _merge([Run("delete", first.number, mark), Run("insert", last.number, mark)])
    if first is not None:
        return (Run("delete", first.number, _last_change(history, "number", secretariat)),)
    if last is None:
        return ()
    return (Run("insert", last.number, _creation(history, secretariat)),)


def _creation(history: History, secretariat: Mark) -> Mark:
    """The mark of the step that brought a clause into the text."""
    return next((s.mark for s in history.steps if s.after is not None), secretariat)


def clause_redline(lineage: str, history: History, secretariat: Mark, moved: bool = False) -> ClauseRedline:
    """One clause's redline from its history (``secretariat`` marks what no amendment made)."""
    first, last = history.first, history.last
    change: Change
    if first is None:
        change = "added"
    elif last is None:
        change = "deleted"
    elif (first.heading, first.text, first.number) == (last.heading, last.text, last.number):
        change = "unchanged"
    else:
        change = "changed"
    whole = None
    if change == "added":
        whole = _creation(history, secretariat)
    elif change == "deleted":
        whole = _last_change(history, "text", secretariat)
    heading = attribute(
        _heading_line(first),
        [(_heading_line(s.after), s.mark) for s in history.steps],
        _last_change(history, "heading", secretariat),
    )
    text = attribute(
        first.text if first else "",
        [(s.after.text if s.after else "", s.mark) for s in history.steps],
        _last_change(history, "text", secretariat),
    )
    return ClauseRedline(lineage, change, _number_runs(history, secretariat), heading, text, whole, moved)


def redline(comparison: Comparison, histories: Mapping[str, History], secretariat: Mark) -> tuple[ClauseRedline, ...]:
    """Every clause of a comparison, in its order (unchanged ones too: the redline is the whole
    text), from each lineage's history (``histories`` covers every lineage compared)."""
    return tuple(
        clause_redline(change.lineage, histories[change.lineage], secretariat, change.moved)
        for change in comparison.changes
    )


# --- histories from versions, amendments and corrections ----------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A version's clauses as stored, in order, with when it was made (its consolidation)."""

    number: int
    created_at: datetime
    clauses: tuple[tuple[str, State], ...]
    """(lineage, state) in the version's order."""


@dataclass(frozen=True, slots=True)
class Applied:
    """An accepted amendment consolidated into ``version``: its kind, the lineage it was on, and its mark."""

    version: int
    kind: str
    target: str
    mark: Mark


@dataclass(frozen=True, slots=True)
class Corrected:
    """An editorial correction made in place to a clause of ``version``."""

    version: int
    lineage: str
    old_heading: str
    new_heading: str
    old_text: str
    new_text: str
    at: datetime


def _consolidation_mark(
    lineage: str, before: Snapshot, after: Snapshot, applied: Sequence[Applied], secretariat: str
) -> Mark:
    """Whose doing a clause's change into ``after`` is: the amendment that replaced or deleted it,
    the one that inserted it (after the clause now before it), or the secretariat's consolidation."""
    into = [a for a in applied if a.version == after.number]
    direct = next((a for a in into if a.kind != "insert" and a.target == lineage), None)
    if direct is not None:
        return direct.mark
    if lineage not in dict(before.clauses):
        order = [clause_lineage for clause_lineage, _state in after.clauses]
        if lineage in order and order.index(lineage) > 0:
            anchor = order[order.index(lineage) - 1]
            inserted = next((a for a in into if a.kind == "insert" and a.target == anchor), None)
            if inserted is not None:
                return inserted.mark
    return Mark(secretariat, after.created_at)


def _lineage_history(
    lineage: str,
    snapshots: Sequence[Snapshot],
    applied: Sequence[Applied],
    corrected: Sequence[Corrected],
    secretariat: str,
) -> History:
    states = [dict(snapshot.clauses) for snapshot in snapshots]
    current = states[0].get(lineage)
    first = current
    steps: list[Step] = []
    for index in range(1, len(snapshots)):
        snapshot = snapshots[index]
        stored = states[index].get(lineage)
        corrections = [c for c in corrected if c.version == snapshot.number and c.lineage == lineage]
        after = stored
        if corrections and stored is not None:
            after = State(stored.number, corrections[0].old_heading, corrections[0].old_text)
        if after != current:
            mark = _consolidation_mark(lineage, snapshots[index - 1], snapshot, applied, secretariat)
            steps.append(Step(after, mark))
        current = after
        for correction in corrections:
            assert stored is not None  # a correction is on a clause its version holds
            corrected_state = State(stored.number, correction.new_heading, correction.new_text)
            if corrected_state != current:
                steps.append(Step(corrected_state, Mark(secretariat, correction.at)))
            current = corrected_state
        if current != stored:  # the stored text is the truth, whatever the record says
            steps.append(Step(stored, Mark(secretariat, snapshot.created_at)))
            current = stored
    return History(first, tuple(steps))


def histories(
    snapshots: Sequence[Snapshot],
    applied: Sequence[Applied],
    corrected: Sequence[Corrected],
    secretariat: str,
    backwards: bool = False,
) -> dict[str, History]:
    """Each lineage's history from the oldest snapshot to the newest (``backwards``: from the
    newest to the oldest). Corrections to the oldest version are already in its text; those to
    each later one follow its consolidation."""
    ordered = sorted(snapshots, key=lambda s: s.number)
    lineages = dict.fromkeys(lineage for snapshot in ordered for lineage, _state in snapshot.clauses)
    result = {}
    for lineage in lineages:
        history = _lineage_history(lineage, ordered, applied, corrected, secretariat)
        result[lineage] = history.reversed() if backwards else history
    return result


# --- pending amendments on one version ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """A pending amendment: its id, kind, the lineage of its clause, its text and heading (None:
    heading unchanged), its mark (the proposing delegation, dated by its proposal) and its note."""

    id: int
    kind: str
    target: str
    heading: str | None
    text: str
    mark: Mark
    note: str


@dataclass(frozen=True, slots=True)
class Alternative:
    """A proposal shown as paragraphs of its own (inserted), or, for a deletion competing with
    another proposal, as a note on the clause only (no runs)."""

    proposal: Proposal
    heading: tuple[Run, ...]
    text: tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class ProposedClause:
    """One clause of a version with the pending amendments on it: the first replacement or
    deletion as changes in the clause itself (``shown``), the others competing with it as
    ``alternatives``, and the clauses proposed for insertion after it as ``insertions``."""

    lineage: str
    number: str
    heading: tuple[Run, ...]
    text: tuple[Run, ...]
    mark: Mark | None
    """Set when ``shown`` deletes the clause: its paragraph marks are deleted too."""
    shown: Proposal | None
    alternatives: tuple[Alternative, ...]
    insertions: tuple[Alternative, ...]


def _inserted(proposal: Proposal) -> Alternative:
    heading = (Run("insert", proposal.heading, proposal.mark),) if proposal.heading else ()
    if proposal.kind == "delete":
        return Alternative(proposal, (), ())
    return Alternative(proposal, heading, _merge([Run("insert", proposal.text, proposal.mark)]))


def _in_place(state: State, proposal: Proposal | None) -> tuple[tuple[Run, ...], tuple[Run, ...], Mark | None]:
    heading_line = _heading_line(state)
    if proposal is None:
        return _merge([Run("equal", heading_line)]), _merge([Run("equal", state.text)]), None
    mark = proposal.mark
    if proposal.kind == "delete":
        return _merge([Run("delete", heading_line, mark)]), _merge([Run("delete", state.text, mark)]), mark
    new_heading = heading_line if proposal.heading is None else (f" {proposal.heading}" if proposal.heading else "")
    return (
        attribute(heading_line, [(new_heading, mark)], mark),
        attribute(state.text, [(proposal.text, mark)], mark),
        None,
    )


def proposed(clauses: Sequence[tuple[str, State]], proposals: Sequence[Proposal]) -> tuple[ProposedClause, ...]:
    """A version's clauses with the pending amendments on each, in the order they were proposed."""
    result = []
    for lineage, state in clauses:
        mine = sorted((p for p in proposals if p.target == lineage), key=lambda p: p.id)
        changes = [p for p in mine if p.kind != "insert"]
        shown = changes[0] if changes else None
        heading, text, mark = _in_place(state, shown)
        result.append(
            ProposedClause(
                lineage,
                state.number,
                heading,
                text,
                mark,
                shown,
                tuple(_inserted(p) for p in changes[1:]),
                tuple(_inserted(p) for p in mine if p.kind == "insert"),
            )
        )
    return tuple(result)


def accepted(runs: Sequence[Run]) -> str:
    """The text once every change is accepted."""
    return "".join(r.text for r in runs if r.op != "delete")


def rejected(runs: Sequence[Run]) -> str:
    """The text once every change is rejected."""
    return "".join(r.text for r in runs if r.op != "insert")
