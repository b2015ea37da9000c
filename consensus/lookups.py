"""Rows of one working group, found from what an address names: every "this X, in this group" query.

A lookup returns the row (with what the caller needs to know about where it stands), or raises
NotFound in words naming what is missing; a row of another group is NotFound exactly like one that
never existed, so nobody learns what other groups hold. Services scope what they read and change
through these functions and write no join chain of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.core.documents import PREPARATION, document_visible
from consensus.core.refusal import Refusal
from consensus.core.versions import frozen_refusal
from consensus.errors import NotFound, refusal_error
from consensus.i18n import _
from consensus.models import (
    Adoption,
    Amendment,
    AmendmentStatus,
    Clause,
    ClauseStatus,
    Comment,
    Document,
    Meeting,
    Membership,
    Publication,
    Round,
    User,
    Version,
    WorkingGroup,
)


@dataclass(frozen=True, slots=True)
class VersionSummary:
    number: int
    created_at: datetime
    superseded: bool
    note: str


@dataclass(frozen=True, slots=True)
class VersionRef:
    """One version of a document, located from the slugs and number in an address."""

    group_id: int
    group_slug: str
    group_name: str
    document_id: int
    document_slug: str
    document_title: str
    document_status: str
    version_id: int
    document_language: str
    number: int
    latest_number: int
    superseded: bool
    versions: tuple[VersionSummary, ...] = field(default_factory=tuple)
    adopted: bool = False
    published: bool = False

    @property
    def preparation(self) -> bool:
        """Its document is in preparation: its text is edited in place, and nothing else happens to it."""
        return self.document_status == PREPARATION

    @property
    def frozen(self) -> bool:
        """Superseded (read-only), adopted (frozen), or not yet circulated: it takes no comment,
        amendment, position or round."""
        return self.superseded or self.adopted or self.preparation

    @property
    def frozen_refusal(self) -> Refusal | None:
        """Why nothing in it may change (``core.versions.frozen_refusal``), or None while it may."""
        return frozen_refusal(self.number, self.latest_number, self.superseded, self.adopted, self.preparation)


@dataclass(frozen=True, slots=True)
class ClauseRef:
    """One clause of one version."""

    version: VersionRef
    clause_id: int
    lineage: str
    number: str
    heading: str
    text: str
    status: str


VIEWER_ROLES = "consensus.viewer_roles"
"""Where a session keeps who asks: the role of the request's user in each group, by group slug
and by group id (``as_viewer``). A session without it (the command line, background tasks) sees
no document in preparation."""


def as_viewer(session: Session, memberships: Iterable[tuple[int, str, str]]) -> Session:
    """Scope what ``session`` reads to the person asking, given as (group id, group slug, role)
    for each of their memberships: every lookup of a document then answers as they may see it."""
    roles: dict[object, str] = {}
    for group_id, group_slug, role in memberships:
        roles[group_id] = role
        roles[group_slug] = role
    session.info[VIEWER_ROLES] = roles
    return session


def viewer_role(session: Session, group: int | str) -> str | None:
    """The role of the person asking in a group (by id or slug), or None."""
    roles: dict[object, str] = session.info.get(VIEWER_ROLES, {})
    return roles.get(group)


def visible_to_viewer(session: Session, group: int | str, status: str) -> bool:
    """Whether the person asking sees a document of ``group`` with this status
    (``core.documents.document_visible``)."""
    return document_visible(status, viewer_role(session, group))


def group_by_slug(session: Session, slug: str) -> WorkingGroup:
    """The working group at this address."""
    group: WorkingGroup | None = session.execute(
        select(WorkingGroup).where(col(WorkingGroup.slug) == slug)
    ).scalar_one_or_none()
    if group is None:
        raise NotFound(_("There is no working group {slug}.").format(slug=slug))
    return group


def _document(session: Session, group_slug: str, document_slug: str) -> tuple[Document, WorkingGroup]:
    row = session.execute(
        select(Document, WorkingGroup)
        .join(WorkingGroup, col(WorkingGroup.id) == col(Document.group_id))
        .where(col(WorkingGroup.slug) == group_slug, col(Document.slug) == document_slug)
    ).first()
    if row is None or not visible_to_viewer(session, group_slug, row[0].status):
        raise NotFound(_("There is no document {document} in this group.").format(document=document_slug))
    return row[0], row[1]


def document_in_group(session: Session, group_slug: str, document_slug: str) -> tuple[Document, WorkingGroup]:
    """A document of this group, as the person asking may see it (one in preparation is NotFound
    but to the secretariat and the chair)."""
    return _document(session, group_slug, document_slug)


def version_in_group(session: Session, group_slug: str, document_slug: str, version: int | None = None) -> VersionRef:
    """A version of a document (the latest by default), with where it stands."""
    document, group = _document(session, group_slug, document_slug)
    rows = session.execute(
        select(Version, col(Adoption.id), col(Publication.id))
        .outerjoin(Adoption, col(Adoption.version_id) == col(Version.id))
        .outerjoin(Publication, col(Publication.version_id) == col(Version.id))
        .where(col(Version.document_id) == document.id)
        .order_by(col(Version.number))
    ).all()
    versions = [row[0] for row in rows]
    if not versions:
        raise NotFound(_("The document {document} has no text yet.").format(document=document_slug))
    chosen_row = rows[-1] if version is None else next((row for row in rows if row[0].number == version), None)
    if chosen_row is None:
        raise NotFound(
            _("The document {document} has no version {version}.").format(document=document_slug, version=version)
        )
    chosen, adoption_id, publication_id = chosen_row
    assert group.id is not None and document.id is not None and chosen.id is not None
    return VersionRef(
        group_id=group.id,
        group_slug=group.slug,
        group_name=group.name,
        document_id=document.id,
        document_slug=document.slug,
        document_title=document.title,
        document_status=document.status,
        version_id=chosen.id,
        document_language=document.language,
        number=chosen.number,
        latest_number=versions[-1].number,
        superseded=chosen.superseded_at is not None,
        versions=tuple(VersionSummary(v.number, v.created_at, v.superseded_at is not None, v.note) for v in versions),
        adopted=adoption_id is not None,
        published=publication_id is not None,
    )


def require_current(version: VersionRef) -> None:
    """Refuse changes to a superseded version (read-only) or an adopted one (frozen)."""
    refusal = version.frozen_refusal
    if refusal is not None:
        raise refusal_error(refusal)


def clause_in_group(
    session: Session, group_slug: str, document_slug: str, number: str, version: int | None = None
) -> ClauseRef:
    """A clause of a version (the latest by default)."""
    ref = version_in_group(session, group_slug, document_slug, version)
    clause = session.execute(
        select(Clause).where(col(Clause.version_id) == ref.version_id, col(Clause.number) == number)
    ).scalar_one_or_none()
    if clause is None:
        raise NotFound(
            _("Version {version} of {document} has no clause {number}.").format(
                version=ref.number, document=document_slug, number=number
            )
        )
    assert clause.id is not None
    return ClauseRef(ref, clause.id, clause.lineage, clause.number, clause.heading, clause.text, clause.status)


def round_in_group(session: Session, group_slug: str, round_id: int, *, lock: str | None = None) -> Round:
    """A round of this group; ``lock`` takes the row for ``update`` or ``share`` (ballots share it,
    closing takes it for update)."""
    statement = (
        select(Round)
        .join(WorkingGroup, col(WorkingGroup.id) == col(Round.group_id))
        .where(col(Round.id) == round_id, col(WorkingGroup.slug) == group_slug)
    )
    if lock == "update":
        statement = statement.with_for_update()
    elif lock == "share":
        statement = statement.with_for_update(read=True)
    row: Round | None = session.execute(statement).scalar_one_or_none()
    if row is None:
        raise NotFound(_("There is no round {id} in this group.").format(id=round_id))
    return row


def group_of_round(session: Session, round_id: int) -> str | None:
    """The slug of the group a round belongs to (addresses such as /api/v1/rounds/{id} name no group)."""
    return session.execute(
        select(col(WorkingGroup.slug))
        .join(Round, col(Round.group_id) == col(WorkingGroup.id))
        .where(col(Round.id) == round_id)
    ).scalar_one_or_none()


def meeting_in_group(session: Session, group_slug: str, meeting_id: int, *, lock: bool = False) -> Meeting:
    """A meeting of this group (``lock``: taken for update, to change it or its agenda)."""
    statement = (
        select(Meeting)
        .join(WorkingGroup, col(WorkingGroup.id) == col(Meeting.group_id))
        .where(col(Meeting.id) == meeting_id, col(WorkingGroup.slug) == group_slug)
    )
    row: Meeting | None = session.execute(statement.with_for_update() if lock else statement).scalar_one_or_none()
    if row is None:
        raise NotFound(_("There is no meeting {id} in this group.").format(id=meeting_id))
    return row


def group_of_meeting(session: Session, meeting_id: int) -> str | None:
    """The slug of the group a meeting belongs to (addresses such as /api/v1/meetings/{id} name no group)."""
    return session.execute(
        select(col(WorkingGroup.slug))
        .join(Meeting, col(Meeting.group_id) == col(WorkingGroup.id))
        .where(col(Meeting.id) == meeting_id)
    ).scalar_one_or_none()


def comment_in_group(session: Session, group_slug: str, comment_id: int) -> tuple[Comment, VersionRef]:
    """A comment of this group, with the version it was made on."""
    found = session.execute(
        select(Comment, col(Version.number), col(Document.slug))
        .join(Clause, col(Clause.id) == col(Comment.clause_id))
        .join(Version, col(Version.id) == col(Clause.version_id))
        .join(Document, col(Document.id) == col(Version.document_id))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Document.group_id))
        .where(col(Comment.id) == comment_id, col(WorkingGroup.slug) == group_slug)
    ).first()
    if found is None:
        raise NotFound(_("There is no comment {id} in this group.").format(id=comment_id))
    comment, version_number, document_slug = found
    return comment, version_in_group(session, group_slug, document_slug, version_number)


def amendment_in_group(session: Session, group_slug: str, amendment_id: int) -> tuple[Amendment, VersionRef]:
    """An amendment of this group, with the version it amends."""
    row = session.execute(
        select(Amendment, col(Version.number), col(Document.slug))
        .join(Version, col(Version.id) == col(Amendment.version_id))
        .join(Document, col(Document.id) == col(Version.document_id))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Document.group_id))
        .where(col(Amendment.id) == amendment_id, col(WorkingGroup.slug) == group_slug)
    ).first()
    if row is None:
        raise NotFound(_("There is no amendment {id} in this group.").format(id=amendment_id))
    amendment, version_number, document_slug = row
    return amendment, version_in_group(session, group_slug, document_slug, version_number)


def group_of_amendment(session: Session, amendment_id: int) -> str | None:
    """The slug of the group an amendment belongs to (for addresses that name no group)."""
    return session.execute(
        select(col(WorkingGroup.slug))
        .join(Document, col(Document.group_id) == col(WorkingGroup.id))
        .join(Version, col(Version.document_id) == col(Document.id))
        .join(Amendment, col(Amendment.version_id) == col(Version.id))
        .where(col(Amendment.id) == amendment_id)
    ).scalar_one_or_none()


def member_in_group(session: Session, group_slug: str, user_id: int) -> tuple[WorkingGroup, Membership, User]:
    """A member of this group, by their account's id."""
    row = session.execute(
        select(WorkingGroup, Membership, User)
        .join(Membership, col(Membership.group_id) == col(WorkingGroup.id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(WorkingGroup.slug) == group_slug, col(Membership.user_id) == user_id)
    ).first()
    if row is None:
        raise NotFound(_("There is no member {id} in this group.").format(id=user_id))
    return row[0], row[1], row[2]


def head_of_delegation(session: Session, delegation_id: int, *, besides: int | None = None) -> str | None:
    """The name of the member who holds the delegation's voting right, leaving out the member
    ``besides`` (the one whose seat changes), or None."""
    query = (
        select(col(User.name))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.delegation_id) == delegation_id, col(Membership.is_head))
    )
    if besides is not None:
        query = query.where(col(Membership.user_id) != besides)
    name: str | None = session.execute(query).scalar_one_or_none()
    return name


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """A published version of a group's document, with its adoption and its publication."""

    group: WorkingGroup
    document: Document
    version: Version
    adoption: Adoption
    publication: Publication


