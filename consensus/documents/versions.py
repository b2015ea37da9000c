"""Consolidating a version's accepted amendments into the next version, and comparing versions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from consensus import i18n
from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.core.compare import Comparison, compare
from consensus.core.consolidation import AmendmentValue, ClauseValue, Conflict, consolidate
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict as ConflictError
from consensus.errors import Forbidden, Invalid, NotFound
from consensus.i18n import _
from consensus.lookups import VersionRef, version_in_group
from consensus.models import Amendment, AmendmentStatus, Clause, Role, Version
from consensus.validation import Fields


def conflict_text(conflict: Conflict) -> str:
    """A conflict between two accepted amendments, in the reader's language."""
    return _("Amendments {first} and {second} on clause {clause}: {reason}").format(
        first=conflict.first, second=conflict.second, clause=conflict.clause, reason=_(conflict.reason)
    )


class ConsolidationConflicts(ConflictError):
    """Consolidation refused: accepted amendments that cannot all be applied, each named."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__(
            _("The accepted amendments conflict, so no new version was made: {conflicts}").format(
                conflicts="; ".join(conflict_text(c) for c in conflicts)
            )
        )


@dataclass(frozen=True, slots=True)
class ConsolidationPlan:
    """What consolidating now would do: the amendments it applies, the ones left, the conflicts."""

    version: VersionRef
    accepted: list[tuple[int, str, str]]
    """(amendment id, kind, clause number) of the accepted amendments to apply."""
    undecided: int
    conflicts: list[Conflict]


def _clauses(session: Session, version_id: int) -> list[ClauseValue]:
    return [
        ClauseValue(lineage, number, heading, text, status)
        for lineage, number, heading, text, status in session.execute(
            select(col(Clause.lineage), col(Clause.number), col(Clause.heading), col(Clause.text), col(Clause.status))
            .where(col(Clause.version_id) == version_id)
            .order_by(col(Clause.position))
        ).all()
    ]


def _accepted(session: Session, version_id: int) -> list[tuple[AmendmentValue, str]]:
    return [
        (AmendmentValue(amendment_id, kind, lineage, text, heading), number)
        for amendment_id, kind, lineage, text, heading, number in session.execute(
            select(
                col(Amendment.id),
                col(Amendment.kind),
                col(Amendment.lineage),
                col(Amendment.text),
                col(Amendment.heading),
                col(Clause.number),
            )
            .join(Clause, col(Clause.id) == col(Amendment.clause_id))
            .where(col(Amendment.version_id) == version_id, col(Amendment.status) == AmendmentStatus.accepted.value)
            .order_by(col(Amendment.id))
        ).all()
    ]


def plan(session: Session, group_slug: str, document_slug: str) -> ConsolidationPlan:
    """What consolidating the latest version would do now."""
    ref = version_in_group(session, group_slug, document_slug)
    accepted = _accepted(session, ref.version_id)
    clauses = _clauses(session, ref.version_id)
    from consensus.core.consolidation import find_conflicts

    undecided = session.execute(
        select(func.count()).where(
            col(Amendment.version_id) == ref.version_id, col(Amendment.status) == AmendmentStatus.proposed.value
        )
    ).scalar_one()
    return ConsolidationPlan(
        version=ref,
        accepted=[(a.id, a.kind, number) for a, number in accepted],
        undecided=undecided,
        conflicts=find_conflicts(clauses, [a for a, _number in accepted]),
    )


def consolidate_version(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, note: str = ""
) -> int:
    """Build version n+1 from version n and its accepted amendments, in one transaction.

    Conflicting amendments refuse the whole consolidation (nothing is written). Amendments still
    proposed stay on version n, which becomes read-only.
    """
    membership = user.membership(group_slug)
    if membership is None:
        raise NotFound(_("There is no working group {slug} that you belong to.").format(slug=group_slug))
    if membership.role != Role.secretariat:
        raise Forbidden(_("Only the secretariat consolidates versions."))
    fields = Fields()
    note = fields.text("note", note, _("The note"), required=False, limit=2000)
    fields.done()
    with write_transaction(session):
        ref = version_in_group(session, group_slug, document_slug)
        if ref.adopted:
            raise ConflictError(
                _("Version {n} has been adopted and is frozen: there is no next version.").format(n=ref.number)
            )
        clauses = _clauses(session, ref.version_id)
        accepted = [a for a, _number in _accepted(session, ref.version_id)]
        if not accepted:
            raise Invalid(
                {
                    "amendments": _("Version {n} has no accepted amendments: there is nothing to consolidate.").format(
                        n=ref.number
                    )
                }
            )
        result = consolidate(clauses, accepted, lambda: str(uuid.uuid4()))
        if not result.ok:
            raise ConsolidationConflicts(list(result.conflicts))
        now = utcnow()
        session.execute(update(Version).where(col(Version.id) == ref.version_id).values(superseded_at=now))
        applied = ", ".join(str(i) for i in result.applied)
        if not note:
            # Part of the document's record: written in the document's language, not the clerk's.
            with i18n.use(ref.document_language):
                note = _("Consolidated from version {n} with amendments {ids}.").format(n=ref.number, ids=applied)
        version = Version(
            document_id=ref.document_id,
            number=ref.number + 1,
            note=note,
            created_at=now,
            created_by_id=user.id,
        )
        session.add(version)
        session.flush()
        session.add_all(
            Clause(
                version_id=version.id,  # type: ignore[arg-type]
                position=position,
                number=clause.number,
                heading=clause.heading,
                text=clause.text,
                lineage=clause.lineage,
                status=clause.status,
            )
            for position, clause in enumerate(result.clauses)
        )
        session.execute(
            update(Amendment).where(col(Amendment.id).in_(result.applied)).values(applied_in_version_id=version.id)
        )
        audit.record(
            session,
            user.actor(group_slug),
            "version.consolidate",
            "version",
            version.id,
            group_id=ref.group_id,
            details={
                "document": document_slug,
                "from": ref.number,
                "to": version.number,
                "amendments": list(result.applied),
            },
        )
        return version.number


@dataclass(frozen=True, slots=True)
class VersionComparison:
    old: VersionRef
    new: VersionRef
    comparison: Comparison


def compare_versions(session: Session, group_slug: str, document_slug: str, old: int, new: int) -> VersionComparison:
    """Any two versions of a document, clause by clause (matched by lineage)."""
    old_ref = version_in_group(session, group_slug, document_slug, old)
    new_ref = version_in_group(session, group_slug, document_slug, new)
    return VersionComparison(
        old_ref, new_ref, compare(_clauses(session, old_ref.version_id), _clauses(session, new_ref.version_id))
    )
