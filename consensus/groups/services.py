"""Setting up working groups from files, reading a group, and inviting, changing and removing its
members."""

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
from consensus.accounts.services import is_first_account, issue_invitation, normalise_email
from consensus.audit import services as audit
from consensus.audit.consistency import delegation_details
from consensus.audit.services import Actor
from consensus.core.groupfile import (
    CONTROL,
    EMAIL,
    ClauseSpec,
    DelegationSpec,
    DocumentSpec,
    GroupFile,
    GroupSpec,
    UserSpec,
)
from consensus.core.membership import (
    ROLES,
    Seat,
    change_refusals,
    invitation_sets_password,
    leaving_secretariat_refusal,
)
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, Invalid, refusal_error, refusal_text
from consensus.i18n import N_, _
from consensus.lookups import group_by_slug, head_of_delegation, member_in_group, visible_to_viewer
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


class _Loading:
    """One group file being written: the session, and what was created and updated so far."""

    def __init__(self, session: Session, source: str) -> None:
        self.session, self.source = session, source
        self.created = {"groups": 0, "delegations": 0, "users": 0, "memberships": 0, "documents": 0, "versions": 0}
        self.updated: dict[str, int] = {}

    def new(self, kind: str) -> None:
        self.created[kind] += 1

    def set(self, row: object, kind: str, **values: object) -> None:
        """Assign values to a row and add it, counting an existing row as updated when anything
        differs."""
        changed = False
        for name, value in values.items():
            if getattr(row, name, None) != value:
                setattr(row, name, value)
                changed = True
        if changed and getattr(row, "id", None) is not None:
            self.updated[kind] = self.updated.get(kind, 0) + 1
        self.session.add(row)

    def group(self, spec: GroupSpec) -> WorkingGroup:
        group = self.session.execute(
            select(WorkingGroup).where(col(WorkingGroup.slug) == spec.slug)
        ).scalar_one_or_none()
        if group is None:
            group = WorkingGroup(slug=spec.slug, name=spec.name)
            self.new("groups")
        self.set(
            group,
            "groups",
            name=spec.name,
            description=spec.description,
            observers_may_comment=spec.observers_may_comment,
        )
        self.session.flush()
        return group

    def delegations(self, group_id: int, specs: tuple[DelegationSpec, ...], actor: Actor) -> dict[str, Delegation]:
        """The file's delegations by code, created or brought up to date, each change in the audit
        log with the values it set (what ``audit verify`` checks the delegations against)."""
        existing = {
            d.code: d
            for d in self.session.execute(select(Delegation).where(col(Delegation.group_id) == group_id)).scalars()
        }
        delegations: dict[str, Delegation] = {}
        before: dict[str, dict[str, object] | None] = {}
        for spec in specs:
            delegation = existing.get(spec.code)
            if delegation is None:
                delegation = Delegation(group_id=group_id, code=spec.code, name=spec.name)
                self.new("delegations")
            was = delegation_details(delegation) if delegation.id is not None else None
            self.set(delegation, "delegations", name=spec.name, weight=spec.weight, voting_status=spec.voting_status)
            if was is None or was != delegation_details(delegation):
                before[spec.code] = was
            delegations[spec.code] = delegation
        self.session.flush()
        entries = [
            audit.Entry("delegation.create", "delegation", delegations[code].id, delegation_details(delegations[code]))
            if was is None
            else audit.Entry(
                "delegation.change",
                "delegation",
                delegations[code].id,
                {"code": code, "before": was, "after": delegation_details(delegations[code])},
            )
            for code, was in before.items()
        ]
        if entries:
            audit.record_many(self.session, actor, entries, group_id=group_id)
        return delegations

    def users(self, specs: tuple[UserSpec, ...], hashes: dict[str, str]) -> tuple[dict[str, User], list[str]]:
        """The file's accounts by e-mail address, and the existing ones for which the file gives a
        password they do not get."""
        users = {
            u.email: u
            for u in self.session.execute(select(User).where(col(User.email).in_([u.email for u in specs]))).scalars()
        }
        kept: list[str] = []
        for spec in specs:
            user = users.get(spec.email)
            if user is None:
                first = not users and is_first_account(self.session)
                users[spec.email] = User(
                    email=spec.email, name=spec.name, password_hash=hashes.get(spec.email), is_admin=first
                )
                self.session.add(users[spec.email])
                self.new("users")
                continue
            # A file never changes the password of an account that exists: whoever holds the file
            # (or wrote it for another group) must not be able to take the account over.
            self.set(user, "users", name=spec.name)
            if spec.password:
                kept.append(spec.email)
        self.session.flush()
        return users, kept

    def memberships(
        self, group_id: int, specs: tuple[UserSpec, ...], users: dict[str, User], delegations: dict[str, Delegation]
    ) -> None:
        """Each listed account's seat in the group, as the file says."""
        memberships = {
            m.user_id: m
            for m in self.session.execute(select(Membership).where(col(Membership.group_id) == group_id)).scalars()
        }
        self._clear_lost_heads(memberships, specs, users, delegations)
        for spec in specs:
            user = users[spec.email]
            assert user.id is not None
            membership = memberships.get(user.id)
            if membership is None:
                membership = Membership(group_id=group_id, user_id=user.id, role=spec.role)
                self.new("memberships")
            self.set(
                membership,
                "memberships",
                role=spec.role,
                delegation_id=delegations[spec.delegation].id if spec.delegation else None,
                is_head=spec.head,
            )
        self.session.flush()

    def _clear_lost_heads(
        self,
        memberships: dict[int, Membership],
        specs: tuple[UserSpec, ...],
        users: dict[str, User],
        delegations: dict[str, Delegation],
    ) -> None:
        """Take away first the heads the file takes away, so a head moving between users never
        trips the one-head-per-delegation index. Members the file does not mention keep their head
        flag unless the file names another head for their delegation."""
        spec_by_user = {users[u.email].id: u for u in specs}
        claimed = {delegations[u.delegation].id for u in specs if u.head and u.delegation}
        for membership in memberships.values():
            listed = spec_by_user.get(membership.user_id)
            loses = (listed is not None and not listed.head) or (listed is None and membership.delegation_id in claimed)
            if membership.is_head and loses:
                membership.is_head = False
                self.session.add(membership)
                self.updated["memberships"] = self.updated.get("memberships", 0) + 1
        self.session.flush()

    def document(self, group_id: int, spec: DocumentSpec) -> None:
        """A document and, when the file's text differs from its latest version, the next version."""
        document = self.session.execute(
            select(Document).where(col(Document.group_id) == group_id, col(Document.slug) == spec.slug)
        ).scalar_one_or_none()
        if document is None:
            document = Document(group_id=group_id, slug=spec.slug, title=spec.title)
            self.new("documents")
        self.set(document, "documents", title=spec.title, status=spec.status, language=spec.language)
        self.session.flush()
        assert document.id is not None
        latest = self.session.execute(
            select(Version).where(col(Version.document_id) == document.id).order_by(col(Version.number).desc()).limit(1)
        ).scalar_one_or_none()
        current = self._clauses(latest)
        if [(c.number, c.heading, c.text) for c in current] != [(c.number, c.heading, c.text) for c in spec.clauses]:
            self._next_version(document.id, latest, current, spec.clauses)

    def _clauses(self, version: Version | None) -> list[Clause]:
        if version is None:
            return []
        return list(
            self.session.execute(
                select(Clause).where(col(Clause.version_id) == version.id).order_by(col(Clause.position))
            ).scalars()
        )

    def _next_version(
        self, document_id: int, latest: Version | None, current: list[Clause], clauses: tuple[ClauseSpec, ...]
    ) -> None:
        """The file's text as the next version: clauses keep their lineage where the number is the
        same."""
        lineage_by_number = {c.number: c.lineage for c in current}
        now = utcnow()
        if latest is not None:
            latest.superseded_at = now
            self.session.add(latest)
        version = Version(
            document_id=document_id,
            number=(latest.number + 1) if latest else 1,
            note=_("Loaded from {source}").format(source=self.source),
            created_at=now,
        )
        self.session.add(version)
        self.session.flush()
        assert version.id is not None
        self.session.add_all(
            Clause(
                version_id=version.id,
                position=position,
                number=c.number,
                heading=c.heading,
                text=c.text,
                lineage=lineage_by_number.get(c.number) or str(uuid.uuid4()),
            )
            for position, c in enumerate(clauses)
        )
        self.new("versions")


