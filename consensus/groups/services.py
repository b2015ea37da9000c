"""Setting up working groups from files, adding members, and reading a group."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, SQLModel, col

from consensus.accounts.identity import CurrentUser
from consensus.accounts.passwords import hash_password, password_problem
from consensus.accounts.services import issue_invitation, normalise_email
from consensus.audit import services as audit
from consensus.audit.services import Actor
from consensus.core.groupfile import CONTROL, EMAIL, ROLES, GroupFile
from consensus.core.membership import (
    Seat,
    change_problems,
    head_problem,
    invitation_sets_password,
    leaving_secretariat_problem,
    seat_problems,
)
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, Invalid, NotFound
from consensus.i18n import _
from consensus.models import (
    Clause,
    Delegation,
    Document,
    Invitation,
    Membership,
    Role,
    User,
    Version,
    WorkingGroup,
)

# --- loading a group file ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What loading a group file changed (all zero when the file was already loaded)."""

    group: str
    created: dict[str, int]
    updated: dict[str, int]
    passwords_kept: tuple[str, ...] = ()
    """Existing accounts for which the file gives a password: they keep their own."""

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _set(row: object, counts: dict[str, int], key: str, **values: object) -> None:
    """Assign values to a row, counting an existing row as updated when anything differs."""
    changed = False
    for name, value in values.items():
        if getattr(row, name, None) != value:
            setattr(row, name, value)
            changed = True
    is_new = getattr(row, "id", None) is None
    if changed and not is_new:
        counts[key] = counts.get(key, 0) + 1


def _password_hashes(session: Session, spec: GroupFile) -> dict[str, str]:
    """Hashes for the passwords of the accounts the file will create.

    An existing account keeps its own password whatever the file says, so no hash is made for it.
    Hashing is deliberately slow, so it happens before the write transaction opens.
    """
    existing = set(
        session.execute(select(col(User.email)).where(col(User.email).in_([u.email for u in spec.users]))).scalars()
    )
    session.rollback()
    return {u.email: hash_password(u.password) for u in spec.users if u.password and u.email not in existing}


