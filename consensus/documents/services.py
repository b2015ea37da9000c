"""Reading a document: a version with its clauses (and what was said about them), the list of
versions, and finding one clause."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from consensus.errors import Conflict, NotFound
from consensus.i18n import _
from consensus.models import (
    Adoption,
    Amendment,
    AmendmentStatus,
    Clause,
    Comment,
    Document,
    Publication,
    Version,
    WorkingGroup,
)


@dataclass(frozen=True, slots=True)
class ClauseView:
    number: str
    heading: str
    text: str
    status: str
    lineage: str
    depth: int
    comments: int = 0
    """Comments (and replies) on this clause in this version, withdrawn ones left out."""
    earlier_comments: int = 0
    """Comments on the same clause (same lineage) in earlier versions."""
    amendments: int = 0
    """Amendments to this clause in this version that are still proposed."""

    @property
    def anchor(self) -> str:
        return f"clause-{self.number}"

    @property
    def key(self) -> str:
        """The number as a DOM id part: dots would read as CSS classes in htmx selectors."""
        return self.number.replace(".", "-")


@dataclass(frozen=True, slots=True)
class VersionSummary:
    number: int
    created_at: datetime
    superseded: bool
    note: str


@dataclass(frozen=True, slots=True)
class DocumentView:
    group_slug: str
    group_name: str
    slug: str
    title: str
    status: str
    version: int
    latest_version: int
    version_created_at: datetime
    superseded: bool
    clauses: list[ClauseView]
    versions: list[VersionSummary]
    note: str = ""
    adopted: bool = False
    published: bool = False
    ref: VersionRef | None = None
    language: str = "en"
    """The language the text is written in."""

    @property
    def frozen(self) -> bool:
        return self.superseded or self.adopted


@dataclass(frozen=True, slots=True)
class VersionRef:
    """One version of a document, located from the slugs and number in a URL."""

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
    def is_latest(self) -> bool:
        return self.number == self.latest_number

    @property
    def frozen(self) -> bool:
        """Superseded (read-only) or adopted (frozen): nothing in it may change."""
        return self.superseded or self.adopted


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


def _document(session: Session, group_slug: str, document_slug: str) -> tuple[Document, WorkingGroup]:
    row = session.execute(
        select(Document, WorkingGroup)
        .join(WorkingGroup, WorkingGroup.id == Document.group_id)
        .where(WorkingGroup.slug == group_slug, Document.slug == document_slug)
    ).first()
    if row is None:
        raise NotFound(_("There is no document {document} in this group.").format(document=document_slug))
    return row[0], row[1]


def locate_version(session: Session, group_slug: str, document_slug: str, version: int | None = None) -> VersionRef:
    """A version of a document (the latest by default), or NotFound naming what is missing."""
    document, group = _document(session, group_slug, document_slug)
    rows = session.execute(
        select(Version, Adoption.id, Publication.id)
        .outerjoin(Adoption, Adoption.version_id == Version.id)
        .outerjoin(Publication, Publication.version_id == Version.id)
        .where(Version.document_id == document.id)
        .order_by(Version.number)
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
    adopted = adoption_id is not None
    published = publication_id is not None
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
        adopted=adopted,
        published=published,
    )


def require_current(version: VersionRef) -> None:
    """Refuse changes to a superseded version (it is read-only) or an adopted one (it is frozen)."""
    if version.adopted:
        raise Conflict(
            _("Version {version} has been adopted and is frozen: nothing in it can change.").format(
                version=version.number
            )
        )
    if version.superseded:
        raise Conflict(
            _(
                "Version {version} has been superseded by version {latest} and is read-only: "
                "work on the latest version."
            ).format(version=version.number, latest=version.latest_number)
        )


def locate_clause(
    session: Session, group_slug: str, document_slug: str, number: str, version: int | None = None
) -> ClauseRef:
    """A clause of a version (the latest by default), or NotFound naming the clause."""
    ref = locate_version(session, group_slug, document_slug, version)
    clause = session.execute(
        select(Clause).where(Clause.version_id == ref.version_id, Clause.number == number)
    ).scalar_one_or_none()
    if clause is None:
        raise NotFound(
            _("Version {version} of {document} has no clause {number}.").format(
                version=ref.number, document=document_slug, number=number
            )
        )
    assert clause.id is not None
    return ClauseRef(ref, clause.id, clause.lineage, clause.number, clause.heading, clause.text, clause.status)


def read_document(session: Session, group_slug: str, document_slug: str, version: int | None = None) -> DocumentView:
    """A document at one version (the latest by default) with its clauses in order, each with how
    much was said about it. A fixed number of queries, whatever the size of the document."""
    ref = locate_version(session, group_slug, document_slug, version)
    comment_counts = dict(
        session.execute(
            select(Comment.clause_id, func.count())
            .join(Clause, Clause.id == Comment.clause_id)
            .where(Clause.version_id == ref.version_id, Comment.withdrawn_at.is_(None))  # type: ignore[union-attr]
            .group_by(Comment.clause_id)
        ).all()
    )
    earlier_counts = dict(
        session.execute(
            select(Comment.lineage, func.count())
            .join(Clause, Clause.id == Comment.clause_id)
            .join(Version, Version.id == Clause.version_id)
            .where(
                Version.document_id == ref.document_id,
                Version.number < ref.number,
                Comment.withdrawn_at.is_(None),  # type: ignore[union-attr]
            )
            .group_by(Comment.lineage)
        ).all()
    )
    amendment_counts = dict(
        session.execute(
            select(Amendment.clause_id, func.count())
            .where(Amendment.version_id == ref.version_id, Amendment.status == AmendmentStatus.proposed.value)
            .group_by(Amendment.clause_id)
        ).all()
    )
    clauses = [
        ClauseView(
            number,
            heading,
            text,
            status,
            lineage,
            number.count("."),
            comment_counts.get(clause_id, 0),
            earlier_counts.get(lineage, 0),
            amendment_counts.get(clause_id, 0),
        )
        for clause_id, number, heading, text, status, lineage in session.execute(
            select(Clause.id, Clause.number, Clause.heading, Clause.text, Clause.status, Clause.lineage)
            .where(Clause.version_id == ref.version_id)
            .order_by(Clause.position)
        ).all()
    ]
    chosen = next(v for v in ref.versions if v.number == ref.number)
    return DocumentView(
        group_slug=ref.group_slug,
        group_name=ref.group_name,
        slug=ref.document_slug,
        title=ref.document_title,
        status=ref.document_status,
        version=ref.number,
        latest_version=ref.latest_number,
        version_created_at=chosen.created_at,
        superseded=ref.superseded,
        clauses=clauses,
        versions=list(ref.versions),
        note=chosen.note,
        adopted=ref.adopted,
        published=ref.published,
        ref=ref,
        language=ref.document_language,
    )
