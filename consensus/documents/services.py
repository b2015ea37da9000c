"""Reading a document: a version with its clauses and what was said about them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from consensus.accounts.identity import GroupMembership
from consensus.agreement.services import is_head
from consensus.core.amendment import Member, propose_refusal
from consensus.core.documents import SECRETARIAT
from consensus.core.positions import clause_status_refusal, position_refusal
from consensus.core.rounds import chair_refusal
from consensus.lookups import VersionRef, VersionSummary, version_in_group
from consensus.models import (
    Amendment,
    AmendmentStatus,
    Clause,
    Comment,
    EditorialCorrection,
    Version,
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
    corrected_at: datetime | None = None
    """When the secretariat last corrected it editorially (None: never)."""

    @property
    def anchor(self) -> str:
        return f"clause-{self.number}"

    @property
    def key(self) -> str:
        """The number as a DOM id part: dots would read as CSS classes in htmx selectors."""
        return self.number.replace(".", "-")


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
    ref: VersionRef
    note: str = ""
    adopted: bool = False
    published: bool = False
    language: str = "en"
    """The language the text is written in."""

    @property
    def frozen(self) -> bool:
        return self.superseded or self.adopted


def read_document(session: Session, group_slug: str, document_slug: str, version: int | None = None) -> DocumentView:
    """A document at one version (the latest by default) with its clauses in order, each with how
    much was said about it. A fixed number of queries, whatever the size of the document."""
    ref = version_in_group(session, group_slug, document_slug, version)
    comment_counts = dict(
        session.execute(
            select(col(Comment.clause_id), func.count())
            .join(Clause, col(Clause.id) == col(Comment.clause_id))
            .where(col(Clause.version_id) == ref.version_id, col(Comment.withdrawn_at).is_(None))
            .group_by(col(Comment.clause_id))
        ).all()
    )
    earlier_counts = dict(
        session.execute(
            select(col(Comment.lineage), func.count())
            .join(Clause, col(Clause.id) == col(Comment.clause_id))
            .join(Version, col(Version.id) == col(Clause.version_id))
            .where(
                col(Version.document_id) == ref.document_id,
                col(Version.number) < ref.number,
                col(Comment.withdrawn_at).is_(None),
            )
            .group_by(col(Comment.lineage))
        ).all()
    )
    amendment_counts = dict(
        session.execute(
            select(col(Amendment.clause_id), func.count())
            .where(col(Amendment.version_id) == ref.version_id, col(Amendment.status) == AmendmentStatus.proposed.value)
            .group_by(col(Amendment.clause_id))
        ).all()
    )
    corrected = dict(
        session.execute(
            select(col(EditorialCorrection.clause_id), func.max(col(EditorialCorrection.corrected_at)))
            .where(col(EditorialCorrection.version_id) == ref.version_id)
            .group_by(col(EditorialCorrection.clause_id))
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
            corrected.get(clause_id),
        )
        for clause_id, number, heading, text, status, lineage in session.execute(
            select(
                col(Clause.id),
                col(Clause.number),
                col(Clause.heading),
                col(Clause.text),
                col(Clause.status),
                col(Clause.lineage),
            )
            .where(col(Clause.version_id) == ref.version_id)
            .order_by(col(Clause.position))
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


@dataclass(frozen=True, slots=True)
class PageActions:
    """What the viewer may do from a version's pages (the document, a clause): the forms and links
    shown are those the rules, asked by the write paths too, allow."""

    propose: bool = False
    """Propose amendments to its clauses (``core.amendment.propose_refusal``)."""
    state_position: bool = False
    """State their delegation's position (``core.positions.position_refusal``)."""
    mark: frozenset[str] = frozenset()
    """The numbers of the clauses whose status they may change (``core.positions.clause_status_refusal``)."""
    correct: bool = False
    """Correct clauses editorially (the secretariat, on a version that may change; the form says
    what else refuses one: ``core.documents.correction_refusal``)."""
    put_alternatives: bool = False
    """Put a clause's alternatives to an options round (the chair runs rounds: ``core.rounds.chair_refusal``;
    on a version that may change)."""


def page_actions(
    membership: GroupMembership | None, ref: VersionRef, clauses: Iterable[tuple[str, str]]
) -> PageActions:
    """What ``membership`` may do on version ``ref``, whose ``clauses`` are (number, status) pairs."""
    if membership is None:
        return PageActions()
    frozen = ref.frozen_refusal
    return PageActions(
        propose=propose_refusal(Member(membership.role, membership.delegation_id), frozen) is None,
        state_position=position_refusal(is_head(membership), frozen) is None,
        mark=frozenset(
            number
            for number, status in clauses
            if clause_status_refusal(membership.role, number, status, frozen) is None
        ),
        correct=membership.role == SECRETARIAT and frozen is None,
        put_alternatives=chair_refusal(membership.role) is None and frozen is None,
    )