def load_group_file(session: Session, spec: GroupFile, actor: Actor, source: str) -> LoadReport:
    """Create or bring up to date a whole group from a checked file, in one transaction.

    Loading the same file twice changes nothing. Passwords are hashed before the transaction
    opens so the write lock is held briefly.
    """
    hashes = _password_hashes(session, spec)
    created = {"groups": 0, "delegations": 0, "users": 0, "memberships": 0, "documents": 0, "versions": 0}
    updated: dict[str, int] = {}
    with write_transaction(session):
        group = session.execute(
            select(WorkingGroup).where(col(WorkingGroup.slug) == spec.group.slug)
        ).scalar_one_or_none()
        if group is None:
            group = WorkingGroup(slug=spec.group.slug, name=spec.group.name)
            created["groups"] += 1
        _set(
            group,
            updated,
            "groups",
            name=spec.group.name,
            description=spec.group.description,
            observers_may_comment=spec.group.observers_may_comment,
        )
        session.add(group)
        session.flush()
        assert group.id is not None

        existing_delegations = {
            d.code: d for d in session.execute(select(Delegation).where(col(Delegation.group_id) == group.id)).scalars()
        }
        delegations: dict[str, Delegation] = {}
        for d_spec in spec.delegations:
            delegation = existing_delegations.get(d_spec.code)
            if delegation is None:
                delegation = Delegation(group_id=group.id, code=d_spec.code, name=d_spec.name)
                created["delegations"] += 1
            _set(
                delegation,
                updated,
                "delegations",
                name=d_spec.name,
                weight=d_spec.weight,
                voting_status=d_spec.voting_status,
            )
            session.add(delegation)
            delegations[d_spec.code] = delegation
        session.flush()

        emails = [u.email for u in spec.users]
        kept: list[str] = []
        users = {u.email: u for u in session.execute(select(User).where(col(User.email).in_(emails))).scalars()}
        memberships = {
            m.user_id: m
            for m in session.execute(select(Membership).where(col(Membership.group_id) == group.id)).scalars()
        }
        for u_spec in spec.users:
            user = users.get(u_spec.email)
            if user is None:
                user = User(email=u_spec.email, name=u_spec.name, password_hash=hashes.get(u_spec.email))
                created["users"] += 1
                session.add(user)
                users[u_spec.email] = user
            else:
                # A file never changes the password of an account that exists: whoever holds the
                # file (or wrote it for another group) must not be able to take the account over.
                _set(user, updated, "users", name=u_spec.name)
                if u_spec.password:
                    kept.append(u_spec.email)
        session.flush()
        # Heads that the file takes away are cleared first, so a head moving between users never
        # trips the one-head-per-delegation index. Members the file does not mention keep their
        # head flag unless the file names another head for their delegation.
        spec_by_user = {users[u.email].id: u for u in spec.users}
        claimed = {delegations[u.delegation].id for u in spec.users if u.head and u.delegation}
        for membership in memberships.values():
            listed = spec_by_user.get(membership.user_id)
            loses = (listed is not None and not listed.head) or (listed is None and membership.delegation_id in claimed)
            if membership.is_head and loses:
                membership.is_head = False
                session.add(membership)
                updated["memberships"] = updated.get("memberships", 0) + 1
        session.flush()
        for u_spec in spec.users:
            user = users[u_spec.email]
            membership = memberships.get(user.id)
            if membership is None:
                membership = Membership(group_id=group.id, user_id=user.id, role=u_spec.role)
                created["memberships"] += 1
            delegation_id = delegations[u_spec.delegation].id if u_spec.delegation else None
            _set(
                membership,
                updated,
                "memberships",
                role=u_spec.role,
                delegation_id=delegation_id,
                is_head=u_spec.head,
            )
            session.add(membership)
        session.flush()

        for doc_spec in spec.documents:
            document = session.execute(
                select(Document).where(col(Document.group_id) == group.id, col(Document.slug) == doc_spec.slug)
            ).scalar_one_or_none()
            if document is None:
                document = Document(group_id=group.id, slug=doc_spec.slug, title=doc_spec.title)
                created["documents"] += 1
            _set(
                document, updated, "documents", title=doc_spec.title, status=doc_spec.status, language=doc_spec.language
            )
            session.add(document)
            session.flush()
            latest = session.execute(
                select(Version)
                .where(col(Version.document_id) == document.id)
                .order_by(col(Version.number).desc())
                .limit(1)
            ).scalar_one_or_none()
            current = (
                list(
                    session.execute(
                        select(Clause).where(col(Clause.version_id) == latest.id).order_by(col(Clause.position))
                    ).scalars()
                )
                if latest
                else []
            )
            wanted = [(c.number, c.heading, c.text) for c in doc_spec.clauses]
            if [(c.number, c.heading, c.text) for c in current] == wanted:
                continue
            # The file's text differs from the latest version: it becomes the next version, and
            # clauses keep their lineage where the number is the same.
            lineage_by_number = {c.number: c.lineage for c in current}
            now = utcnow()
            if latest is not None:
                latest.superseded_at = now
                session.add(latest)
            version = Version(
                document_id=document.id,  # type: ignore[arg-type]
                number=(latest.number + 1) if latest else 1,
                note=_("Loaded from {source}").format(source=source),
                created_at=now,
            )
            session.add(version)
            session.flush()
            session.add_all(
                Clause(
                    version_id=version.id,  # type: ignore[arg-type]
                    position=position,
                    number=c.number,
                    heading=c.heading,
                    text=c.text,
                    lineage=lineage_by_number.get(c.number) or str(uuid.uuid4()),
                )
                for position, c in enumerate(doc_spec.clauses)
            )
            created["versions"] += 1

        report = LoadReport(group=spec.group.slug, created=created, updated=updated, passwords_kept=tuple(kept))
        if report.changed:
            audit.record(
                session,
                actor,
                "group.load",
                "working_group",
                group.slug,
                group_id=group.id,
                details={"source": source, "created": created, "updated": updated},
            )
    return report


