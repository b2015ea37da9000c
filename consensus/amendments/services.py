"""Proposing, co-sponsoring, withdrawing and deciding amendments; the chair's compromise texts that
supersede competing ones; lists and diff previews."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Row, delete, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.audit import services as audit
from consensus.core.amendment import (
    COMPROMISE_KINDS,
    AmendmentFacts,
    Member,
    compromise_refusal,
    decide_refusal,
    propose_refusal,
    reopen_refusal,
    sponsor_refusal,
    withdraw_refusal,
)
from consensus.core.diff import TextDiff, word_diff
from consensus.core.refusal import Refusal
from consensus.core.versions import frozen_refusal
from consensus.db import utcnow, write_transaction
from consensus.errors import Invalid, NotFound, refusal_error
from consensus.i18n import _
from consensus.lookups import (
    ClauseRef,
    VersionRef,
    amendment_in_group,
    clause_in_group,
    group_of_amendment,
    version_in_group,
)
from consensus.models import (
    Adoption,
    Amendment,
    AmendmentKind,
    AmendmentSponsor,
    AmendmentStatus,
    Clause,
    Delegation,
    Document,
    Round,
    RoundStatus,
    User,
    Version,
)
from consensus.validation import BODY_LIMIT, CLAUSE_TEXT_LIMIT, HEADING_LIMIT, Fields

KINDS = [k.value for k in AmendmentKind]
STATUSES = [s.value for s in AmendmentStatus]
DECISIONS = [AmendmentStatus.accepted.value, AmendmentStatus.rejected.value]


@dataclass(frozen=True, slots=True)
class AmendmentInput:
    kind: str
    text: str = ""
    rationale: str = ""
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class CompromiseInput:
    """The chair's compromise text, and the ids of the amendments it supersedes."""

    text: str
    rationale: str = ""
    supersedes: tuple[int, ...] = ()
    kind: str = AmendmentKind.replace.value
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class SupersededView:
    """An amendment a compromise superseded, with who proposed and co-sponsored it."""

    id: int
    status: str
    delegation_name: str
    sponsors: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Preview:
    """What an amendment would do to a clause, as a word diff."""

    kind: str
    clause_number: str
    diff: TextDiff | None
    """None when the input is refused, or before any text is typed."""
    heading: str | None
    errors: dict[str, str] = field(default_factory=dict)
    """What saving would refuse, per field (the same check)."""


@dataclass(slots=True)
class AmendmentView:
    id: int
    kind: str
    status: str
    document_slug: str
    document_title: str
    version: int
    latest_version: int
    clause_number: str
    clause_heading: str
    clause_text: str
    heading: str | None
    text: str
    rationale: str
    delegation_code: str | None
    """None for a compromise: the chair proposes it."""
    delegation_name: str
    author_name: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str
    decided_by: str
    applied_in_version: int | None
    sponsors: list[tuple[str, str]] = field(default_factory=list)
    compromise: bool = False
    superseded_by: int | None = None
    """The compromise that superseded it (kept, as history, once that compromise failed)."""
    open_round: bool = False
    """A round on it is open."""
    supersedes: list[SupersededView] = field(default_factory=list)
    """For a compromise: the amendments it superseded."""
    diff: TextDiff | None = None
    # What the viewer may do with it: each flag asks the rule in core.amendment the write path asks.
    can_withdraw: bool = False
    can_sponsor: bool = False
    can_unsponsor: bool = False
    can_decide: bool = False
    can_reopen: bool = False
    can_compromise: bool = False
    """The viewer may propose a compromise superseding it."""

    @property
    def lapsed(self) -> bool:
        """Still proposed, but its version has been superseded: it was not carried over."""
        return self.status == AmendmentStatus.proposed and self.version != self.latest_version


def _member(membership: GroupMembership | None) -> Member:
    """Who asks, as the rules in ``core.amendment`` see them."""
    if membership is None:
        return Member("")
    return Member(membership.role, membership.delegation_id)


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


def _delegation_of(member: Member) -> int:
    """The delegation a delegate acts for (the rules have refused anyone else)."""
    assert member.delegation_id is not None, "only a delegate acting for a delegation gets here"
    return member.delegation_id