def load_group_file(session: Session, spec: GroupFile, actor: Actor, source: str) -> LoadReport:
    """Create or bring up to date a whole group from a checked file, in one transaction.

    Loading the same file twice changes nothing. Passwords are hashed before the transaction
    opens so the write lock is held briefly.
    """
    hashes = _password_hashes(session, spec)
    loading = _Loading(session, source)
    with write_transaction(session):
        group = loading.group(spec.group)
        assert group.id is not None
        delegations = loading.delegations(group.id, spec.delegations, actor)
        users, kept = loading.users(spec.users, hashes)
        loading.memberships(group.id, spec.users, users, delegations)
        for document in spec.documents:
            loading.document(group.id, document)
        report = LoadReport(spec.group.slug, loading.created, loading.updated, passwords_kept=tuple(kept))
        if report.changed:
            audit.record(
                session,
                actor,
                "group.load",
                "working_group",
                group.slug,
                group_id=group.id,
                details={"source": source, "created": report.created, "updated": report.updated},
            )
    return report


def group_is_empty(session: Session) -> bool:
    """Whether the database holds no working group yet."""
    return _count(session, WorkingGroup) == 0


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
    """An invitation not yet accepted (or expired unused): the name the secretariat gave, and the
    seat it offers."""

    id: int
    email: str
    name: str
    role: str
    delegation_name: str
    is_head: bool
    expires_at: datetime
    expired: bool


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
    """Invitations not used (pending or expired), oldest first."""