def group_is_empty(session: Session) -> bool:
    """Whether the database holds no working group yet."""
    return session.execute(select(func.count()).select_from(WorkingGroup)).scalar_one() == 0


# --- reading a group ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DelegationRow:
    code: str
    name: str
    weight: Decimal
    voting_status: str
    members: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    user_id: int
    name: str
    email: str
    role: str
    delegation_code: str
    delegation_name: str
    is_head: bool
    has_password: bool


@dataclass(frozen=True, slots=True)
class DocumentRow:
    slug: str
    title: str
    status: str
    version: int
    clauses: int


@dataclass(frozen=True, slots=True)
class InvitationRow:
    """An invitation not yet accepted: the name the secretariat gave, and the seat it offers."""

    email: str
    name: str
    role: str
    delegation_name: str
    is_head: bool
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class GroupView:
    id: int
    slug: str
    name: str
    description: str
    observers_may_comment: bool
    delegations: list[DelegationRow]
    members: list[MemberRow]
    documents: list[DocumentRow]
    invitations: list[InvitationRow]
    """Pending invitations (unused, not expired), oldest first."""


def pending_invitations(session: Session, group_id: int) -> list[InvitationRow]:
    """The group's invitations still waiting to be accepted."""
    return [
        InvitationRow(
            email, invitation.name, invitation.role, delegation_name or "", invitation.is_head, invitation.expires_at
        )
        for invitation, email, delegation_name in session.execute(
            select(Invitation, col(User.email), col(Delegation.name))
            .join(User, col(User.id) == col(Invitation.user_id))
            .outerjoin(Delegation, col(Delegation.id) == col(Invitation.delegation_id))
            .where(
                col(Invitation.group_id) == group_id,
                col(Invitation.used_at).is_(None),
                col(Invitation.expires_at) > utcnow(),
            )
            .order_by(col(Invitation.id))
        ).all()
    ]


def _group(session: Session, slug: str) -> WorkingGroup:
    group = session.execute(select(WorkingGroup).where(col(WorkingGroup.slug) == slug)).scalar_one_or_none()
    if group is None:
        raise NotFound(_("There is no working group {slug}.").format(slug=slug))
    return group


def documents_of(session: Session, group_ids: list[int]) -> dict[int, list[DocumentRow]]:
    """Documents of several groups with their latest version number and clause count (one query)."""
    latest = (
        select(col(Version.document_id), func.max(col(Version.number)).label("number"))
        .group_by(col(Version.document_id))
        .subquery()
    )
    clause_counts = (
        select(col(Clause.version_id), func.count().label("clauses")).group_by(col(Clause.version_id)).subquery()
    )
    rows = session.execute(
        select(Document, latest.c.number, clause_counts.c.clauses)
        .join(latest, latest.c.document_id == col(Document.id))
        .join(Version, (col(Version.document_id) == col(Document.id)) & (col(Version.number) == latest.c.number))
        .outerjoin(clause_counts, clause_counts.c.version_id == col(Version.id))
        .where(col(Document.group_id).in_(group_ids))
        .order_by(col(Document.title))
    ).all()
    by_group: dict[int, list[DocumentRow]] = {gid: [] for gid in group_ids}
    for document, number, clauses in rows:
        by_group[document.group_id].append(
            DocumentRow(document.slug, document.title, document.status, number, clauses or 0)
        )
    return by_group


