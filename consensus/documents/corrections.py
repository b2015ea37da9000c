"""Editorial corrections: the secretariat corrects a typo in a clause of a circulated document's
latest version, in place. Each is recorded with the words before and after, its reason, who made it
and when, audited, shown on the clause and listed in the version comparison. What may be corrected
is ``core.documents.correction_refusal``: a few words at most, on a clause no open round or pending
amendment is about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.core.audit import content_digest
from consensus.core.diff import TextDiff, word_diff
from consensus.core.documents import CorrectionFacts, correction_change, correction_refusal
from consensus.db import write_transaction
from consensus.errors import refusal_error
from consensus.i18n import _
from consensus.lookups import ClauseRef, clause_in_group
from consensus.models import (
    Amendment,
    AmendmentStatus,
    Clause,
    EditorialCorrection,
    Round,
    RoundStatus,
    User,
    Version,
)
from consensus.validation import BODY_LIMIT, CLAUSE_TEXT_LIMIT, HEADING_LIMIT, Fields


@dataclass(frozen=True, slots=True)
class CorrectionView:
    """One editorial correction as everyone reads it."""

    clause_id: int
    number: str
    version: int
    old_heading: str
    new_heading: str
    old_text: str
    new_text: str
    reason: str
    corrected_by: str
    corrected_at: datetime

    @property
    def text_diff(self) -> TextDiff:
        return word_diff(self.old_text, self.new_text)

    @property
    def heading_changed(self) -> bool:
        return self.old_heading != self.new_heading

    @property
    def words(self) -> int:
        return correction_change(self.old_heading, self.old_text, self.new_heading, self.new_text).words


def _facts(session: Session, role: str, clause: ClauseRef) -> CorrectionFacts:
    rounds = session.execute(
        select(func.count())
        .select_from(Round)
        .where(
            col(Round.version_id) == clause.version.version_id,
            col(Round.status).in_([RoundStatus.draft.value, RoundStatus.open.value]),
            or_(col(Round.clause_id) == clause.clause_id, col(Round.clause_id).is_(None)),
        )
    ).scalar_one()
    pending = session.execute(
        select(func.count())
        .select_from(Amendment)
        .where(
            col(Amendment.clause_id) == clause.clause_id,
            or_(
                col(Amendment.status) == AmendmentStatus.proposed.value,
                (col(Amendment.status) == AmendmentStatus.accepted.value)
                & col(Amendment.applied_in_version_id).is_(None),
            ),
        )
    ).scalar_one()
    ref = clause.version
    frozen = None if ref.preparation else ref.frozen_refusal
    return CorrectionFacts(role, ref.document_status, frozen, rounds, pending)


def correct_clause(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    number: str,
    text: str,
    reason: str,
    heading: str | None = None,
) -> CorrectionView:
    """Correct a clause of the latest version editorially (its text, and its heading when given)."""
    role = user.member_of(group_slug).role
    fields = Fields()
    text = fields.text("text", text, _("The text"), required=True, limit=CLAUSE_TEXT_LIMIT)
    reason = fields.text("reason", reason, _("The reason"), required=True, limit=BODY_LIMIT)
    new_heading = fields.text("heading", heading, _("The heading"), required=False, limit=HEADING_LIMIT)
    fields.done()
    with write_transaction(session):
        clause = clause_in_group(session, group_slug, document_slug, number)
        new_heading = clause.heading if heading is None else new_heading
        change = correction_change(clause.heading, clause.text, new_heading, text)
        refusal = correction_refusal(_facts(session, role, clause), change, reason)
        if refusal is not None:
            raise refusal_error(refusal)
        row = session.get(Clause, clause.clause_id)
        assert row is not None
        row.heading, row.text = new_heading, text
        session.add(row)
        correction = EditorialCorrection(
            clause_id=clause.clause_id,
            version_id=clause.version.version_id,
            lineage=clause.lineage,
            number=clause.number,
            old_heading=clause.heading,
            new_heading=new_heading,
            old_text=clause.text,
            new_text=text,
            reason=reason,
            corrected_by_id=user.id,
        )
        session.add(correction)
        session.flush()
        audit.record(
            session,
            user.actor(group_slug),
            "clause.correct",
            "clause",
            clause.clause_id,
            group_id=clause.version.group_id,
            details={
                "document": document_slug,
                "version": clause.version.number,
                "clause": clause.number,
                "words": change.words,
                "reason": reason,
                "before": content_digest(clause.heading, clause.text),
                "after": content_digest(new_heading, text),
            },
        )
        return CorrectionView(
            clause.clause_id,
            clause.number,
            clause.version.number,
            clause.heading,
            new_heading,
            clause.text,
            text,
            reason,
            user.name,
            correction.corrected_at,
        )


def corrections_of(session: Session, document_id: int, first: int, last: int) -> list[CorrectionView]:
    """The editorial corrections made to versions ``first`` to ``last`` of a document, oldest first."""
    return [
        CorrectionView(
            row.clause_id,
            row.number,
            version_number,
            row.old_heading,
            row.new_heading,
            row.old_text,
            row.new_text,
            row.reason,
            name or "",
            row.corrected_at,
        )
        for row, version_number, name in session.execute(
            select(EditorialCorrection, col(Version.number), col(User.name))
            .join(Version, col(Version.id) == col(EditorialCorrection.version_id))
            .outerjoin(User, col(User.id) == col(EditorialCorrection.corrected_by_id))
            .where(
                col(Version.document_id) == document_id,
                col(Version.number) >= first,
                col(Version.number) <= last,
            )
            .order_by(col(EditorialCorrection.id))
        ).all()
    ]
