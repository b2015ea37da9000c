"""Stating positions, the agreement matrix (with stale positions), and marking clauses agreed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.audit import services as audit
from consensus.core.positions import clause_status_refusal, on_the_same_text, position_refusal
from consensus.core.refusal import Refusal
from consensus.core.spreadsheet import csv_table
from consensus.db import write_transaction
from consensus.errors import refusal_error
from consensus.i18n import _
from consensus.lookups import VersionRef, clause_in_group, version_in_group
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
    membership = user.member_of(group_slug)
    with write_transaction(session):
        clause = clause_in_group(session, group_slug, document_slug, number)
        _refuse(clause_status_refusal(membership.role, clause.number, clause.status, clause.version.frozen_refusal))
        fields = Fields()
        status = fields.choice("status", status, _("The status"), CLAUSE_STATUSES)
        fields.done()
        if clause.status == status:
            return status
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
    return status


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


def _latest_positions(session: Session, document_id: int) -> list[tuple[Position, str | None, int]]:
    """The latest position of every delegation on every clause (and the document), with the text
    of the clause it was stated on and the version it was stated on."""
    latest = (
        select(func.max(col(Position.id)).label("id"))
        .where(col(Position.document_id) == document_id)
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


def _cells(session: Session, ref: VersionRef, current_text: Mapping[str, str]) -> dict[int, dict[str, Cell]]:
    """The latest position of each delegation (by id) on each clause of ``ref`` (by lineage, with
    ``current_text``) and on the whole document (``""``), marked stale where it was stated on other
    text; positions on clauses deleted since are left out."""
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    for position, stated_text, stated_version in _latest_positions(session, ref.document_id):
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