def read_group(session: Session, slug: str) -> GroupView:
    """A group with its delegations, members by role and documents."""
    group = _group(session, slug)
    assert group.id is not None
    member_counts = dict(
        session.execute(
            select(col(Membership.delegation_id), func.count())
            .where(col(Membership.group_id) == group.id)
            .group_by(col(Membership.delegation_id))
        ).all()
    )
    delegations = [
        DelegationRow(d.code, d.name, d.weight, d.voting_status, member_counts.get(d.id, 0))
        for d in session.execute(
            select(Delegation).where(col(Delegation.group_id) == group.id).order_by(col(Delegation.name))
        ).scalars()
    ]
    role_order = {role: i for i, role in enumerate(ROLES)}
    members = sorted(
        (
            MemberRow(
                user_id=user.id,
                name=user.name,
                email=user.email,
                role=membership.role,
                delegation_code=delegation.code if delegation else "",
                delegation_name=delegation.name if delegation else "",
                is_head=membership.is_head,
                has_password=user.password_hash is not None,
            )
            for membership, user, delegation in session.execute(
                select(Membership, User, Delegation)
                .join(User, col(User.id) == col(Membership.user_id))
                .outerjoin(Delegation, col(Delegation.id) == col(Membership.delegation_id))
                .where(col(Membership.group_id) == group.id)
            ).all()
        ),
        key=lambda m: (role_order.get(m.role, 9), m.delegation_name, not m.is_head, m.name),
    )
    return GroupView(
        id=group.id,
        slug=group.slug,
        name=group.name,
        description=group.description,
        observers_may_comment=group.observers_may_comment,
        delegations=delegations,
        members=members,
        documents=documents_of(session, [group.id])[group.id],
        invitations=pending_invitations(session, group.id),
    )


@dataclass(frozen=True, slots=True)
class DashboardGroup:
    slug: str
    name: str
    role: str
    delegation_name: str
    is_head: bool
    documents: list[DocumentRow]


def dashboard(session: Session, user: CurrentUser) -> list[DashboardGroup]:
    """The groups a user belongs to, each with its documents."""
    memberships = sorted(user.memberships.values(), key=lambda m: m.group_name)
    documents = documents_of(session, [m.group_id for m in memberships])
    return [
        DashboardGroup(m.group_slug, m.group_name, m.role, m.delegation_name, m.is_head, documents[m.group_id])
        for m in memberships
    ]


# --- adding members -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewMember:
    """What the secretariat (or the command line) asks for when adding a member."""

    email: str
    name: str
    role: str
    delegation: str = ""
    head: bool = False
    password: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedInvitation:
    """What the secretariat is told after adding someone: the same whether or not the address
    already had an account, and never the account holder's own name."""

    email: str
    role: str
    delegation: str
    """The delegation's name ('' when none)."""
    head: bool
    token: str
    """The one-time token of the invitation link (shown once: only its hash is kept)."""
    expires_at: datetime


def _current_head(session: Session, delegation_id: int, *, besides: int | None = None) -> str | None:
    """The name of the delegation's head of delegation, leaving out the member ``besides``."""
    query = (
        select(col(User.name))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.delegation_id) == delegation_id, col(Membership.is_head))
    )
    if besides is not None:
        query = query.where(col(Membership.user_id) != besides)
    return session.execute(query).scalar_one_or_none()


def _delegation(session: Session, group_id: int, code: str, errors: dict[str, str]) -> Delegation | None:
    if not code:
        return None
    delegation = session.execute(
        select(Delegation).where(col(Delegation.group_id) == group_id, col(Delegation.code) == code)
    ).scalar_one_or_none()
    if delegation is None:
        errors["delegation"] = _("There is no delegation {code} in this group.").format(code=code[:16])
    return delegation


def _seat_errors(
    session: Session, group_id: int, seat: Seat, *, besides: int | None = None
) -> tuple[dict[str, str], Delegation | None]:
    """The problems of a seat in this group (consistency, delegation, head), field by field."""
    errors: dict[str, str] = {}
    delegation = _delegation(session, group_id, seat.delegation, errors)
    for problem in seat_problems(seat):
        errors.setdefault(problem.field, problem.text(_))
    if delegation is not None and seat.head and "head" not in errors:
        assert delegation.id is not None
        refusal = head_problem(seat, delegation.name, _current_head(session, delegation.id, besides=besides))
        if refusal is not None:
            errors["head"] = refusal.text(_)
    return errors, delegation


def _count(session: Session, table: type[SQLModel], *conditions: Any) -> int:
    return int(session.execute(select(func.count()).select_from(table).where(*conditions)).scalar_one())