def check_amendment(clause: ClauseRef, data: AmendmentInput) -> AmendmentInput:
    """Validate an amendment against the clause it amends; raise Invalid naming the fields."""
    fields = Fields()
    kind = fields.choice("kind", data.kind, _("The kind of amendment"), KINDS)
    text = ""
    heading = None
    if kind in (AmendmentKind.replace, AmendmentKind.insert):
        text = fields.text("text", data.text, _("The amended text"), required=True, limit=CLAUSE_TEXT_LIMIT)
        if data.heading is not None:
            heading = fields.text("heading", data.heading, _("The heading"), required=False, limit=HEADING_LIMIT)
        if kind == AmendmentKind.replace and text == clause.text and heading in (None, clause.heading):
            fields.fail(
                "text", _("The amended text is the same as the current text of clause {n}.").format(n=clause.number)
            )
    elif kind == AmendmentKind.delete and (data.text or "").strip():
        fields.fail("text", _("A deletion takes no text: leave the text empty."))
    rationale = fields.text("rationale", data.rationale, _("The rationale"), required=False, limit=BODY_LIMIT)
    fields.done()
    return AmendmentInput(kind, text, rationale, heading)


def _diff_for(kind: str, clause_text: str, text: str) -> TextDiff:
    if kind == AmendmentKind.replace:
        return word_diff(clause_text, text)
    if kind == AmendmentKind.delete:
        return word_diff(clause_text, "")
    return word_diff("", text)


def preview(
    session: Session,
    group_slug: str,
    document_slug: str,
    number: str,
    data: AmendmentInput,
    version: int | None = None,
) -> Preview:
    """The diff an amendment would make, checked exactly as proposing it is (``check_amendment``):
    refused input gives its errors and no diff. Nothing is saved."""
    clause = clause_in_group(session, group_slug, document_slug, number, version)
    kind = data.kind if data.kind in KINDS else AmendmentKind.replace.value
    try:
        checked = check_amendment(clause, data)
    except Invalid as refusal:
        return Preview(kind, clause.number, None, None, refusal.errors)
    return Preview(checked.kind, clause.number, _diff_for(checked.kind, clause.text, checked.text), checked.heading)


def starting_preview(clause: ClauseRef, kind: str) -> Preview:
    """The preview on a blank form: a deletion shows what goes; other kinds wait for a text."""
    kind = kind if kind in KINDS else AmendmentKind.replace.value
    diff = _diff_for(kind, clause.text, "") if kind == AmendmentKind.delete else None
    return Preview(kind, clause.number, diff, None)


def propose(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    number: str,
    data: AmendmentInput,
    version: int | None = None,
) -> int:
    """A delegation proposes an amendment to a clause of the current version."""
    member = _member(user.member_of(group_slug))
    with write_transaction(session):
        clause = clause_in_group(session, group_slug, document_slug, number, version)
        _refuse(propose_refusal(member, clause.version.frozen_refusal))
        checked = check_amendment(clause, data)
        amendment = Amendment(
            clause_id=clause.clause_id,
            version_id=clause.version.version_id,
            lineage=clause.lineage,
            delegation_id=_delegation_of(member),
            author_id=user.id,
            kind=checked.kind,
            heading=checked.heading,
            text=checked.text,
            rationale=checked.rationale,
        )
        session.add(amendment)
        session.flush()
        audit.record(
            session,
            user.actor(group_slug),
            "amendment.propose",
            "amendment",
            amendment.id,
            group_id=clause.version.group_id,
            details={
                "document": document_slug,
                "version": clause.version.number,
                "clause": clause.number,
                "kind": checked.kind,
            },
        )
        assert amendment.id is not None
        return amendment.id


def group_of(session: Session, user: CurrentUser, amendment_id: int) -> str:
    """The slug of the group an amendment belongs to, if the user is a member of it."""
    slug = group_of_amendment(session, amendment_id)
    if slug is None or user.membership(slug) is None:
        raise NotFound(_("There is no amendment {id}.").format(id=amendment_id))
    return slug


def _facts(session: Session, amendment: Amendment, ref: VersionRef) -> AmendmentFacts:
    """What the rules in ``core.amendment`` ask about an amendment loaded with its version."""
    assert amendment.id is not None
    applied = (
        session.execute(
            select(col(Version.number)).where(col(Version.id) == amendment.applied_in_version_id)
        ).scalar_one()
        if amendment.applied_in_version_id
        else None
    )
    return AmendmentFacts(
        amendment.id,
        amendment.status,
        ref.number,
        ref.frozen_refusal,
        applied,
        amendment.delegation_id,
        amendment.compromise,
        amendment.clause_id,
    )


