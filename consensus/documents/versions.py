"""Consolidating a version's accepted amendments into the next version, and comparing versions."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlmodel import Session, col

from consensus import i18n
from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.core.compare import Comparison, compare
from consensus.core.consolidation import (
    AmendmentValue,
    Clash,
    ClauseValue,
    Consolidation,
    WinningAlternative,
    clash_words,
    consolidate,
    consolidation_refusal,
    find_clashes,
    winner_clashes,
)
from consensus.core.tally import OPTION_RULES, option_letter, option_number
from consensus.db import utcnow, write_transaction
from consensus.documents.corrections import CorrectionView, corrections_of
from consensus.errors import Conflict, Invalid, refusal_error
from consensus.i18n import _
from consensus.lookups import VersionRef, undecided_amendments, version_in_group
from consensus.models import Amendment, AmendmentStatus, Clause, Round, RoundStatus, Version
from consensus.validation import Fields


def clash_text(clash: Clash) -> str:
    """A clash between accepted amendments or chosen alternatives, in the reader's language."""
    return _(clash_words(clash)).format(
        first=clash.first, second=clash.second, clause=clash.clause, reason=_(clash.reason)
    )


class ConsolidationRefused(Conflict):
    """Consolidation refused (409): accepted amendments that clash, each pair named."""

    def __init__(self, clashes: list[Clash]) -> None:
        self.clashes = clashes
        super().__init__(
            _("The accepted amendments conflict, so no new version was made: {conflicts}").format(
                conflicts="; ".join(clash_text(c) for c in clashes)
            )
        )


@dataclass(frozen=True, slots=True)
class ConsolidationPlan:
    """What consolidating now would do: the amendments it applies, the ones left, the clashes."""

    version: VersionRef
    accepted: list[tuple[int, str, str]]
    """(amendment id, kind, clause number) of the accepted amendments to apply."""
    undecided: int
    clashes: list[Clash]
    may_consolidate: bool = False
    """Whether the one asking may consolidate now (``core.consolidation.consolidation_refusal``)."""
    winners: list[WinnerView] = field(default_factory=list)
    """The alternatives chosen by options rounds that consolidating writes in."""


@dataclass(frozen=True, slots=True)
class WinnerView:
    """An alternative an options round chose, as the versions page lists it."""

    round_id: int
    clause: str
    letter: str
    text: str


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


def _winners(session: Session, version_id: int) -> list[tuple[WinningAlternative, str]]:
    """The alternatives chosen by the options rounds on the version that closed with a winner, each
    with its clause's number (one query)."""
    rows = session.execute(
        select(col(Round.id), col(Round.alternatives), col(Round.options), col(Round.result), col(Clause.lineage))
        .add_columns(col(Clause.number))
        .join(Clause, col(Clause.id) == col(Round.clause_id))
        .where(
            col(Round.version_id) == version_id,
            col(Round.status) == RoundStatus.closed.value,
            col(Round.rule).in_(OPTION_RULES),
            col(Round.passed).is_(True),
            col(Round.alternatives).is_not(None),
        )
        .order_by(col(Round.id))
    ).all()
    winners = []
    for round_id, index, options, result, lineage, number in rows:
        chosen = option_number(str(json.loads(result or "{}").get("winner") or ""))
        snapshot = json.loads(options or "{}")
        if chosen is None:
            continue
        voted = tuple(str(option) for option in snapshot.get("options", []))
        winners.append(
            (WinningAlternative(round_id, lineage, index, chosen, str(snapshot.get("text", "")), voted), number)
        )
    return winners


def plan(session: Session, group_slug: str, document_slug: str, role: str = "") -> ConsolidationPlan:
    """What consolidating the latest version would do now, and whether ``role`` may do it."""
    ref = version_in_group(session, group_slug, document_slug)
    accepted = _accepted(session, ref.version_id)
    clauses = _clauses(session, ref.version_id)
    winners = _winners(session, ref.version_id)
    amendments = [a for a, _number in accepted]
    return ConsolidationPlan(
        version=ref,
        accepted=[(a.id, a.kind, number) for a, number in accepted],
        undecided=len(undecided_amendments(session, ref.version_id)),
        clashes=find_clashes(clauses, amendments) + winner_clashes(clauses, amendments, [w for w, _n in winners]),
        may_consolidate=consolidation_refusal(role, ref.number, ref.adopted) is None,
        winners=[
            WinnerView(
                w.round_id,
                number,
                option_letter(w.number),
                w.options[w.number - 1] if w.number <= len(w.options) else "",
            )
            for w, number in winners
        ],
    )