def check_new_member(session: Session, group_id: int, member: NewMember) -> tuple[str, Delegation | None]:
    """Validate a new member against the group; return the normalised e-mail and the delegation."""
    email = normalise_email(member.email)
    errors, delegation = _seat_errors(session, group_id, Seat(member.role, member.delegation, member.head))
    if not EMAIL.match(email) or len(email) > 254:
        errors["email"] = _("Enter an e-mail address such as name@example.org.")
    if not member.name.strip():
        errors["name"] = _("Enter the member's name.")
    elif CONTROL.search(member.name):
        errors["name"] = _("The name contains control characters that cannot be stored.")
    elif len(member.name) > 200:
        errors["name"] = _("The name must be at most 200 characters long.")
    if errors:
        raise Invalid(errors)
    return email, delegation


def add_member(
    session: Session, group_slug: str, member: NewMember, actor: Actor, *, invitation_days: int
) -> PreparedInvitation:
    """Prepare an invitation to a seat in a group; one transaction.

    Nobody becomes a member here. An address without an account gets one, whose password is set
    through the invitation link (or is ``member.password``, from the command line). An existing
    account is never attached silently: its holder signs in and accepts. The answer is the same
    either way, so adding an address reveals nothing about its account. A new invitation for the
    same person and group replaces an unused earlier one.
    """
    if member.password is not None and (problem := password_problem(member.password)):
        raise Invalid({"password": problem})
    password_hash = hash_password(member.password) if member.password else None
    with write_transaction(session):
        group = _group(session, group_slug)
        assert group.id is not None
        email, delegation = check_new_member(session, group.id, member)
        user = session.execute(select(User).where(col(User.email) == email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, name=member.name.strip(), password_hash=password_hash)
            session.add(user)
            session.flush()
            audit.record(session, actor, "user.create", "user", user.id, details={"email": email})
        elif session.execute(
            select(col(Membership.id)).where(col(Membership.group_id) == group.id, col(Membership.user_id) == user.id)
        ).first():
            raise Conflict(_("{email} is already a member of this group.").format(email=email))
        assert user.id is not None
        session.execute(
            delete(Invitation).where(
                col(Invitation.user_id) == user.id,
                col(Invitation.group_id) == group.id,
                col(Invitation.used_at).is_(None),
            )
        )
        sets_password = invitation_sets_password(
            has_password=user.password_hash is not None,
            groups_with_a_seat=_count(session, Membership, col(Membership.user_id) == user.id),
            other_groups_inviting=_count(
                session, Invitation, col(Invitation.user_id) == user.id, col(Invitation.group_id) != group.id
            ),
        )
        issued = issue_invitation(
            session,
            user_id=user.id,
            group_id=group.id,
            created_by_id=actor.user_id,
            valid_days=invitation_days,
            role=member.role,
            delegation_id=delegation.id if delegation else None,
            is_head=member.head,
            name=member.name.strip(),
            sets_password=sets_password,
        )
        audit.record(
            session,
            actor,
            "member.invite",
            "invitation",
            issued.id,
            group_id=group.id,
            details={
                "email": email,
                "role": member.role,
                "delegation": delegation.code if delegation else "",
                "head": member.head,
            },
        )
        prepared = PreparedInvitation(
            email=email,
            role=member.role,
            delegation=delegation.name if delegation else "",
            head=member.head,
            token=issued.token,
            expires_at=issued.expires_at,
        )
    return prepared


# --- changing and removing members -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberView:
    """A member as the secretariat sees them on their page, with what may be done to them."""

    user_id: int
    name: str
    email: str
    role: str
    delegation_code: str
    delegation_name: str
    is_head: bool
    removal_refusal: str | None
    """Why this member cannot be removed now (None: the button is shown)."""


def _membership_in_group(session: Session, group_slug: str, user_id: int) -> tuple[WorkingGroup, Membership, User]:
    """A member of this group, by their account's id (NotFound for anyone else)."""
    row = session.execute(
        select(WorkingGroup, Membership, User)
        .join(Membership, col(Membership.group_id) == col(WorkingGroup.id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(WorkingGroup.slug) == group_slug, col(Membership.user_id) == user_id)
    ).first()
    if row is None:
        raise NotFound(_("There is no member {id} in this group.").format(id=user_id))
    return row[0], row[1], row[2]


def _seat_of(session: Session, membership: Membership) -> tuple[Seat, str]:
    """A membership's seat, and its delegation's name."""
    if membership.delegation_id is None:
        return Seat(membership.role, "", membership.is_head), ""
    code, name = session.execute(
        select(col(Delegation.code), col(Delegation.name)).where(col(Delegation.id) == membership.delegation_id)
    ).one()
    return Seat(membership.role, code, membership.is_head), name


def _secretariat_members(session: Session, group_id: int) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(Membership)
            .where(col(Membership.group_id) == group_id, col(Membership.role) == Role.secretariat)
        ).scalar_one()
    )