def withdraw(session: Session, user: CurrentUser, group_slug: str, amendment_id: int) -> None:
    """The proposing delegation withdraws its amendment."""
    member = _member(user.member_of(group_slug))
    with write_transaction(session):
        amendment, ref = amendment_in_group(session, group_slug, amendment_id)
        _refuse(withdraw_refusal(member, _facts(session, amendment, ref)))
        amendment.status = AmendmentStatus.withdrawn.value
        amendment.withdrawn_at = utcnow()
        session.add(amendment)
        audit.record(
            session, user.actor(group_slug), "amendment.withdraw", "amendment", amendment_id, group_id=ref.group_id
        )
        if amendment.compromise:
            _restore_superseded(session, user, group_slug, amendment_id, ref, "withdrawn")


def sponsor(session: Session, user: CurrentUser, group_slug: str, amendment_id: int, *, join: bool = True) -> None:
    """Co-sponsor another delegation's amendment (or stop co-sponsoring it). Doing it twice is harmless."""
    member = _member(user.member_of(group_slug))
    with write_transaction(session):
        amendment, ref = amendment_in_group(session, group_slug, amendment_id)
        _refuse(sponsor_refusal(member, _facts(session, amendment, ref)))
        delegation_id = _delegation_of(member)
        existing = session.execute(
            select(AmendmentSponsor).where(
                col(AmendmentSponsor.amendment_id) == amendment_id,
                col(AmendmentSponsor.delegation_id) == delegation_id,
            )
        ).scalar_one_or_none()
        if join and existing is None:
            session.add(AmendmentSponsor(amendment_id=amendment_id, delegation_id=delegation_id, user_id=user.id))
        elif not join and existing is not None:
            session.execute(delete(AmendmentSponsor).where(col(AmendmentSponsor.id) == existing.id))
        else:
            return
        audit.record(
            session,
            user.actor(group_slug),
            "amendment.cosponsor" if join else "amendment.uncosponsor",
            "amendment",
            amendment_id,
            group_id=ref.group_id,
        )


def _check_decision(decision: str, reason: str) -> tuple[str, str]:
    fields = Fields()
    decision = fields.choice("decision", decision, _("The decision"), DECISIONS)
    reason = fields.text(
        "reason", reason, _("The reason"), required=decision == AmendmentStatus.rejected, limit=BODY_LIMIT
    )
    fields.done()
    return decision, reason


def decide(session: Session, user: CurrentUser, group_slug: str, amendment_id: int, decision: str, reason: str) -> str:
    """The chair accepts or rejects a proposed amendment, with a reason (required to reject)."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        amendment, ref = amendment_in_group(session, group_slug, amendment_id)
        _refuse(decide_refusal(membership.role, _facts(session, amendment, ref)))
        decision, reason = _check_decision(decision, reason)
        amendment.status = decision
        amendment.decision_reason = reason
        amendment.decided_by_id = user.id
        amendment.decided_at = utcnow()
        session.add(amendment)
        audit.record(
            session,
            user.actor(group_slug),
            f"amendment.{decision}",
            "amendment",
            amendment_id,
            group_id=ref.group_id,
            details={"reason": reason},
        )
        if amendment.compromise and decision == AmendmentStatus.rejected:
            _restore_superseded(session, user, group_slug, amendment_id, ref, "rejected")
    return decision


def reopen(session: Session, user: CurrentUser, group_slug: str, amendment_id: int, reason: str = "") -> None:
    """The chair reopens a decided amendment (accepted or rejected) not yet consolidated: it is
    proposed again, to be decided anew (``core.amendment.reopen_refusal`` says when). The decision
    it undoes is kept in the audit event. A compromise proposed again stands again: the amendments
    it superseded stay superseded (accepted), or are superseded anew where they are still proposed
    (rejected: its rejection had given them back)."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        amendment, ref = amendment_in_group(session, group_slug, amendment_id)
        _refuse(reopen_refusal(membership.role, _facts(session, amendment, ref)))
        fields = Fields()
        reason = fields.text("reason", reason, _("The reason"), required=False, limit=BODY_LIMIT)
        fields.done()
        undone = {
            "decision": amendment.status,
            "decided_by": amendment.decided_by_id,
            "decided_at": amendment.decided_at.isoformat() if amendment.decided_at else None,
            "reason": amendment.decision_reason,
        }
        amendment.status = AmendmentStatus.proposed.value
        amendment.decision_reason = ""
        amendment.decided_by_id = None
        amendment.decided_at = None
        session.add(amendment)
        audit.record(
            session,
            user.actor(group_slug),
            "amendment.reopen",
            "amendment",
            amendment_id,
            group_id=ref.group_id,
            details={"reason": reason, "undone": undone},
        )
        if amendment.compromise and undone["decision"] == AmendmentStatus.rejected:
            _supersede(session, user, group_slug, amendment_id, ref.group_id, _proposed_of(session, amendment_id))


