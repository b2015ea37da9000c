"""Setting a group up in the browser: a new working group with its secretariat, its delegations
(added, changed, removed, or imported from a spreadsheet), and the invitations still pending."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, ScalarSelect, delete, func, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.audit.consistency import delegation_details
from consensus.audit.services import Actor
from consensus.core.refusal import Refusal
from consensus.core.setup import (
    DELEGATION_COLUMNS,
    MEMBER_COLUMNS,
    DelegationInput,
    DelegationUse,
    GroupInput,
    delegation_of_row,
    delegation_refusals,
    flag_of,
    group_refusals,
    read_sheet,
    removal_refusal,
    weight_of,
)
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, Invalid, NotFound, refusal_error, refusal_text
from consensus.groups.services import NewMember, PreparedInvitation, invite
from consensus.i18n import _
from consensus.lookups import group_by_slug
from consensus.models import (
    Amendment,
    AmendmentSponsor,
    Comment,
    Delegation,
    Invitation,
    Membership,
    Position,
    Role,
    RoundElector,
    User,
    WorkingGroup,
)


def field_errors(refusals: list[Refusal]) -> dict[str, str]:
    """The refusals field by field, in the reader's language (the first one of each field)."""
    errors: dict[str, str] = {}
    for refusal in refusals:
        errors.setdefault(refusal.field, refusal_text(refusal))
    return errors


def _refuse(refusals: list[Refusal]) -> None:
    if refusals:
        raise Invalid(field_errors(refusals))


# --- a new working group ---------------------------------------------------------------------------


def group_problems(session: Session, group: GroupInput) -> dict[str, str]:
    """What is wrong with a new group, for the form (the same rule refuses it on save)."""
    return field_errors(group_refusals(group, _slug_taken(session, group.slug)))


def _slug_taken(session: Session, slug: str) -> bool:
    return session.execute(select(col(WorkingGroup.id)).where(col(WorkingGroup.slug) == slug)).first() is not None


@dataclass(frozen=True, slots=True)
class CreatedGroup:
    slug: str
    invitation: PreparedInvitation | None
    """The secretariat's invitation (None when the administrator named themselves and joined at once)."""


def create_group(
    session: Session,
    group: GroupInput,
    secretariat: NewMember | None,
    user: CurrentUser,
    *,
    invitation_days: int,
) -> CreatedGroup:
    """A new working group and its secretariat, in one transaction with their audit events. An
    administrator who names themselves becomes its secretariat at once; anyone else is invited."""
    actor = user.actor()
    with write_transaction(session):
        _refuse(group_refusals(group, _slug_taken(session, group.slug)))
        row = WorkingGroup(
            slug=group.slug,
            name=group.name.strip(),
            description=group.description.strip(),
            observers_may_comment=group.observers_may_comment,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session,
            actor,
            "group.create",
            "group",
            row.id,
            group_id=row.id,
            details={"slug": row.slug, "name": row.name, "observers_may_comment": row.observers_may_comment},
        )
        invitation = None
        if secretariat is not None and secretariat.email.strip().lower() == user.email.lower():
            session.add(Membership(group_id=row.id, user_id=user.id, role=Role.secretariat.value))
            audit.record(session, actor, "member.join", "group", row.id, group_id=row.id, details={"email": user.email})
        elif secretariat is not None:
            invitation = invite(session, row, secretariat, actor, invitation_days=invitation_days)
    return CreatedGroup(group.slug, invitation)


# --- delegations -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DelegationView:
    """A delegation as the secretariat edits it, with why it may not be removed (None: it may)."""

    code: str
    name: str
    weight: Decimal
    voting_status: str
    use: DelegationUse
    removal_refusal: Refusal | None


def _delegation(session: Session, group_id: int, code: str) -> Delegation:
    delegation: Delegation | None = session.execute(
        select(Delegation).where(col(Delegation.group_id) == group_id, col(Delegation.code) == code)
    ).scalar_one_or_none()
    if delegation is None:
        raise NotFound(_("There is no delegation {code} in this group.").format(code=code[:16]))
    return delegation


def _count_of(table: type, column: str, delegation_id: int, *conditions: ColumnElement[bool]) -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(table)
        .where(getattr(table, column) == delegation_id, *conditions)
        .scalar_subquery()
    )


def delegation_use(session: Session, delegation_id: int) -> DelegationUse:
    """What a delegation takes part in, in one query."""
    pending = (col(Invitation.used_at).is_(None), col(Invitation.expires_at) > utcnow())
    members, invitations, comments, amendments, sponsors, positions, electors = session.execute(
        select(
            _count_of(Membership, "delegation_id", delegation_id),
            _count_of(Invitation, "delegation_id", delegation_id, *pending),
            _count_of(Comment, "delegation_id", delegation_id),
            _count_of(Amendment, "delegation_id", delegation_id),
            _count_of(AmendmentSponsor, "delegation_id", delegation_id),
            _count_of(Position, "delegation_id", delegation_id),
            _count_of(RoundElector, "delegation_id", delegation_id),
        )
    ).one()
    return DelegationUse(members, invitations, comments + amendments + sponsors + positions + electors)