def consolidate_version(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, note: str = ""
) -> int:
    """Build version n+1 from version n and its accepted amendments, in one transaction.

    Clashing amendments refuse the whole consolidation (nothing is written). Amendments still
    proposed stay on version n, which becomes read-only.
    """
    membership = user.member_of(group_slug)
    with write_transaction(session):
        ref = version_in_group(session, group_slug, document_slug)
        refusal = consolidation_refusal(membership.role, ref.number, ref.adopted)
        if refusal is not None:
            raise refusal_error(refusal)
        fields = Fields()
        note = fields.text("note", note, _("The note"), required=False, limit=2000)
        fields.done()
        accepted = [a for a, _number in _accepted(session, ref.version_id)]
        winners = [w for w, _number in _winners(session, ref.version_id)]
        if not accepted and not winners:
            raise Invalid(
                {
                    "amendments": _(
                        "Version {n} has no accepted amendments and no alternatives chosen: there is nothing to "
                        "consolidate."
                    ).format(n=ref.number)
                }
            )
        result = consolidate(_clauses(session, ref.version_id), accepted, lambda: str(uuid.uuid4()), winners)
        if not result.ok:
            raise ConsolidationRefused(list(result.clashes))
        version = _write_next_version(session, user, ref, result, note)
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
                **({"rounds": list(result.resolved)} if result.resolved else {}),
            },
        )
        return version.number


def _write_next_version(
    session: Session, user: CurrentUser, ref: VersionRef, result: Consolidation, note: str
) -> Version:
    """Supersede ``ref`` and store the version after it, with its clauses and the amendments it applied."""
    now = utcnow()
    session.execute(update(Version).where(col(Version.id) == ref.version_id).values(superseded_at=now))
    if not note:
        # Part of the document's record: written in the document's language, not the clerk's.
        with i18n.use(ref.document_language):
            note = _consolidation_note(ref.number, result)
    version = Version(
        document_id=ref.document_id, number=ref.number + 1, note=note, created_at=now, created_by_id=user.id
    )
    session.add(version)
    session.flush()
    assert version.id is not None
    session.add_all(
        Clause(
            version_id=version.id,
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
    return version


def _consolidation_note(number: int, result: Consolidation) -> str:
    """The new version's default note, in the current language: the amendments and the options
    rounds it was made with."""
    amendments = ", ".join(str(i) for i in result.applied)
    rounds = ", ".join(str(i) for i in result.resolved)
    if not result.resolved:
        return _("Consolidated from version {n} with amendments {ids}.").format(n=number, ids=amendments)
    if not result.applied:
        return _("Consolidated from version {n} with the alternatives chosen in rounds {rounds}.").format(
            n=number, rounds=rounds
        )
    return _(
        "Consolidated from version {n} with amendments {ids} and the alternatives chosen in rounds {rounds}."
    ).format(n=number, ids=amendments, rounds=rounds)


@dataclass(frozen=True, slots=True)
class VersionComparison:
    old: VersionRef
    new: VersionRef
    comparison: Comparison
    corrections: list[CorrectionView] = field(default_factory=list)
    """The editorial corrections made to the versions compared and those between them."""


def compare_versions(session: Session, group_slug: str, document_slug: str, old: int, new: int) -> VersionComparison:
    """Any two versions of a document, clause by clause (matched by lineage)."""
    old_ref = version_in_group(session, group_slug, document_slug, old)
    new_ref = version_in_group(session, group_slug, document_slug, new)
    low, high = sorted((old_ref.number, new_ref.number))
    return VersionComparison(
        old_ref,
        new_ref,
        compare(_clauses(session, old_ref.version_id), _clauses(session, new_ref.version_id)),
        corrections_of(session, new_ref.document_id, low, high),
    )
