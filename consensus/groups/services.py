"""Setting up working groups from files, adding members, and reading a group."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from consensus.accounts.identity import CurrentUser
from consensus.accounts.passwords import hash_password
from consensus.accounts.services import issue_invitation, normalise_email
from consensus.audit import services as audit
from consensus.audit.services import Actor
from consensus.core.groupfile import CONTROL, EMAIL, ROLES, GroupFile
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, Invalid, NotFound
from consensus.i18n import _
from consensus.models import (
    Clause,
    Delegation,
    Document,
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
        session.execute(
            select(User.email).where(User.email.in_([u.email for u in spec.users]))  # type: ignore[attr-defined]
        ).scalars()
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
        group = session.execute(select(WorkingGroup).where(WorkingGroup.slug == spec.group.slug)).scalar_one_or_none()
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
            d.code: d for d in session.execute(select(Delegation).where(Delegation.group_id == group.id)).scalars()
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
        users = {
            u.email: u
            for u in session.execute(select(User).where(User.email.in_(emails))).scalars()  # type: ignore[attr-defined]
        }
        memberships = {
            m.user_id: m for m in session.execute(select(Membership).where(Membership.group_id == group.id)).scalars()
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
            membership = memberships.get(user.id)  # type: ignore[arg-type]
            if membership is None:
                membership = Membership(group_id=group.id, user_id=user.id, role=u_spec.role)  # type: ignore[arg-type]
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
                select(Document).where(Document.group_id == group.id, Document.slug == doc_spec.slug)
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
                select(Version).where(Version.document_id == document.id).order_by(Version.number.desc()).limit(1)  # type: ignore[attr-defined]
            ).scalar_one_or_none()
            current = (
                list(
                    session.execute(
                        select(Clause).where(Clause.version_id == latest.id).order_by(Clause.position)
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
class GroupView:
    id: int
    slug: str
    name: str
    description: str
    observers_may_comment: bool
    delegations: list[DelegationRow]
    members: list[MemberRow]
    documents: list[DocumentRow]


def _group(session: Session, slug: str) -> WorkingGroup:
    group = session.execute(select(WorkingGroup).where(WorkingGroup.slug == slug)).scalar_one_or_none()
    if group is None:
        raise NotFound(_("There is no working group {slug}.").format(slug=slug))
    return group


def documents_of(session: Session, group_ids: list[int]) -> dict[int, list[DocumentRow]]:
    """Documents of several groups with their latest version number and clause count (one query)."""
    latest = (
        select(Version.document_id, func.max(Version.number).label("number")).group_by(Version.document_id).subquery()
    )
    clause_counts = select(Clause.version_id, func.count().label("clauses")).group_by(Clause.version_id).subquery()
    rows = session.execute(
        select(Document, latest.c.number, clause_counts.c.clauses)
        .join(latest, latest.c.document_id == Document.id)
        .join(Version, (Version.document_id == Document.id) & (Version.number == latest.c.number))
        .outerjoin(clause_counts, clause_counts.c.version_id == Version.id)
        .where(Document.group_id.in_(group_ids))  # type: ignore[attr-defined]
        .order_by(Document.title)
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
            select(Membership.delegation_id, func.count())
            .where(Membership.group_id == group.id)
            .group_by(Membership.delegation_id)
        ).all()
    )
    delegations = [
        DelegationRow(d.code, d.name, d.weight, d.voting_status, member_counts.get(d.id, 0))
        for d in session.execute(
            select(Delegation).where(Delegation.group_id == group.id).order_by(Delegation.name)
        ).scalars()
    ]
    role_order = {role: i for i, role in enumerate(ROLES)}
    members = sorted(
        (
            MemberRow(
                user_id=user.id,  # type: ignore[arg-type]
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
                .join(User, User.id == Membership.user_id)
                .outerjoin(Delegation, Delegation.id == Membership.delegation_id)
                .where(Membership.group_id == group.id)
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
class AddedMember:
    """A member just added, with the one-time invitation token when one was issued."""

    email: str
    name: str
    role: str
    delegation: str
    invitation_token: str | None
    existing_account: bool = False


def check_new_member(session: Session, group_id: int, member: NewMember) -> tuple[str, Delegation | None]:
    """Validate a new member against the group; return the normalised e-mail and the delegation."""
    errors: dict[str, str] = {}
    email = normalise_email(member.email)
    if not EMAIL.match(email) or len(email) > 254:
        errors["email"] = _("Enter an e-mail address such as name@example.org.")
    if not member.name.strip():
        errors["name"] = _("Enter the member's name.")
    elif CONTROL.search(member.name):
        errors["name"] = _("The name contains control characters that cannot be stored.")
    elif len(member.name) > 200:
        errors["name"] = _("The name must be at most 200 characters long.")
    if member.role not in ROLES:
        errors["role"] = _("Choose a role: chair, secretariat, delegate or observer.")
    delegation = None
    if member.delegation:
        delegation = session.execute(
            select(Delegation).where(Delegation.group_id == group_id, Delegation.code == member.delegation)
        ).scalar_one_or_none()
        if delegation is None:
            errors["delegation"] = _("There is no delegation {code} in this group.").format(code=member.delegation)
    if member.role == Role.delegate and not member.delegation:
        errors["delegation"] = _("A delegate belongs to a delegation: choose one.")
    if member.role in (Role.chair, Role.secretariat) and member.delegation:
        errors["delegation"] = _("The chair and the secretariat act for the group, not for a delegation.")
    if member.head and member.role != Role.delegate:
        errors["head"] = _("Only a delegate can hold the delegation's voting right.")
    if member.head and delegation is not None:
        head = session.execute(
            select(User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.delegation_id == delegation.id, Membership.is_head)
        ).scalar_one_or_none()
        if head is not None:
            errors["head"] = _("{delegation} already has a head of delegation: {name}.").format(
                delegation=delegation.name, name=head
            )
    if errors:
        raise Invalid(errors)
    return email, delegation


def add_member(
    session: Session, group_slug: str, member: NewMember, actor: Actor, *, invitation_days: int
) -> AddedMember:
    """Add a member to a group (creating the user when new) and issue an invitation unless a
    password is given; one transaction."""
    password_hash = hash_password(member.password) if member.password else None
    with write_transaction(session):
        group = _group(session, group_slug)
        assert group.id is not None
        email, delegation = check_new_member(session, group.id, member)
        user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, name=member.name.strip(), password_hash=password_hash)
            session.add(user)
            session.flush()
        else:
            existing = session.execute(
                select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
            ).scalar_one_or_none()
            if existing is not None:
                raise Conflict(_("{email} is already a member of this group.").format(email=email))
            # Never replace a password someone already chose.
            if password_hash is not None and user.password_hash is None:
                user.password_hash = password_hash
                session.add(user)
        # An invitation sets a password, so it is only issued for an account that has none and
        # that no other group shares: otherwise another group's secretariat could take it over.
        elsewhere = session.execute(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == user.id, Membership.group_id != group.id)
        ).scalar_one()
        may_invite = user.password_hash is None and elsewhere == 0
        membership = Membership(
            group_id=group.id,
            user_id=user.id,  # type: ignore[arg-type]
            role=member.role,
            delegation_id=delegation.id if delegation else None,
            is_head=member.head,
        )
        session.add(membership)
        session.flush()
        token = None
        if may_invite:
            token = issue_invitation(
                session,
                user_id=user.id,  # type: ignore[arg-type]
                group_id=group.id,
                created_by_id=actor.user_id,
                valid_days=invitation_days,
            )
        audit.record(
            session,
            actor,
            "member.add",
            "membership",
            membership.id,
            group_id=group.id,
            details={
                "email": email,
                "role": member.role,
                "delegation": delegation.code if delegation else "",
                "head": member.head,
                "invited": token is not None,
            },
        )
        added = AddedMember(
            email=email,
            name=user.name,
            role=member.role,
            delegation=delegation.name if delegation else "",
            invitation_token=token,
            existing_account=user.password_hash is not None or elsewhere > 0,
        )
    return added


def delegation_choices(session: Session, group_slug: str) -> list[tuple[str, str]]:
    """(code, name) of the group's delegations, for a form."""
    group = _group(session, group_slug)
    return [
        (d.code, d.name)
        for d in session.execute(
            select(Delegation).where(Delegation.group_id == group.id).order_by(Delegation.name)
        ).scalars()
    ]