def pending_invitations(session: Session, group_id: int) -> list[InvitationRow]:
    """The group's invitations not yet accepted, with those that expired unused (to send again)."""
    now = utcnow()
    return [
        InvitationRow(
            invitation.id,
            email,
            invitation.name,
            invitation.role,
            delegation_name or "",
            invitation.is_head,
            invitation.expires_at,
            invitation.expires_at <= now,
        )
        for invitation, email, delegation_name in session.execute(
            select(Invitation, col(User.email), col(Delegation.name))
            .join(User, col(User.id) == col(Invitation.user_id))
            .outerjoin(Delegation, col(Delegation.id) == col(Invitation.delegation_id))
            .where(
                col(Invitation.group_id) == group_id,
                col(Invitation.used_at).is_(None),
            )
            .order_by(col(Invitation.id))
        ).all()
    ]


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
        if not visible_to_viewer(session, document.group_id, document.status):
            continue
        by_group[document.group_id].append(
            DocumentRow(document.slug, document.title, document.status, number, clauses or 0)
        )
    return by_group


def read_group(session: Session, slug: str) -> GroupView:
    """A group with its delegations, members by role and documents."""
    group = group_by_slug(session, slug)
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


def _delegation(session: Session, group_id: int, code: str) -> Delegation | None:
    """The group's delegation with this code (None when no code is given or there is none such)."""
    if not code:
        return None
    return session.execute(
        select(Delegation).where(col(Delegation.group_id) == group_id, col(Delegation.code) == code)
    ).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class _SeatInGroup:
    """A seat asked for in a group: the delegation it names, and what stands in its way."""

    delegation: Delegation | None
    """None when the seat names no delegation, or one the group does not have."""
    refusals: list[Refusal]

    @property
    def errors(self) -> dict[str, str]:
        """The refusals field by field, for the form (the first one of each field)."""
        errors: dict[str, str] = {}
        for refusal in self.refusals:
            errors.setdefault(refusal.field, refusal_text(refusal))
        return errors


def _seat_in_group(
    session: Session, group_id: int, seat: Seat, *, before: Seat | None = None, besides: int | None = None
) -> _SeatInGroup:
    """Load what the seat rules need to know of this group (the delegation, its head, the
    secretariat) and ask them about a new seat (``before`` None) or a changed one. ``besides`` is
    the member whose seat changes: their own voting right does not stand in the way."""
    delegation = _delegation(session, group_id, seat.delegation)
    refusals = []
    if seat.delegation and delegation is None:
        unknown = Phrase(N_("There is no delegation {code} in this group."), {"code": seat.delegation[:16]})
        refusals.append(Refusal("invalid", unknown, "delegation"))
    current_head = None
    if delegation is not None and seat.head:
        assert delegation.id is not None
        current_head = head_of_delegation(session, delegation.id, besides=besides)
    refusals += change_refusals(
        before,
        seat,
        secretariat_members=_secretariat_members(session, group_id) if before is not None else 0,
        delegation_name=delegation.name if delegation else "",
        current_head=current_head,
    )
    return _SeatInGroup(delegation, refusals)


