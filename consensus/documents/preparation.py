"""Documents in preparation: created from a draft (typed, pasted or imported), edited in place by
the secretariat (title, language, clauses, headings, order), then circulated as version 1.

Each change is one transaction with its audit event; the rules are ``core.documents``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.core.audit import content_digest
from consensus.core.clauses import Draft, DraftClause
from consensus.core.documents import (
    PREPARATION,
    circulate_refusal,
    draft_problems,
    edit_refusal,
    language_refusal,
    normalised,
    slug_refusal,
)
from consensus.core.refusal import Refusal
from consensus.db import write_transaction
from consensus.errors import Invalid, refusal_error, refusal_text
from consensus.lookups import document_in_group, group_by_slug
from consensus.models import Clause, Document, DocumentStatus, Version


@dataclass(frozen=True, slots=True)
class NewDocument:
    """What the secretariat asks for: the document's address name and language, and its draft."""

    slug: str
    language: str
    draft: Draft


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document as the secretariat and the chair read it while it is in preparation (and its
    latest text afterwards)."""

    group_slug: str
    slug: str
    title: str
    status: str
    language: str
    clauses: tuple[DraftClause, ...]
    role: str

    @property
    def draft(self) -> Draft:
        return Draft(self.title, self.clauses)

    @property
    def may_edit(self) -> bool:
        return edit_refusal(self.role, self.status) is None

    @property
    def may_circulate(self) -> bool:
        return circulate_refusal(self.role, self.status, len(self.clauses)) is None


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


def _invalid(problems: list[Refusal]) -> None:
    if problems:
        errors: dict[str, str] = {}
        for problem in problems:
            errors.setdefault(problem.field, refusal_text(problem))
        raise Invalid(errors)


def _slug_taken(session: Session, group_id: int, slug: str) -> bool:
    return (
        session.execute(
            select(col(Document.id)).where(col(Document.group_id) == group_id, col(Document.slug) == slug)
        ).first()
        is not None
    )


def check_new_document(session: Session, user: CurrentUser, group_slug: str, asked: NewDocument) -> NewDocument:
    """The new document as it would be saved, or Invalid naming every field at fault: what the
    preview asks, and the save again."""
    role = user.member_of(group_slug).role
    _refuse(edit_refusal(role, PREPARATION))
    group = group_by_slug(session, group_slug)
    assert group.id is not None
    slug = asked.slug.strip()
    language = asked.language.strip() or "en"
    taken = slug_refusal(slug, False) is None and _slug_taken(session, group.id, slug)
    problems = [p for p in (slug_refusal(slug, taken), language_refusal(language)) if p is not None]
    draft = normalised(asked.draft)
    _invalid(problems + draft_problems(draft))
    return NewDocument(slug, language, draft)


def _write_clauses(session: Session, version_id: int, clauses: tuple[DraftClause, ...]) -> None:
    session.add_all(
        Clause(
            version_id=version_id,
            position=position,
            number=clause.number,
            heading=clause.heading,
            text=clause.text,
            lineage=str(uuid.uuid4()),
        )
        for position, clause in enumerate(clauses)
    )


def _digest(draft: Draft, language: str) -> str:
    return content_digest(draft.title, language, [(c.number, c.heading, c.text) for c in draft.clauses])


def create_document(session: Session, user: CurrentUser, group_slug: str, asked: NewDocument) -> str:
    """Save a new document in preparation with its clauses (as version 1, not yet circulated)."""
    with write_transaction(session):
        checked = check_new_document(session, user, group_slug, asked)
        group = group_by_slug(session, group_slug)
        assert group.id is not None
        document = Document(
            group_id=group.id,
            slug=checked.slug,
            title=checked.draft.title,
            status=DocumentStatus.preparation.value,
            language=checked.language,
        )
        session.add(document)
        session.flush()
        assert document.id is not None
        version = Version(document_id=document.id, number=1, created_by_id=user.id)
        session.add(version)
        session.flush()
        assert version.id is not None
        _write_clauses(session, version.id, checked.draft.clauses)
        audit.record(
            session,
            user.actor(group_slug),
            "document.create",
            "document",
            document.id,
            group_id=group.id,
            details={
                "document": checked.slug,
                "title": checked.draft.title,
                "language": checked.language,
                "clauses": len(checked.draft.clauses),
                "content": _digest(checked.draft, checked.language),
            },
        )
        return checked.slug


def _loaded(session: Session, group_slug: str, document_slug: str) -> tuple[Document, Version, tuple[DraftClause, ...]]:
    document, _group = document_in_group(session, group_slug, document_slug)
    version = session.execute(
        select(Version).where(col(Version.document_id) == document.id).order_by(col(Version.number).desc()).limit(1)
    ).scalar_one()
    clauses = tuple(
        DraftClause(number, heading, text)
        for number, heading, text in session.execute(
            select(col(Clause.number), col(Clause.heading), col(Clause.text))
            .where(col(Clause.version_id) == version.id)
            .order_by(col(Clause.position))
        ).all()
    )
    return document, version, clauses


def read_prepared(session: Session, user: CurrentUser, group_slug: str, document_slug: str) -> PreparedDocument:
    """A document with its latest text, as the secretariat edits it (the chair reads it)."""
    role = user.member_of(group_slug).role
    document, _version, clauses = _loaded(session, group_slug, document_slug)
    return PreparedDocument(
        group_slug, document.slug, document.title, document.status, document.language, clauses, role
    )


Change = Callable[[Draft], Draft]


def edit_document(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    change: Change,
    what: str,
    *,
    language: str | None = None,
    details: dict[str, object] | None = None,
) -> PreparedDocument:
    """Apply ``change`` (one of the corrections of ``core.documents`` or ``core.clauses``, or a
    whole new text) to a document in preparation, and its ``language`` when given; ``what`` names
    the change in the audit event. Nothing is written when the result breaks a limit."""
    role = user.member_of(group_slug).role
    with write_transaction(session):
        document, version, clauses = _loaded(session, group_slug, document_slug)
        _refuse(edit_refusal(role, document.status))
        before = Draft(document.title, clauses)
        after = normalised(change(before))
        language = document.language if language is None else language.strip()
        _invalid([p for p in (language_refusal(language),) if p is not None] + draft_problems(after))
        if after.clauses != before.clauses:
            assert version.id is not None
            session.execute(delete(Clause).where(col(Clause.version_id) == version.id))
            session.flush()
            _write_clauses(session, version.id, after.clauses)
        if (after.title, language) != (document.title, document.language):
            document.title, document.language = after.title, language
            session.add(document)
        audit.record(
            session,
            user.actor(group_slug),
            f"document.{what}",
            "document",
            document.id,
            group_id=document.group_id,
            details={
                "document": document.slug,
                **(details or {}),
                "clauses": len(after.clauses),
                "content": _digest(after, language),
            },
        )
        return PreparedDocument(group_slug, document.slug, after.title, document.status, language, after.clauses, role)


def circulate(session: Session, user: CurrentUser, group_slug: str, document_slug: str) -> PreparedDocument:
    """Circulate a document in preparation: it opens to the whole group, and version 1 is frozen as
    it stands (its text then changes only through amendments and consolidation)."""
    role = user.member_of(group_slug).role
    with write_transaction(session):
        document, version, clauses = _loaded(session, group_slug, document_slug)
        _refuse(circulate_refusal(role, document.status, len(clauses)))
        document.status = DocumentStatus.open.value
        session.add(document)
        audit.record(
            session,
            user.actor(group_slug),
            "document.circulate",
            "document",
            document.id,
            group_id=document.group_id,
            details={
                "document": document.slug,
                "version": version.number,
                "content": _digest(Draft(document.title, clauses), document.language),
            },
        )
        return PreparedDocument(
            group_slug, document.slug, document.title, document.status, document.language, clauses, role
        )