def check_compromise(clause: ClauseRef, data: CompromiseInput) -> CompromiseInput:
    """Validate a compromise's text like an amendment's (a new text for the clause, or a new clause
    after it); raise Invalid naming the fields."""
    if data.kind not in COMPROMISE_KINDS:
        raise Invalid({"kind": _("A compromise replaces the text of the clause or inserts a clause after it.")})
    checked = check_amendment(clause, AmendmentInput(data.kind, data.text, data.rationale, data.heading))
    return CompromiseInput(checked.text, checked.rationale, data.supersedes, checked.kind, checked.heading)


def _voted_on(session: Session, amendment_ids: list[int]) -> set[int]:
    """Those of the amendments that an open round is on."""
    return set(
        session.execute(
            select(col(Round.amendment_id)).where(
                col(Round.amendment_id).in_(amendment_ids), col(Round.status) == RoundStatus.open.value
            )
        ).scalars()
    )


def _superseded_facts(session: Session, group_id: int, ids: tuple[int, ...]) -> list[AmendmentFacts]:
    """The amendments a compromise would supersede, locked; an id of no amendment of the group is
    refused naming it."""
    rows = session.execute(
        select(Amendment, col(Version.number))
        .join(Version, col(Version.id) == col(Amendment.version_id))
        .join(Document, col(Document.id) == col(Version.document_id))
        .where(col(Amendment.id).in_(ids), col(Document.group_id) == group_id)
        .with_for_update(of=Amendment)
    ).all()
    found = {amendment.id: (amendment, number) for amendment, number in rows}
    voted_on = _voted_on(session, list(ids))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise Invalid({"supersedes": _("There is no amendment {id} in this group.").format(id=", ".join(missing))})
    return [
        AmendmentFacts(
            i,
            found[i][0].status,
            found[i][1],
            delegation_id=found[i][0].delegation_id,
            compromise=found[i][0].compromise,
            clause_id=found[i][0].clause_id,
            open_round=i in voted_on,
        )
        for i in ids
    ]


def propose_compromise(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    number: str,
    data: CompromiseInput,
    version: int | None = None,
) -> int:
    """The chair (or the secretariat for the chair) proposes a compromise on a clause: the
    amendments it supersedes are marked superseded and point at it, all in one transaction with an
    audit event for the compromise and one for each amendment it sets aside."""
    membership = user.member_of(group_slug)
    supersedes = tuple(dict.fromkeys(data.supersedes))
    with write_transaction(session):
        clause = clause_in_group(session, group_slug, document_slug, number, version)
        facts = _superseded_facts(session, clause.version.group_id, supersedes)
        _refuse(compromise_refusal(membership.role, clause.version.frozen_refusal, clause.clause_id, facts))
        checked = check_compromise(clause, data)
        compromise = Amendment(
            clause_id=clause.clause_id,
            version_id=clause.version.version_id,
            lineage=clause.lineage,
            delegation_id=None,
            compromise=True,
            author_id=user.id,
            kind=checked.kind,
            heading=checked.heading,
            text=checked.text,
            rationale=checked.rationale,
        )
        session.add(compromise)
        session.flush()
        assert compromise.id is not None
        audit.record(
            session,
            user.actor(group_slug),
            "amendment.compromise",
            "amendment",
            compromise.id,
            group_id=clause.version.group_id,
            details={
                "document": document_slug,
                "version": clause.version.number,
                "clause": clause.number,
                "kind": checked.kind,
                "supersedes": list(supersedes),
                "for_the_chair": membership.role != "chair",
            },
        )
        _supersede(session, user, group_slug, compromise.id, clause.version.group_id, list(supersedes))
        return compromise.id


