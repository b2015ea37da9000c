"""Stating positions, the agreement matrix (with stale positions), and marking clauses agreed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.audit import services as audit
from consensus.core.positions import (
    clause_status_refusal,
    clauses_status_refusal,
    on_the_same_text,
    position_refusal,
)
from consensus.core.refusal import Refusal
from consensus.core.spreadsheet import csv_table
from consensus.db import write_transaction
from consensus.errors import NotFound, refusal_error, refusal_text
from consensus.i18n import _
from consensus.lookups import ClauseRef, VersionRef, clause_in_group, version_in_group
from consensus.models import Clause, ClauseStatus, Delegation, Position, PositionKind, User, Version
from consensus.validation import BODY_LIMIT, Fields

POSITIONS = [p.value for p in PositionKind]
NEEDS_TEXT = {PositionKind.reservation.value, PositionKind.objection.value}
CLAUSE_STATUSES = [ClauseStatus.open.value, ClauseStatus.agreed_ad_ref.value]


def is_head(membership: GroupMembership | None) -> bool:
    """Whether a member holds their delegation's voting right (and so states its positions)."""
    return membership is not None and membership.is_head and membership.delegation_id is not None


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


def check_position(position: str, text: str) -> tuple[str, str]:
    """The position chosen and its text (required for a reservation or an objection)."""
    fields = Fields()
    chosen = fields.choice("position", position, _("The position"), POSITIONS)
    required = chosen in NEEDS_TEXT
    written = fields.text(
        "text", text, _("The text of the reservation or objection"), required=required, limit=BODY_LIMIT
    )
    fields.done()
    return chosen, written


def record_position(
    session: Session,
    *,
    document_id: int,
    delegation_id: int,
    version_id: int,
    lineage: str | None,
    clause_id: int | None,
    position: str,
    text: str,
    user_id: int | None,
    round_id: int | None = None,
) -> Position:
    """Append a position inside the caller's transaction (the latest statement counts)."""
    row = Position(
        document_id=document_id,
        delegation_id=delegation_id,
        version_id=version_id,
        lineage=lineage,
        clause_id=clause_id,
        position=position,
        text=text,
        stated_by_id=user_id,
        round_id=round_id,
    )
    session.add(row)
    session.flush()
    return row


def state_position(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    number: str | None,
    position: str,
    text: str = "",
) -> int:
    """The head of a delegation states its position on a clause of the current version (or, with
    no clause number, on the whole document)."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        if number:
            clause = clause_in_group(session, group_slug, document_slug, number)
            ref, lineage, clause_id = clause.version, clause.lineage, clause.clause_id
        else:
            ref, lineage, clause_id = version_in_group(session, group_slug, document_slug), None, None
        _refuse(position_refusal(is_head(membership), ref.frozen_refusal))
        assert membership.delegation_id is not None, "a head acts for a delegation"
        chosen, written = check_position(position, text)
        row = record_position(
            session,
            document_id=ref.document_id,
            delegation_id=membership.delegation_id,
            version_id=ref.version_id,
            lineage=lineage,
            clause_id=clause_id,
            position=chosen,
            text=written,
            user_id=user.id,
        )
        audit.record(
            session,
            user.actor(group_slug),
            "position.state",
            "position",
            row.id,
            group_id=ref.group_id,
            details={"document": document_slug, "clause": number, "position": chosen},
        )
        assert row.id is not None
        return row.id


def set_clause_status(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, number: str, status: str
) -> str:
    """The chair marks a clause agreed ad referendum, or reopens it."""
    with write_transaction(session):
        status, _changed = change_clause_status(session, user, group_slug, document_slug, number, status)
    return status


def change_clause_status(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, number: str, status: str
) -> tuple[str, bool]:
    """``set_clause_status`` inside the caller's write transaction (the chair's console adds to it):
    the status, and whether it changed."""
    membership = user.member_of(group_slug)
    clause = clause_in_group(session, group_slug, document_slug, number)
    _refuse(clause_status_refusal(membership.role, clause.number, clause.status, clause.version.frozen_refusal))
    fields = Fields()
    status = fields.choice("status", status, _("The status"), CLAUSE_STATUSES)
    fields.done()
    if clause.status == status:
        return status, False
    row = session.get(Clause, clause.clause_id)
    assert row is not None
    row.status = status
    session.add(row)
    audit.record(
        session,
        user.actor(group_slug),
        "clause.status",
        "clause",
        clause.clause_id,
        group_id=clause.version.group_id,
        details={"document": document_slug, "clause": number, "from": clause.status, "to": status},
    )
    return status, True


def _chosen(numbers: Iterable[str]) -> list[str]:
    """The clause numbers asked for, each once, in the order given."""
    return list(dict.fromkeys(number.strip() for number in numbers if number.strip()))


def _clauses_numbered(session: Session, version_id: int, numbers: Collection[str]) -> list[Clause]:
    """The clauses of a version with these numbers, in the document's order."""
    if not numbers:
        return []
    return list(
        session.execute(
            select(Clause)
            .where(col(Clause.version_id) == version_id, col(Clause.number).in_(numbers))
            .order_by(col(Clause.position))
        ).scalars()
    )