def read_member(session: Session, group_slug: str, user_id: int) -> MemberView:
    """One member of a group, for the page where the secretariat changes or removes them."""
    group, membership, user = _membership_in_group(session, group_slug, user_id)
    assert group.id is not None
    seat, delegation_name = _seat_of(session, membership)
    refusal = leaving_secretariat_problem(seat, None, _secretariat_members(session, group.id))
    return MemberView(
        user_id=user_id,
        name=user.name,
        email=user.email,
        role=seat.role,
        delegation_code=seat.delegation,
        delegation_name=delegation_name,
        is_head=seat.head,
        removal_refusal=refusal.text(_) if refusal else None,
    )


def change_member(session: Session, group_slug: str, user_id: int, seat: Seat, actor: Actor) -> None:
    """Give a member another role, delegation or head flag; one transaction, audited. Their
    sessions see the new seat on their next request (memberships are read per request)."""
    with write_transaction(session):
        group, membership, user = _membership_in_group(session, group_slug, user_id)
        assert group.id is not None
        before, _name = _seat_of(session, membership)
        errors, delegation = _seat_errors(session, group.id, seat, besides=user_id)
        for problem in change_problems(before, seat, secretariat_members=_secretariat_members(session, group.id)):
            errors.setdefault(problem.field, problem.text(_))
        if errors:
            raise Invalid(errors)
        if before == seat:
            return
        membership.role = seat.role
        membership.delegation_id = delegation.id if delegation else None
        membership.is_head = seat.head
        session.add(membership)
        audit.record(
            session,
            actor,
            "member.change",
            "membership",
            membership.id,
            group_id=group.id,
            details={
                "email": user.email,
                "before": {"role": before.role, "delegation": before.delegation, "head": before.head},
                "after": {"role": seat.role, "delegation": seat.delegation, "head": seat.head},
            },
        )


def remove_member(session: Session, group_slug: str, user_id: int, actor: Actor) -> None:
    """Take a member out of a group (their account, comments and past ballots stay); one
    transaction, audited. Their sessions lose the group's rights on their next request."""
    with write_transaction(session):
        group, membership, user = _membership_in_group(session, group_slug, user_id)
        assert group.id is not None
        before, _name = _seat_of(session, membership)
        refusal = leaving_secretariat_problem(before, None, _secretariat_members(session, group.id))
        if refusal is not None:
            raise Conflict(refusal.text(_))
        audit.record(
            session,
            actor,
            "member.remove",
            "membership",
            membership.id,
            group_id=group.id,
            details={"email": user.email, "role": before.role, "delegation": before.delegation, "head": before.head},
        )
        session.delete(membership)


def delegation_choices(session: Session, group_slug: str) -> list[tuple[str, str]]:
    """(code, name) of the group's delegations, for a form."""
    group = _group(session, group_slug)
    return [
        (d.code, d.name)
        for d in session.execute(
            select(Delegation).where(col(Delegation.group_id) == group.id).order_by(col(Delegation.name))
        ).scalars()
    ]