def _supersede(
    session: Session, user: CurrentUser, group_slug: str, compromise_id: int, group_id: int, ids: list[int]
) -> None:
    """Mark the amendments ``ids`` superseded by the compromise, each with its audit event."""
    if not ids:
        return
    session.execute(
        update(Amendment)
        .where(col(Amendment.id).in_(ids))
        .values(status=AmendmentStatus.superseded.value, superseded_by_id=compromise_id)
    )
    for amendment_id in ids:
        audit.record(
            session,
            user.actor(group_slug),
            "amendment.supersede",
            "amendment",
            amendment_id,
            group_id=group_id,
            details={"compromise": compromise_id},
        )


def _proposed_of(session: Session, compromise_id: int) -> list[int]:
    """The amendments a compromise had superseded that are proposed again (its rejection gave them back)."""
    return list(
        session.execute(
            select(col(Amendment.id))
            .where(
                col(Amendment.superseded_by_id) == compromise_id,
                col(Amendment.status) == AmendmentStatus.proposed.value,
            )
            .order_by(col(Amendment.id))
        ).scalars()
    )


def _restore_superseded(
    session: Session, user: CurrentUser, group_slug: str, compromise_id: int, ref: VersionRef, because: str
) -> None:
    """A compromise rejected or withdrawn gives back the amendments it superseded: each is proposed
    again (its link to the compromise kept, as history), with its audit event."""
    ids = list(
        session.execute(
            select(col(Amendment.id))
            .where(
                col(Amendment.superseded_by_id) == compromise_id,
                col(Amendment.status) == AmendmentStatus.superseded.value,
            )
            .order_by(col(Amendment.id))
        ).scalars()
    )
    if not ids:
        return
    session.execute(update(Amendment).where(col(Amendment.id).in_(ids)).values(status=AmendmentStatus.proposed.value))
    for amendment_id in ids:
        audit.record(
            session,
            user.actor(group_slug),
            "amendment.restore",
            "amendment",
            amendment_id,
            group_id=ref.group_id,
            details={"compromise": compromise_id, "because": because},
        )


# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AmendmentFilters:
    status: str = ""
    delegation: str = ""
    clause: str = ""
    version: int | None = None


@dataclass(frozen=True, slots=True)
class AmendmentList:
    """The amendments to a document that the filters keep, and the version the list is read at."""

    version: VersionRef
    amendments: list[AmendmentView]


AmendmentRow = Row[Amendment, str, str, str, int, str, str, str | None, str | None, str, str | None]
"""An amendment with its clause (number, heading, text), version number, document (slug, title),
delegation (code, name; None for a compromise), author's name and the name of whoever decided on it."""


@dataclass(frozen=True, slots=True)
class _Versions:
    """Where the amendments' versions stand: what the flags and the lapsed mark depend on."""

    latest: dict[int, int]
    """The latest version number of the document of each version (by version id)."""
    applied: dict[int, int]
    """The number of each version an amendment was consolidated into (by version id)."""
    adopted: set[int]
    """The ids of the adopted versions."""

    def frozen(self, version_id: int, number: int) -> Refusal | None:
        latest = self.latest.get(version_id, number)
        return frozen_refusal(number, latest, number != latest, version_id in self.adopted)


def _amendment_rows(session: Session, conditions: list[ColumnElement[bool]]) -> list[AmendmentRow]:
    decider = aliased(User, name="decider")
    return list(
        session.execute(
            select(
                Amendment,
                col(Clause.number),
                col(Clause.heading),
                col(Clause.text),
                col(Version.number),
                col(Document.slug),
                col(Document.title),
                col(Delegation.code),
                col(Delegation.name),
                col(User.name),
                col(decider.name),
            )
            .join(Clause, col(Clause.id) == col(Amendment.clause_id))
            .join(Version, col(Version.id) == col(Amendment.version_id))
            .join(Document, col(Document.id) == col(Version.document_id))
            .outerjoin(Delegation, col(Delegation.id) == col(Amendment.delegation_id))
            .join(User, col(User.id) == col(Amendment.author_id))
            .outerjoin(decider, col(decider.id) == col(Amendment.decided_by_id))
            .where(*conditions)
            .order_by(col(Version.number), col(Clause.position), col(Amendment.id))
        ).all()
    )