def _batch_refusal(role: str, ref: VersionRef, chosen: list[str], rows: list[Clause]) -> Refusal | None:
    found = {row.number for row in rows}
    missing = [number for number in chosen if number not in found]
    return clauses_status_refusal(role, [(row.number, row.status) for row in rows], missing, ref.frozen_refusal)


def set_clauses_status(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, numbers: Iterable[str], status: str
) -> list[tuple[str, str]]:
    """The chair marks several clauses of the current version agreed ad referendum (or reopens
    them) at once: all of them in one transaction, one audit event per clause changed, or none
    when the rule refuses any one of them. Returns each clause's number and status, in order."""
    membership = user.member_of(group_slug)
    chosen = _chosen(numbers)
    with write_transaction(session):
        ref = version_in_group(session, group_slug, document_slug)
        rows = _clauses_numbered(session, ref.version_id, chosen)
        _refuse(_batch_refusal(membership.role, ref, chosen, rows))
        fields = Fields()
        status = fields.choice("status", status, _("The status"), CLAUSE_STATUSES)
        fields.done()
        for row in rows:
            if row.status == status:
                continue
            previous, row.status = row.status, status
            session.add(row)
            audit.record(
                session,
                user.actor(group_slug),
                "clause.status",
                "clause",
                row.id,
                group_id=ref.group_id,
                details={"document": document_slug, "clause": row.number, "from": previous, "to": status},
            )
        return [(row.number, row.status) for row in rows]


# --- reading -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    position: str
    text: str
    stale: bool
    stated_at: datetime
    by_round: bool


@dataclass(slots=True)
class ClauseSummary:
    number: str
    heading: str
    status: str
    lineage: str
    text: str = ""
    """The clause's words now: positions stated on other words are stale."""
    counts: Counter[str] = field(default_factory=Counter)
    objecting: list[str] = field(default_factory=list)
    reserving: list[str] = field(default_factory=list)
    silent: int = 0

    @property
    def contested(self) -> bool:
        return bool(self.objecting)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    code: str
    name: str
    voting_status: str
    cells: dict[str, Cell]
    """Keyed by lineage; the document-level position under the key ``""``."""


@dataclass(frozen=True, slots=True)
class Matrix:
    version: VersionRef
    clauses: list[ClauseSummary]
    rows: list[MatrixRow]
    document: ClauseSummary
    contested_only: bool
    silent_only: bool


def _latest_positions(
    session: Session, document_id: int, lineages: Collection[str] | None = None
) -> list[tuple[Position, str | None, int]]:
    """The latest position of every delegation on every clause (and the document), or on the
    clauses of these ``lineages`` only, with the text of the clause it was stated on and the version
    it was stated on."""
    conditions = [col(Position.document_id) == document_id]
    if lineages is not None:
        conditions.append(col(Position.lineage).in_(lineages))
    latest = (
        select(func.max(col(Position.id)).label("id"))
        .where(*conditions)
        .group_by(col(Position.delegation_id), col(Position.lineage))
        .subquery()
    )
    rows = session.execute(
        select(Position, col(Clause.text), col(Version.number))
        .join(latest, latest.c.id == col(Position.id))
        .join(Version, col(Version.id) == col(Position.version_id))
        .outerjoin(Clause, col(Clause.id) == col(Position.clause_id))
    ).all()
    return [(position, text, number) for position, text, number in rows]