def read_delegation(session: Session, group_slug: str, code: str) -> DelegationView:
    """One delegation of a group, for the page where the secretariat changes or removes it."""
    group = group_by_slug(session, group_slug)
    assert group.id is not None
    delegation = _delegation(session, group.id, code)
    assert delegation.id is not None
    use = delegation_use(session, delegation.id)
    return DelegationView(
        delegation.code, delegation.name, delegation.weight, delegation.voting_status, use, removal_refusal(use)
    )


def _codes(session: Session, group_id: int) -> set[str]:
    return set(session.execute(select(col(Delegation.code)).where(col(Delegation.group_id) == group_id)).scalars())


def delegation_problems(session: Session, group_slug: str, delegation: DelegationInput, *, new: bool) -> dict[str, str]:
    """What is wrong with a delegation, for the form (the same rule refuses it on save)."""
    group = group_by_slug(session, group_slug)
    assert group.id is not None
    return field_errors(delegation_refusals(delegation, _codes(session, group.id), new=new))


def add_delegations(session: Session, group_slug: str, delegations: list[DelegationInput], actor: Actor) -> int:
    """New delegations of a group (one, or a list): every one checked before any is written; one
    transaction, one audit event each. Rounds already open keep their frozen electorate."""
    with write_transaction(session):
        group = group_by_slug(session, group_slug)
        _add_delegations(session, group, delegations, actor)
    return len(delegations)


def _add_delegations(session: Session, group: WorkingGroup, delegations: list[DelegationInput], actor: Actor) -> None:
    assert group.id is not None
    taken = _codes(session, group.id)
    problems = {}
    for index, delegation in enumerate(delegations):
        refusals = delegation_refusals(delegation, taken, new=True)
        if refusals:
            problems[index] = field_errors(refusals)
        taken.add(delegation.code)
    if problems:
        raise RowsInvalid(problems)
    rows = [
        Delegation(
            group_id=group.id,
            code=d.code,
            name=d.name.strip(),
            weight=weight_of(d) or Decimal(1),
            voting_status=d.voting_status,
        )
        for d in delegations
    ]
    session.add_all(rows)
    session.flush()
    entries = [audit.Entry("delegation.create", "delegation", row.id, delegation_details(row)) for row in rows]
    audit.record_many(session, actor, entries, group_id=group.id)


class RowsInvalid(Invalid):
    """Some rows of a list are wrong: ``rows`` maps each row's index to its field errors."""

    def __init__(self, rows: dict[int, dict[str, str]]) -> None:
        self.rows = rows
        first = min(rows)
        super().__init__(rows[first], _("{n} of the rows cannot be added.").format(n=len(rows)))


def change_delegation(session: Session, group_slug: str, code: str, delegation: DelegationInput, actor: Actor) -> None:
    """Rename a delegation, change its weight or voting status; one transaction, audited with the
    values before and after. A round already open keeps the electorate frozen when it opened."""
    with write_transaction(session):
        group = group_by_slug(session, group_slug)
        assert group.id is not None
        row = _delegation(session, group.id, code)
        _refuse(delegation_refusals(delegation, (), new=False))
        before = delegation_details(row)
        row.name = delegation.name.strip()
        row.weight = weight_of(delegation) or row.weight
        row.voting_status = delegation.voting_status
        after = delegation_details(row)
        if before == after:
            return
        session.add(row)
        audit.record(
            session, actor, "delegation.change", "delegation", row.id, group_id=group.id,
            details={"code": code, "before": before, "after": after},
        )  # fmt: skip


def remove_delegation(session: Session, group_slug: str, code: str, actor: Actor) -> None:
    """Remove a delegation that nothing refers to yet (one added by mistake); one transaction, audited."""
    with write_transaction(session):
        group = group_by_slug(session, group_slug)
        assert group.id is not None
        row = _delegation(session, group.id, code)
        assert row.id is not None
        refusal = removal_refusal(delegation_use(session, row.id))
        if refusal is not None:
            raise refusal_error(refusal)
        audit.record(
            session, actor, "delegation.remove", "delegation", row.id, group_id=group.id,
            details=delegation_details(row),
        )  # fmt: skip
        session.execute(delete(Invitation).where(col(Invitation.delegation_id) == row.id))
        session.delete(row)


# --- invitations still pending ---------------------------------------------------------------------