def published_in_group(session: Session, group_slug: str, document_slug: str | None = None) -> list[PublishedVersion]:
    """The published versions of a group's documents (of one document, if named), by document title
    and version number; none for a group that does not exist (the public learns nothing more)."""
    statement = (
        select(WorkingGroup, Document, Version, Adoption, Publication)
        .join(Document, col(Document.group_id) == col(WorkingGroup.id))
        .join(Version, col(Version.document_id) == col(Document.id))
        .join(Adoption, col(Adoption.version_id) == col(Version.id))
        .join(Publication, col(Publication.version_id) == col(Version.id))
        .where(col(WorkingGroup.slug) == group_slug)
        .order_by(col(Document.title), col(Version.number))
    )
    if document_slug is not None:
        statement = statement.where(col(Document.slug) == document_slug)
    return [PublishedVersion(*row) for row in session.execute(statement).all()]


def open_clauses(session: Session, version_id: int) -> list[str]:
    """The numbers of a version's clauses still open (bracketed), in order."""
    return list(
        session.execute(
            select(col(Clause.number))
            .where(col(Clause.version_id) == version_id, col(Clause.status) == ClauseStatus.open.value)
            .order_by(col(Clause.position))
        ).scalars()
    )


def undecided_amendments(session: Session, version_id: int) -> list[int]:
    """The ids of a version's amendments still proposed, in order."""
    return list(
        session.execute(
            select(col(Amendment.id))
            .where(col(Amendment.version_id) == version_id, col(Amendment.status) == AmendmentStatus.proposed.value)
            .order_by(col(Amendment.id))
        ).scalars()
    )