def _cells(
    session: Session, ref: VersionRef, current_text: Mapping[str, str], *, only: bool = False
) -> dict[int, dict[str, Cell]]:
    """The latest position of each delegation (by id) on each clause of ``ref`` (by lineage, with
    ``current_text``) and on the whole document (``""``), marked stale where it was stated on other
    text; positions on clauses deleted since are left out. With ``only``, the positions on the
    clauses of ``current_text`` alone are read."""
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    lineages = [key for key in current_text if key] if only else None
    for position, stated_text, stated_version in _latest_positions(session, ref.document_id, lineages):
        key = position.lineage or ""
        if key and key not in current_text:
            continue  # a clause deleted since
        stale = not on_the_same_text(stated_version, stated_text, ref.number, current_text[key] if key else None)
        cells[position.delegation_id][key] = Cell(
            position.position, position.text, stale, position.stated_at, position.round_id is not None
        )
    return cells


def _summaries(session: Session, version_id: int) -> dict[str, ClauseSummary]:
    """A summary, nothing counted yet, of each clause of the version, by lineage and in order."""
    return {
        lineage: ClauseSummary(number, heading, status, lineage, text)
        for number, heading, status, lineage, text in session.execute(
            select(col(Clause.number), col(Clause.heading), col(Clause.status), col(Clause.lineage), col(Clause.text))
            .where(col(Clause.version_id) == version_id)
            .order_by(col(Clause.position))
        ).all()
    }


def _count(summary: ClauseSummary, delegation: str, cell: Cell | None) -> None:
    """Count one delegation's position (or its silence) into a summary."""
    if cell is None:
        summary.silent += 1
        return
    summary.counts[cell.position] += 1
    if cell.position == PositionKind.objection:
        summary.objecting.append(delegation)
    elif cell.position == PositionKind.reservation:
        summary.reserving.append(delegation)


def agreement_matrix(
    session: Session, group_slug: str, document_slug: str, *, contested_only: bool = False, silent_only: bool = False
) -> Matrix:
    """Delegations down, clauses of the current version across, the latest position in each cell;
    positions stated on text that has since changed are marked stale."""
    ref = version_in_group(session, group_slug, document_slug)
    summaries = _summaries(session, ref.version_id)
    document_summary = ClauseSummary("", _("The whole document"), "", "")
    delegations = session.execute(
        select(col(Delegation.id), col(Delegation.code), col(Delegation.name), col(Delegation.voting_status))
        .where(col(Delegation.group_id) == ref.group_id)
        .order_by(col(Delegation.name))
    ).all()
    cells = _cells(session, ref, {lineage: summary.text for lineage, summary in summaries.items()})
    rows = []
    for d_id, code, name, status in delegations:
        mine = cells.get(d_id, {})
        for key, summary in [*summaries.items(), ("", document_summary)]:
            _count(summary, name, mine.get(key))
        rows.append(MatrixRow(code, name, status, mine))
    clauses = list(summaries.values())
    if contested_only:
        clauses = [c for c in clauses if c.contested]
    if silent_only:
        rows = [row for row in rows if not row.cells]
    return Matrix(ref, clauses, rows, document_summary, contested_only, silent_only)


def matrix_csv(matrix: Matrix) -> str:
    """The matrix as CSV: one row per delegation, one column per clause (stale positions marked)."""
    header = ["Delegation", "Code", _("Whole document"), *[c.number for c in matrix.clauses]]
    rows = (
        [row.name, row.code, _csv_cell(row, ""), *[_csv_cell(row, c.lineage) for c in matrix.clauses]]
        for row in matrix.rows
    )
    return csv_table(header, rows)