def _sponsors(session: Session, amendment_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The co-sponsoring delegations (code, name) of each amendment, by name."""
    sponsors: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for amendment_id, code, name in session.execute(
        select(col(AmendmentSponsor.amendment_id), col(Delegation.code), col(Delegation.name))
        .join(Delegation, col(Delegation.id) == col(AmendmentSponsor.delegation_id))
        .where(col(AmendmentSponsor.amendment_id).in_(amendment_ids))
        .order_by(col(Delegation.name))
    ).all():
        sponsors[amendment_id].append((code, name))
    return sponsors


def _versions(session: Session, amendments: list[Amendment]) -> _Versions:
    version_ids = {amendment.version_id for amendment in amendments}
    document_of_version = dict(
        session.execute(select(col(Version.id), col(Version.document_id)).where(col(Version.id).in_(version_ids))).all()
    )
    latest_of_document = dict(
        session.execute(
            select(col(Version.document_id), func.max(col(Version.number)))
            .where(col(Version.document_id).in_(set(document_of_version.values())))
            .group_by(col(Version.document_id))
        ).all()
    )
    applied_ids = {a.applied_in_version_id for a in amendments if a.applied_in_version_id is not None}
    applied = dict(
        session.execute(select(col(Version.id), col(Version.number)).where(col(Version.id).in_(applied_ids))).all()
    )
    adopted = set(
        session.execute(select(col(Adoption.version_id)).where(col(Adoption.version_id).in_(version_ids))).scalars()
    )
    latest = {version_id: latest_of_document[document_id] for version_id, document_id in document_of_version.items()}
    return _Versions(latest, applied, adopted)


def _superseded(session: Session, compromise_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    """The amendments each compromise superseded: (id, status, proposing delegation's name)."""
    superseded: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    if not compromise_ids:
        return superseded
    for amendment_id, status, compromise_id, name in session.execute(
        select(col(Amendment.id), col(Amendment.status), col(Amendment.superseded_by_id), col(Delegation.name))
        .outerjoin(Delegation, col(Delegation.id) == col(Amendment.delegation_id))
        .where(col(Amendment.superseded_by_id).in_(compromise_ids))
        .order_by(col(Amendment.id))
    ).all():
        superseded[compromise_id].append((amendment_id, status, name or ""))
    return superseded


def _view(
    row: AmendmentRow,
    sponsors: dict[int, list[tuple[str, str]]],
    superseded: list[tuple[int, str, str]],
    versions: _Versions,
    voted_on: set[int],
    membership: GroupMembership | None,
    *,
    with_diff: bool,
) -> AmendmentView:
    (amendment, number, clause_heading, clause_text, version, slug, title, code, name, author, decided_by) = row
    assert amendment.id is not None
    applied = versions.applied.get(amendment.applied_in_version_id) if amendment.applied_in_version_id else None
    frozen = versions.frozen(amendment.version_id, version)
    facts = AmendmentFacts(
        amendment.id,
        amendment.status,
        version,
        frozen,
        applied,
        amendment.delegation_id,
        amendment.compromise,
        amendment.clause_id,
        amendment.id in voted_on,
    )
    own_sponsors = sponsors.get(amendment.id, [])
    member = _member(membership)
    may_sponsor = sponsor_refusal(member, facts) is None
    sponsoring = membership is not None and any(c == membership.delegation_code for c, _n in own_sponsors)
    return AmendmentView(
        id=amendment.id,
        kind=amendment.kind,
        status=amendment.status,
        document_slug=slug,
        document_title=title,
        version=version,
        latest_version=versions.latest.get(amendment.version_id, version),
        clause_number=number,
        clause_heading=clause_heading,
        clause_text=clause_text,
        heading=amendment.heading,
        text=amendment.text,
        rationale=amendment.rationale,
        delegation_code=code,
        delegation_name=name or "",
        author_name=author,
        created_at=amendment.created_at,
        decided_at=amendment.decided_at,
        decision_reason=amendment.decision_reason,
        decided_by=decided_by or "",
        applied_in_version=applied,
        sponsors=own_sponsors,
        compromise=amendment.compromise,
        superseded_by=amendment.superseded_by_id,
        open_round=facts.open_round,
        supersedes=[SupersededView(i, st, n, sponsors.get(i, [])) for i, st, n in superseded],
        diff=_diff_for(amendment.kind, clause_text, amendment.text) if with_diff else None,
        can_withdraw=withdraw_refusal(member, facts) is None,
        can_sponsor=may_sponsor and not sponsoring,
        can_unsponsor=may_sponsor and sponsoring,
        can_decide=decide_refusal(member.role, facts) is None,
        can_reopen=reopen_refusal(member.role, facts) is None,
        can_compromise=compromise_refusal(member.role, frozen, amendment.clause_id, [facts]) is None,
    )


def _views(
    session: Session,
    conditions: list[ColumnElement[bool]],
    viewer: CurrentUser,
    group_slug: str,
    *,
    with_diff: bool,
) -> list[AmendmentView]:
    """The amendments the conditions select, each with what the viewer may do with it."""
    rows = _amendment_rows(session, conditions)
    if not rows:
        return []
    amendments = [row[0] for row in rows]
    superseded = _superseded(session, [a.id for a in amendments if a.compromise and a.id is not None])
    sponsors = _sponsors(
        session,
        [a.id for a in amendments if a.id is not None] + [i for rows_ in superseded.values() for i, _s, _n in rows_],
    )
    versions = _versions(session, amendments)
    voted_on = _voted_on(session, [a.id for a in amendments if a.id is not None])
    membership = viewer.membership(group_slug)
    return [
        _view(row, sponsors, superseded.get(row[0].id or 0, []), versions, voted_on, membership, with_diff=with_diff)
        for row in rows
    ]


def read_amendment(session: Session, viewer: CurrentUser, group_slug: str, amendment_id: int) -> AmendmentView:
    """One amendment with its diff, sponsors, decision, and what the viewer may do with it."""
    amendment_in_group(session, group_slug, amendment_id)
    return _views(session, [col(Amendment.id) == amendment_id], viewer, group_slug, with_diff=True)[0]


def check_filters(filters: AmendmentFilters) -> None:
    """Refuse a status the list does not know, naming the field."""
    fields = Fields()
    if filters.status:
        fields.choice("status", filters.status, _("The status"), STATUSES)
    fields.done()


def list_amendments(
    session: Session, viewer: CurrentUser, group_slug: str, document_slug: str, filters: AmendmentFilters
) -> AmendmentList:
    """Amendments to a document (all versions unless one is asked for), filtered."""
    check_filters(filters)
    ref = version_in_group(session, group_slug, document_slug, filters.version)
    conditions = [col(Version.document_id) == ref.document_id]
    if filters.version is not None:
        conditions.append(col(Version.number) == filters.version)
    if filters.status:
        conditions.append(col(Amendment.status) == filters.status)
    if filters.delegation:
        conditions.append(col(Delegation.code) == filters.delegation)
    if filters.clause:
        conditions.append(col(Clause.number) == filters.clause)
    return AmendmentList(ref, _views(session, conditions, viewer, group_slug, with_diff=True))


def clause_amendments(session: Session, viewer: CurrentUser, group_slug: str, clause: ClauseRef) -> list[AmendmentView]:
    """Amendments made to one clause of one version."""
    return _views(session, [col(Amendment.clause_id) == clause.clause_id], viewer, group_slug, with_diff=True)


def may_propose_compromise(membership: GroupMembership | None, clause: ClauseRef, views: list[AmendmentView]) -> bool:
    """Whether the viewer may propose a compromise on the clause: whether the rule the write path
    asks lets them supersede any of the clause's amendments (``views``)."""
    role = membership.role if membership is not None else ""
    proposed = [
        AmendmentFacts(v.id, v.status, v.version, clause_id=clause.clause_id, open_round=v.open_round)
        for v in views
        if v.status == AmendmentStatus.proposed
    ]
    return any(compromise_refusal(role, clause.version.frozen_refusal, clause.clause_id, [f]) is None for f in proposed)


def compromise_candidates(
    session: Session, viewer: CurrentUser, group_slug: str, clause: ClauseRef
) -> list[AmendmentView]:
    """The amendments a compromise on the clause may supersede: those still proposed on it."""
    return [
        view
        for view in clause_amendments(session, viewer, group_slug, clause)
        if view.status == AmendmentStatus.proposed
    ]