def _count(session: Session, table: type[SQLModel], *conditions: Any) -> int:
    return int(session.execute(select(func.count()).select_from(table).where(*conditions)).scalar_one())


def _check_new_member(member: NewMember, email: str, seat: _SeatInGroup) -> None:
    """Refuse a new member whose address, name or seat is wrong, naming every field at fault."""
    errors = seat.errors
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


def add_member(
    session: Session, group_slug: str, member: NewMember, actor: Actor, *, invitation_days: int
) -> PreparedInvitation:
    """Prepare an invitation to a seat in a group; one transaction (see ``invite``)."""
    if member.password is not None and (problem := password_problem(member.password)):
        raise Invalid({"password": problem})
    password_hash = hash_password(member.password) if member.password else None
    with write_transaction(session):
        group = group_by_slug(session, group_slug)
        prepared = invite(session, group, member, actor, invitation_days=invitation_days, password_hash=password_hash)
    return prepared


def invite(
    session: Session,
    group: WorkingGroup,
    member: NewMember,
    actor: Actor,
    *,
    invitation_days: int,
    password_hash: str | None = None,
) -> PreparedInvitation:
    """Prepare an invitation to a seat in a group, inside the caller's transaction.

    Nobody becomes a member here. An address without an account gets one, whose password is set
    through the invitation link (or is ``password_hash``, from the command line). An existing
    account is never attached silently: its holder signs in and accepts. The answer is the same
    either way, so adding an address reveals nothing about its account. A new invitation for the
    same person and group replaces an unused earlier one.
    """
    assert group.id is not None
    email = normalise_email(member.email)
    seat = _seat_in_group(session, group.id, Seat(member.role, member.delegation, member.head))
    _check_new_member(member, email, seat)
    delegation = seat.delegation
    user = session.execute(select(User).where(col(User.email) == email)).scalar_one_or_none()
    if user is None:
        user = User(
            email=email, name=member.name.strip(), password_hash=password_hash, is_admin=is_first_account(session)
        )
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
    return PreparedInvitation(
        email=email,
        role=member.role,
        delegation=delegation.name if delegation else "",
        head=member.head,
        token=issued.token,
        expires_at=issued.expires_at,
    )


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
    removal_refusal: Refusal | None
    """Why this member cannot be removed now (None: the button is shown); the same rule refuses
    the removal itself."""


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
    group, membership, user = member_in_group(session, group_slug, user_id)
    assert group.id is not None
    seat, delegation_name = _seat_of(session, membership)
    return MemberView(
        user_id=user_id,
        name=user.name,
        email=user.email,
        role=seat.role,
        delegation_code=seat.delegation,
        delegation_name=delegation_name,
        is_head=seat.head,
        removal_refusal=leaving_secretariat_refusal(seat, None, _secretariat_members(session, group.id)),
    )


def change_member(session: Session, group_slug: str, user_id: int, seat: Seat, actor: Actor) -> None:
    """Give a member another role, delegation or head flag; one transaction, audited. Their
    sessions see the new seat on their next request (memberships are read per request)."""
    with write_transaction(session):
        group, membership, user = member_in_group(session, group_slug, user_id)
        assert group.id is not None
        before, _name = _seat_of(session, membership)
        checked = _seat_in_group(session, group.id, seat, before=before, besides=user_id)
        if checked.refusals:
            raise Invalid(checked.errors)
        if before == seat:
            return
        membership.role = seat.role
        membership.delegation_id = checked.delegation.id if checked.delegation else None
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
        group, membership, user = member_in_group(session, group_slug, user_id)
        assert group.id is not None
        before, _name = _seat_of(session, membership)
        refusal = leaving_secretariat_refusal(before, None, _secretariat_members(session, group.id))
        if refusal is not None:
            raise refusal_error(refusal)
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
    group = group_by_slug(session, group_slug)
    return [
        (d.code, d.name)
        for d in session.execute(
            select(Delegation).where(col(Delegation.group_id) == group.id).order_by(col(Delegation.name))
        ).scalars()
    ]
