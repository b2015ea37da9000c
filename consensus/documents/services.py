"""Reading a document: a version with its clauses, and the list of versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from consensus.errors import NotFound
from consensus.i18n import _
from consensus.models import Clause, Document, Version, WorkingGroup


@dataclass(frozen=True, slots=True)
class ClauseView:
    number: str
    heading: str
    text: str
    status: str
    lineage: str
    depth: int

    @property
    def anchor(self) -> str:
        return f"clause-{self.number}"


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


def read_document(session: Session, group_slug: str, document_slug: str, version: int | None = None) -> DocumentView:
    """A document at one version (the latest by default) with its clauses in order."""
    row = session.execute(
        select(Document, WorkingGroup)
        .join(WorkingGroup, WorkingGroup.id == Document.group_id)
        .where(WorkingGroup.slug == group_slug, Document.slug == document_slug)
    ).first()
    if row is None:
        raise NotFound(_("There is no document {document} in this group.").format(document=document_slug))
    document, group = row
    versions = list(
        session.execute(select(Version).where(Version.document_id == document.id).order_by(Version.number)).scalars()
    )
    if not versions:
        raise NotFound(_("The document {document} has no text yet.").format(document=document_slug))
    if version is None:
        chosen = versions[-1]
    else:
        chosen = next((v for v in versions if v.number == version), None)
        if chosen is None:
            raise NotFound(
                _("The document {document} has no version {version}.").format(document=document_slug, version=version)
            )
    clauses = [
        ClauseView(number, heading, text, status, lineage, number.count("."))
        for number, heading, text, status, lineage in session.execute(
            select(Clause.number, Clause.heading, Clause.text, Clause.status, Clause.lineage)
            .where(Clause.version_id == chosen.id)
            .order_by(Clause.position)
        ).all()
    ]
    return DocumentView(
        group_slug=group.slug,
        group_name=group.name,
        slug=document.slug,
        title=document.title,
        status=document.status,
        version=chosen.number,
        latest_version=versions[-1].number,
        version_created_at=chosen.created_at,
        superseded=chosen.superseded_at is not None,
        clauses=clauses,
        versions=[VersionSummary(v.number, v.created_at, v.superseded_at is not None, v.note) for v in versions],
    )