def _csv_cell(row: MatrixRow, key: str) -> str:
    found = row.cells.get(key)
    if found is None:
        return ""
    return found.position + (" (stale)" if found.stale else "")


@dataclass(frozen=True, slots=True)
class PositionHistoryItem:
    position: str
    text: str
    stated_at: datetime
    stated_by: str
    version: int
    by_round: bool


def my_positions(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, ref: VersionRef | None = None
) -> dict[str, Cell]:
    """The viewer's delegation's latest positions on the current version, by lineage ('' = document)."""
    membership = user.member_of(group_slug)
    if membership.delegation_id is None:
        return {}
    ref = ref if ref is not None and not ref.superseded else version_in_group(session, group_slug, document_slug)
    current_text = dict(
        session.execute(
            select(col(Clause.lineage), col(Clause.text)).where(col(Clause.version_id) == ref.version_id)
        ).all()
    )
    return _cells(session, ref, current_text).get(membership.delegation_id, {})


def position_history(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, lineage: str | None
) -> list[PositionHistoryItem]:
    """Every position the viewer's delegation stated on one clause (or the document), newest first."""
    membership = user.member_of(group_slug)
    if membership.delegation_id is None:
        return []
    ref = version_in_group(session, group_slug, document_slug)
    condition = col(Position.lineage).is_(None) if lineage is None else col(Position.lineage) == lineage
    rows = session.execute(
        select(Position, col(User.name), col(Version.number))
        .outerjoin(User, col(User.id) == col(Position.stated_by_id))
        .join(Version, col(Version.id) == col(Position.version_id))
        .where(
            col(Position.document_id) == ref.document_id,
            col(Position.delegation_id) == membership.delegation_id,
            condition,
        )
        .order_by(col(Position.id).desc())
    ).all()
    return [
        PositionHistoryItem(p.position, p.text, p.stated_at, name or "", number, p.round_id is not None)
        for p, name, number in rows
    ]


# --- the positions the chair weighs ------------------------------------------------------------------

POSITION_ORDER = {kind: rank for rank, kind in enumerate(["objection", "reservation", "accept", "support"])}
"""Objections first, then reservations: what stands in the way of agreement leads."""


@dataclass(frozen=True, slots=True)
class StandingPosition:
    """A delegation's latest position on a clause, with its text."""

    code: str
    name: str
    position: str
    text: str
    stale: bool
    """Stated on other words of the clause than those it has now."""
    stated_at: datetime
    by_round: bool


def _delegations(session: Session, group_id: int) -> dict[int, tuple[str, str]]:
    """The group's delegations, code and name by id, in the order of their names."""
    return {
        d_id: (code, name)
        for d_id, code, name in session.execute(
            select(col(Delegation.id), col(Delegation.code), col(Delegation.name))
            .where(col(Delegation.group_id) == group_id)
            .order_by(col(Delegation.name))
        ).all()
    }


def _standing(
    session: Session, ref: VersionRef, current_text: Mapping[str, str], delegations: Mapping[int, tuple[str, str]]
) -> dict[str, list[StandingPosition]]:
    """Every delegation's latest position on each clause of ``current_text`` (lineage -> words now),
    objections first, then reservations, accepts and supports, each by delegation name."""
    standing: dict[str, list[StandingPosition]] = defaultdict(list)
    for d_id, cells in _cells(session, ref, current_text, only=True).items():
        if d_id not in delegations:
            continue
        code, name = delegations[d_id]
        for lineage, cell in cells.items():
            standing[lineage].append(
                StandingPosition(code, name, cell.position, cell.text, cell.stale, cell.stated_at, cell.by_round)
            )
    for positions in standing.values():
        positions.sort(key=lambda p: (POSITION_ORDER.get(p.position, len(POSITION_ORDER)), p.name))
    return standing


@dataclass(frozen=True, slots=True)
class ClausePositions:
    """Where the delegations stand on one clause of the current version."""

    positions: list[StandingPosition]
    silent: int
    """Delegations that stated nothing on it."""

    @property
    def weighed(self) -> list[StandingPosition]:
        """The objections and reservations, with their texts."""
        return [p for p in self.positions if p.position in NEEDS_TEXT]