def _pending_invitation(session: Session, group_id: int, invitation_id: int) -> tuple[Invitation, User]:
    row = session.execute(
        select(Invitation, User)
        .join(User, col(User.id) == col(Invitation.user_id))
        .where(
            col(Invitation.id) == invitation_id,
            col(Invitation.group_id) == group_id,
            col(Invitation.used_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFound(_("There is no pending invitation {id} in this group.").format(id=invitation_id))
    return row[0], row[1]


def renew_invitation(
    session: Session, group_slug: str, invitation_id: int, actor: Actor, *, invitation_days: int
) -> PreparedInvitation:
    """A fresh link for a pending (or expired) invitation, to the same seat; the old link stops
    working (only a link's hash is kept, so the old one cannot be shown again)."""
    with write_transaction(session):
        group = group_by_slug(session, group_slug)
        assert group.id is not None
        invitation, user = _pending_invitation(session, group.id, invitation_id)
        code = ""
        if invitation.delegation_id is not None:
            code = session.execute(
                select(col(Delegation.code)).where(col(Delegation.id) == invitation.delegation_id)
            ).scalar_one()
        again = NewMember(
            email=user.email,
            name=invitation.name or user.name,
            role=invitation.role,
            delegation=code,
            head=invitation.is_head,
        )
        return invite(session, group, again, actor, invitation_days=invitation_days)


def cancel_invitation(session: Session, group_slug: str, invitation_id: int, actor: Actor) -> str:
    """Withdraw a pending invitation (its link stops working); one transaction, audited. Returns the
    address it was for."""
    with write_transaction(session):
        group = group_by_slug(session, group_slug)
        assert group.id is not None
        invitation, user = _pending_invitation(session, group.id, invitation_id)
        audit.record(
            session, actor, "member.uninvite", "invitation", invitation.id, group_id=group.id,
            details={"email": user.email},
        )  # fmt: skip
        session.delete(invitation)
        return user.email


# --- importing a list of delegations or members ----------------------------------------------------

IMPORT_KINDS = {
    "delegations": (DELEGATION_COLUMNS, ("code", "name")),
    "members": (MEMBER_COLUMNS, ("email", "name", "role")),
}


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """A row of an imported list: its line in the file, its cells, what is wrong with it, and (once
    written, for a member) the invitation prepared."""

    line: int
    values: dict[str, str]
    errors: dict[str, str]
    invitation: PreparedInvitation | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: str
    rows: tuple[ImportedRow, ...]
    written: bool

    @property
    def faulty(self) -> int:
        return sum(1 for row in self.rows if row.errors)


class _NothingWritten(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def import_sheet(
    session: Session,
    group_slug: str,
    kind: str,
    text: str,
    actor: Actor,
    *,
    invitation_days: int,
    write: bool,
) -> ImportReport:
    """Delegations or members from a CSV file, all or nothing. The preview (``write`` False) runs the
    very same writes and rolls them back, so it refuses exactly what saving would."""
    if kind not in IMPORT_KINDS:
        raise NotFound(_("There is no list {kind} to import.").format(kind=kind[:20]))
    columns, required = IMPORT_KINDS[kind]
    sheet = read_sheet(text, columns, required)
    if sheet.refusal is not None:
        raise refusal_error(sheet.refusal)
    try:
        with write_transaction(session):
            group = group_by_slug(session, group_slug)
            if kind == "delegations":
                rows = _import_delegations(session, group, sheet.rows, actor)
            else:
                rows = _import_members(session, group, sheet.rows, actor, invitation_days)
            report = ImportReport(kind, rows, written=write)
            if not write or report.faulty:
                raise _NothingWritten(ImportReport(kind, rows, written=False))
    except _NothingWritten as held:
        return held.report
    return report


def _import_delegations(
    session: Session, group: WorkingGroup, cells: tuple[dict[str, str], ...], actor: Actor
) -> tuple[ImportedRow, ...]:
    delegations = [delegation_of_row(row) for row in cells]
    problems: dict[int, dict[str, str]] = {}
    try:
        _add_delegations(session, group, delegations, actor)
    except RowsInvalid as refused:
        problems = refused.rows
    return tuple(ImportedRow(i + 2, row, problems.get(i, {})) for i, row in enumerate(cells))


def _import_members(
    session: Session, group: WorkingGroup, cells: tuple[dict[str, str], ...], actor: Actor, invitation_days: int
) -> tuple[ImportedRow, ...]:
    # One savepoint per row: a refused row leaves nothing behind, and the rows after it are still
    # checked (against the ones before, e.g. two heads for one delegation).
    rows = []
    for i, row in enumerate(cells):
        member = NewMember(
            email=row.get("email", ""),
            name=row.get("name", ""),
            role=row.get("role", "").lower(),
            delegation=row.get("delegation", "").upper(),
            head=flag_of(row.get("head", "")),
        )
        savepoint = session.begin_nested()
        try:
            invitation = invite(session, group, member, actor, invitation_days=invitation_days)
        except Invalid as refused:
            savepoint.rollback()
            rows.append(ImportedRow(i + 2, row, refused.errors))
            continue
        except Conflict as refused:
            savepoint.rollback()
            rows.append(ImportedRow(i + 2, row, {"email": refused.message}))
            continue
        savepoint.commit()
        rows.append(ImportedRow(i + 2, row, {}, invitation))
    return tuple(rows)