def clause_positions(session: Session, clause: ClauseRef) -> ClausePositions:
    """Every delegation's latest position on a clause, with its text (two queries)."""
    delegations = _delegations(session, clause.version.group_id)
    positions = _standing(session, clause.version, {clause.lineage: clause.text}, delegations).get(clause.lineage, [])
    return ClausePositions(positions, len(delegations) - len(positions))


def positions_on(session: Session, ref: VersionRef, clauses: Mapping[str, str]) -> dict[str, ClausePositions]:
    """Where the delegations stand on each of these clauses of ``ref`` (lineage -> words now), by
    lineage (two queries, however many clauses)."""
    delegations = _delegations(session, ref.group_id)
    standing = _standing(session, ref, clauses, delegations)
    return {
        lineage: ClausePositions(standing.get(lineage, []), len(delegations) - len(standing.get(lineage, [])))
        for lineage in clauses
    }


@dataclass(frozen=True, slots=True)
class ChosenClause:
    number: str
    heading: str
    status: str
    standing: list[StandingPosition]
    """The objections and reservations still standing on it."""


@dataclass(frozen=True, slots=True)
class AgreementBatch:
    """Clauses the chair chose to mark agreed, with what still stands against each, and why the
    batch would be refused (``refusal``) or None."""

    version: VersionRef
    clauses: list[ChosenClause]
    refusal: Refusal | None

    @property
    def why_not(self) -> str:
        return refusal_text(self.refusal) if self.refusal is not None else ""

    @property
    def to_change(self) -> list[ChosenClause]:
        return [c for c in self.clauses if c.status != ClauseStatus.agreed_ad_ref]


def agreement_batch(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, numbers: Iterable[str]
) -> AgreementBatch:
    """What marking these clauses agreed would do, for the chair to confirm: each clause with the
    objections and reservations standing on it, and the rule's refusal, if any (nothing written)."""
    membership = user.member_of(group_slug)
    ref = version_in_group(session, group_slug, document_slug)
    chosen = _chosen(numbers)
    rows = _clauses_numbered(session, ref.version_id, chosen)
    standing = _standing(session, ref, {row.lineage: row.text for row in rows}, _delegations(session, ref.group_id))
    clauses = [
        ChosenClause(
            row.number,
            row.heading,
            row.status,
            [p for p in standing.get(row.lineage, []) if p.position in NEEDS_TEXT],
        )
        for row in rows
    ]
    return AgreementBatch(ref, clauses, _batch_refusal(membership.role, ref, chosen, rows))


@dataclass(frozen=True, slots=True)
class PositionDetail:
    """One delegation's latest position on one clause (or, with no number, the whole document)."""

    version: VersionRef
    code: str
    name: str
    number: str
    heading: str
    position: StandingPosition | None


def delegation_position(
    session: Session, group_slug: str, document_slug: str, code: str, number: str | None
) -> PositionDetail:
    """What a delegation stands on, on a clause of the current version (or the whole document):
    the cell of the agreement matrix, opened."""
    if number:
        clause = clause_in_group(session, group_slug, document_slug, number)
        ref, lineage, text, heading = clause.version, clause.lineage, clause.text, clause.heading
    else:
        ref, lineage, text, heading = version_in_group(session, group_slug, document_slug), "", "", ""
    found = session.execute(
        select(col(Delegation.id), col(Delegation.name)).where(
            col(Delegation.group_id) == ref.group_id, col(Delegation.code) == code
        )
    ).one_or_none()
    if found is None:
        raise NotFound(_("There is no delegation {code} in this group.").format(code=code))
    d_id, name = found
    if lineage:
        standing = _standing(session, ref, {lineage: text}, {d_id: (code, name)}).get(lineage, [])
        position = standing[0] if standing else None
    else:
        cell = _cells(session, ref, {}).get(d_id, {}).get("")
        position = (
            StandingPosition(code, name, cell.position, cell.text, cell.stale, cell.stated_at, cell.by_round)
            if cell is not None
            else None
        )
    return PositionDetail(ref, code, name, number or "", heading, position)
