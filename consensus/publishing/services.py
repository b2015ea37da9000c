"""Adopting a version, publishing it, and reading published texts with their record."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.core.adoption import (
    AdoptionAsked,
    AdoptionChoices,
    RoundFacts,
    VersionFacts,
    adoption_choices,
    adoption_refusal,
    publish_refusal,
)
from consensus.core.audit import Checkpoint
from consensus.core.positions import on_the_same_text
from consensus.core.refusal import Refusal
from consensus.core.tally import Words
from consensus.db import write_transaction
from consensus.errors import Conflict, DomainError, NotFound, refusal_error
from consensus.i18n import _, ngettext
from consensus.lookups import VersionRef, open_clauses, published_in_group, undecided_amendments, version_in_group
from consensus.models import (
    Adoption,
    AuditEvent,
    Ballot,
    Clause,
    ClauseStatus,
    Delegation,
    Document,
    DocumentStatus,
    Participation,
    Position,
    Publication,
    Round,
    RoundElector,
    RoundStatus,
    Version,
)
from consensus.validation import BODY_LIMIT, Fields
from consensus.voting.services import rule_of


class AdoptionRefused(Conflict):
    """Adoption refused while clauses are open or amendments undecided; names them."""

    def __init__(self, message: str, open_clauses: list[str], undecided: list[int]) -> None:
        super().__init__(message)
        self.open_clauses = open_clauses
        self.undecided = undecided


def _version_facts(session: Session, ref: VersionRef) -> VersionFacts:
    """What adoption depends on in a version: its state, its rounds, what is still unsettled."""
    rounds = tuple(
        RoundFacts(round_id, title, status, clause_id is None and amendment_id is None, bool(passed))
        for round_id, title, status, clause_id, amendment_id, passed in session.execute(
            select(
                col(Round.id),
                col(Round.title),
                col(Round.status),
                col(Round.clause_id),
                col(Round.amendment_id),
                col(Round.passed),
            )
            .where(col(Round.version_id) == ref.version_id)
            .order_by(col(Round.id))
        ).all()
    )
    return VersionFacts(
        ref.number,
        ref.adopted,
        ref.superseded,
        rounds,
        tuple(open_clauses(session, ref.version_id)),
        tuple(undecided_amendments(session, ref.version_id)),
        ref.preparation,
    )


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


def _refused(refusal: Refusal, facts: VersionFacts) -> DomainError:
    if refusal.kind == "unsettled":
        message = Words(_, ngettext).phrase(refusal.phrase)
        return AdoptionRefused(message, list(facts.open_clauses), list(facts.undecided))
    return refusal_error(refusal)


def adopt(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    version: int,
    round_id: int | None = None,
    override_reason: str | None = None,
    title: str | None = None,
) -> None:
    """Record the adoption of the latest version: by a passed round on the whole text, or by
    consensus declared by the chair. Open clauses or undecided amendments refuse it, unless the chair
    overrides with a reason (recorded). Who may do it how is ``core.adoption.adoption_refusal``.
    A ``title`` given becomes the text's title from now on ("Draft declaration" becomes
    "Declaration"): recorded with the adoption, and the title of the published text."""
    membership = user.member_of(group_slug)
    fields = Fields()
    reason = fields.text(
        "override_reason", override_reason, _("The reason for overriding"), required=False, limit=BODY_LIMIT
    )
    new_title = " ".join(fields.text("title", title, _("The title"), required=False, limit=300).split()) or None
    fields.done()
    with write_transaction(session):
        ref = version_in_group(session, group_slug, document_slug, version)
        facts = _version_facts(session, ref)
        refusal = adoption_refusal(membership.role, facts, AdoptionAsked(round_id, override=bool(reason)))
        if refusal is not None:
            raise _refused(refusal, facts)
        still_open, undecided = list(facts.open_clauses), list(facts.undecided)
        session.add(
            Adoption(
                version_id=ref.version_id,
                method="round" if round_id is not None else "consensus",
                round_id=round_id,
                adopted_by_id=user.id,
                override_reason=reason,
                open_clauses=len(still_open),
                undecided_amendments=len(undecided),
                title=new_title,
            )
        )
        session.execute(
            update(Clause).where(col(Clause.version_id) == ref.version_id).values(status=ClauseStatus.adopted.value)
        )
        session.execute(
            update(Document)
            .where(col(Document.id) == ref.document_id)
            .values(status=DocumentStatus.adopted.value, title=new_title or ref.document_title)
        )
        audit.record(
            session,
            user.actor(group_slug),
            "version.adopt",
            "version",
            ref.version_id,
            group_id=ref.group_id,
            details={
                "document": document_slug,
                "version": ref.number,
                "round": round_id,
                "override": reason,
                "open_clauses": still_open,
                "undecided": undecided,
                **({"title": new_title, "previous_title": ref.document_title} if new_title else {}),
            },
        )


def publish(session: Session, user: CurrentUser, group_slug: str, document_slug: str, version: int) -> bool:
    """Make an adopted version public (doing it again changes nothing). True if it was published now.
    Who may publish what is ``core.adoption.publish_refusal``."""
    role = user.member_of(group_slug).role
    _refuse(publish_refusal(role))
    with write_transaction(session):
        ref = version_in_group(session, group_slug, document_slug, version)
        _refuse(publish_refusal(role, VersionFacts(ref.number, ref.adopted, ref.superseded)))
        if ref.published:
            return False
        publication = Publication(version_id=ref.version_id, published_by_id=user.id)
        session.add(publication)
        event = audit.record(
            session,
            user.actor(group_slug),
            "version.publish",
            "version",
            ref.version_id,
            group_id=ref.group_id,
            details={"document": document_slug, "version": ref.number},
        )
        # The chain's head as the text goes public: a checkpoint shown with it.
        publication.audit_seq, publication.audit_head = event.seq, event.hash
        session.add(publication)
    return True


# --- the published record -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublishedClause:
    number: str
    heading: str
    text: str
    depth: int

    @property
    def anchor(self) -> str:
        return f"clause-{self.number}"


@dataclass(frozen=True, slots=True)
class EarlierText:
    """The text a statement was made on, when it was not the published version's."""

    version: int
    number: str
    """The clause's number then ('' for a statement on the whole text)."""
    text: str
    """The clause's words then ('' for a statement on the whole text)."""


@dataclass(frozen=True, slots=True)
class Statement:
    """A reservation or an explanation of position or vote, by one delegation."""

    kind: str  # reservation | objection | explanation
    subject: str
    """The clause number, or '' for the whole text, or a round title for an explanation of vote."""
    text: str
    choice: str = ""
    earlier: EarlierText | None = None
    """Set when the statement was made on an earlier text: readers must not take it for a statement
    on the published words (an objection to "24 hours" under a clause that now says 72)."""


@dataclass(frozen=True, slots=True)
class RollCall:
    title: str
    subject: str
    rule_text: str
    reason: str
    passed: bool
    closed_at: datetime | None
    audit_head: str | None
    audit_seq: int | None
    votes: list[tuple[str, str, str]]
    """(delegation name, choice, explanation), or empty for a secret round."""
    secret: bool
    took_part: list[str]


@dataclass(frozen=True, slots=True)
class AdoptionRecord:
    adopted_at: datetime
    method: str
    round_title: str | None
    round_reason: str | None
    override_reason: str
    open_clauses: int
    undecided_amendments: int


@dataclass(frozen=True, slots=True)
class PublishedText:
    group_slug: str
    group_name: str
    document_slug: str
    title: str
    version: int
    published_at: datetime
    adoption: AdoptionRecord
    clauses: list[PublishedClause]
    statements: dict[str, list[Statement]] = field(default_factory=dict)
    """Per delegation name."""
    roll_calls: list[RollCall] = field(default_factory=list)
    other_versions: list[int] = field(default_factory=list)
    language: str = "en"
    """The language the text is written in."""
    checkpoint: Checkpoint | None = None
    """The audit chain's head when the text was published."""

    @property
    def adopted_on(self) -> str:
        return self.adoption.adopted_at.strftime("%Y-%m-%d")

    @property
    def file_stem(self) -> str:
        """Names the group, document, version and adoption date, as every download does."""
        return f"{self.group_slug}-{self.document_slug}-v{self.version}-adopted-{self.adopted_on}"


def published_text(session: Session, group_slug: str, document_slug: str, version: int | None = None) -> PublishedText:
    """A published version with its adoption record, clauses and annexes (no account needed).
    Unpublished versions are NotFound, exactly like addresses that never existed."""
    published = published_in_group(session, group_slug, document_slug)
    chosen = (
        (published[-1] if published else None)
        if version is None
        else next((p for p in published if p.version.number == version), None)
    )
    if chosen is None:
        raise NotFound(_("There is no published text at this address."))
    document, version_row, publication = chosen.document, chosen.version, chosen.publication
    assert document.id is not None and version_row.id is not None
    clauses = [
        PublishedClause(number, heading, text, number.count("."))
        for number, heading, text in session.execute(
            select(col(Clause.number), col(Clause.heading), col(Clause.text))
            .where(col(Clause.version_id) == version_row.id)
            .order_by(col(Clause.position))
        ).all()
    ]
    return PublishedText(
        group_slug=chosen.group.slug,
        group_name=chosen.group.name,
        document_slug=document.slug,
        title=chosen.adoption.title or document.title,
        version=version_row.number,
        published_at=publication.published_at,
        checkpoint=_checkpoint(publication),
        adoption=_adoption_record(session, chosen.adoption),
        clauses=clauses,
        statements=_statements(session, document.id, version_row.id),
        roll_calls=_roll_calls(session, version_row.id),
        other_versions=[p.version.number for p in published if p is not chosen],
        language=document.language,
    )


def _checkpoint(publication: Publication) -> Checkpoint | None:
    """The audit chain's head as the text went public (none for a text published before there was one)."""
    if publication.audit_seq is None or not publication.audit_head:
        return None
    return Checkpoint(publication.audit_seq, publication.audit_head)


def _adoption_record(session: Session, adoption: Adoption) -> AdoptionRecord:
    adoption_round = session.get(Round, adoption.round_id) if adoption.round_id else None
    return AdoptionRecord(
        adopted_at=adoption.adopted_at,
        method=adoption.method,
        round_title=adoption_round.title if adoption_round else None,
        round_reason=json.loads(adoption_round.result)["reason"] if adoption_round and adoption_round.result else None,
        override_reason=adoption.override_reason,
        open_clauses=adoption.open_clauses,
        undecided_amendments=adoption.undecided_amendments,
    )


def _statements(session: Session, document_id: int, version_id: int) -> dict[str, list[Statement]]:
    """Reservations and objections of each delegation (its latest statement on each clause and on
    the whole text) on the clauses of this version, and explanations of vote given in its rounds.
    One made on an earlier text is marked with that version and, for a clause, the words it was on."""
    published = session.execute(select(col(Version.number)).where(col(Version.id) == version_id)).scalar_one()
    clauses = {
        lineage: (number, text)
        for lineage, number, text in session.execute(
            select(col(Clause.lineage), col(Clause.number), col(Clause.text)).where(
                col(Clause.version_id) == version_id
            )
        ).all()
    }
    latest = (
        select(func.max(col(Position.id)).label("id"))
        .where(col(Position.document_id) == document_id)
        .group_by(col(Position.delegation_id), col(Position.lineage))
        .subquery()
    )
    found: dict[str, list[Statement]] = defaultdict(list)
    for name, lineage, position, text, stated_on, stated_number, stated_text in session.execute(
        select(
            col(Delegation.name),
            col(Position.lineage),
            col(Position.position),
            col(Position.text),
            col(Version.number),
            col(Clause.number),
            col(Clause.text),
        )
        .join(latest, latest.c.id == col(Position.id))
        .join(Delegation, col(Delegation.id) == col(Position.delegation_id))
        .join(Version, col(Version.id) == col(Position.version_id))
        .outerjoin(Clause, col(Clause.id) == col(Position.clause_id))
        .where(col(Position.position).in_(["reservation", "objection"]))
        .order_by(col(Delegation.name), col(Position.id))
    ).all():
        if lineage is not None and lineage not in clauses:
            continue  # a clause since deleted: not part of this text
        number, clause_text = clauses[lineage] if lineage is not None else ("", None)
        earlier = None
        if not on_the_same_text(stated_on, stated_text, published, clause_text):
            earlier = EarlierText(stated_on, stated_number or "", stated_text or "")
        found[name].append(Statement(position, number, text, earlier=earlier))
    for name, title, choice, explanation in session.execute(
        select(col(Delegation.name), col(Round.title), col(Ballot.choice), col(Ballot.explanation))
        .join(Ballot, col(Ballot.round_id) == col(Round.id))
        .join(Delegation, col(Delegation.id) == col(Ballot.delegation_id))
        .where(
            col(Round.version_id) == version_id,
            col(Round.status) == RoundStatus.closed.value,
            col(Ballot.explanation) != "",
        )
        .order_by(col(Delegation.name), col(Round.id))
    ).all():
        found[name].append(Statement("explanation", title, explanation, choice))
    return dict(sorted(found.items()))


def _roll_calls(session: Session, version_id: int) -> list[RollCall]:
    rounds = list(
        session.execute(
            select(Round)
            .where(col(Round.version_id) == version_id, col(Round.status) == RoundStatus.closed.value)
            .order_by(col(Round.id))
        ).scalars()
    )
    if not rounds:
        return []
    ids = [r.id for r in rounds]
    votes: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for round_id, name, choice, explanation in session.execute(
        select(col(Ballot.round_id), col(Delegation.name), col(Ballot.choice), col(Ballot.explanation))
        .join(Delegation, col(Delegation.id) == col(Ballot.delegation_id))
        .where(col(Ballot.round_id).in_(ids))
        .order_by(col(Delegation.name))
    ).all():
        votes[round_id].append((name, choice, explanation))
    took_part: dict[int, list[str]] = defaultdict(list)
    for round_id, name in session.execute(
        select(col(Participation.round_id), col(RoundElector.name))
        .join(
            RoundElector,
            (col(RoundElector.round_id) == col(Participation.round_id))
            & (col(RoundElector.delegation_id) == col(Participation.delegation_id)),
        )
        .where(col(Participation.round_id).in_(ids))
        .order_by(col(RoundElector.name))
    ).all():
        took_part[round_id].append(name)
    numbers = dict(
        session.execute(select(col(Clause.id), col(Clause.number)).where(col(Clause.version_id) == version_id)).all()
    )
    calls = []
    for r in rounds:
        result = json.loads(r.result) if r.result else {}
        subject = (
            _("amendment {id}").format(id=r.amendment_id)
            if r.amendment_id
            else _("clause {n}").format(n=numbers.get(r.clause_id, "?"))
            if r.clause_id
            else _("the whole text")
        )
        calls.append(
            RollCall(
                title=r.title,
                subject=subject,
                rule_text=rule_of(r).describe(),
                reason=result.get("reason", ""),
                passed=bool(r.passed),
                closed_at=r.closed_at,
                audit_head=r.audit_head,
                audit_seq=r.audit_seq,
                votes=[] if r.secret else votes[r.id],
                secret=r.secret,
                took_part=took_part[r.id],
            )
        )
    return calls


@dataclass(frozen=True, slots=True)
class PublishedDocument:
    slug: str
    title: str
    versions: list[tuple[int, datetime]]


def published_list(session: Session, group_slug: str) -> tuple[str, list[PublishedDocument]]:
    """The group's name and its published texts (each with its published versions, newest first)."""
    published = published_in_group(session, group_slug)
    if not published:
        raise NotFound(_("There are no published texts at this address."))
    documents: dict[str, PublishedDocument] = {}
    for p in published:
        entry = documents.setdefault(p.document.slug, PublishedDocument(p.document.slug, p.document.title, []))
        entry.versions.insert(0, (p.version.number, p.adoption.adopted_at))
    return published[0].group.name, list(documents.values())


@dataclass(frozen=True, slots=True)
class PublicationState:
    version: int
    adopted: bool
    published: bool
    adoption_method: str | None
    closed_rounds: list[tuple[int, str, bool]]
    """(id, title, passed) of closed rounds on the whole text of this version."""
    open_clauses: list[str]
    undecided: list[int]
    choices: AdoptionChoices = field(default_factory=AdoptionChoices)
    """How the viewer may record the adoption now (nothing offered when they may not)."""
    can_publish: bool = False
    """Whether the viewer may publish the version now (``publish_refusal``; not once published)."""


def publication_state(
    session: Session, group_slug: str, document_slug: str, role: str | None = None
) -> PublicationState:
    """What stands between the latest version and adoption and publication (for the versions page),
    and the ways a member with ``role`` may record the adoption."""
    ref = version_in_group(session, group_slug, document_slug)
    adoption = session.execute(
        select(col(Adoption.method)).where(col(Adoption.version_id) == ref.version_id)
    ).scalar_one_or_none()
    facts = _version_facts(session, ref)
    return PublicationState(
        ref.number,
        ref.adopted,
        ref.published,
        adoption,
        [(r.id, r.title, r.passed) for r in facts.rounds if r.whole_text and r.status == RoundStatus.closed.value],
        list(facts.open_clauses),
        list(facts.undecided),
        adoption_choices(role, facts) if role else AdoptionChoices(),
        can_publish=role is not None and not ref.published and publish_refusal(role, facts) is None,
    )


@dataclass(frozen=True, slots=True)
class PublishedCheckpoint:
    """A place in the audit chain that a public text shows: its publication, or a round on it."""

    seq: int
    hash: str
    signature: str | None
    what: str
    """``publication`` or ``round``."""
    document: str
    version: int
    round: int | None
    at: datetime | None


def published_checkpoints(session: Session, group_slug: str) -> list[PublishedCheckpoint]:
    """Every checkpoint shown with a group's public texts, oldest first, each with the audit key's
    signature of its event so anyone with the public key can check it."""
    versions = [
        (p.version.id, p.document.slug, p.version.number, p.publication.audit_seq, p.publication.audit_head)
        for p in published_in_group(session, group_slug)
    ]
    if not versions:
        raise NotFound(_("There are no published texts at this address."))
    by_version = {version_id: (slug, number) for version_id, slug, number, _s, _h in versions}
    found: list[tuple[int, str, str, str, int, int | None]] = [
        (seq, digest, "publication", slug, number, None)
        for _v, slug, number, seq, digest in versions
        if seq is not None and digest is not None
    ]
    for round_id, version_id, seq, digest in session.execute(
        select(col(Round.id), col(Round.version_id), col(Round.audit_seq), col(Round.audit_head)).where(
            col(Round.version_id).in_(list(by_version)),
            col(Round.status) == RoundStatus.closed.value,
            col(Round.audit_head).is_not(None),
        )
    ).all():
        if seq is not None:
            slug, number = by_version[version_id]
            found.append((seq, digest, "round", slug, number, round_id))
    events = {
        seq: (signature, at)
        for seq, signature, at in session.execute(
            select(col(AuditEvent.seq), col(AuditEvent.signature), col(AuditEvent.at)).where(
                col(AuditEvent.seq).in_([entry[0] for entry in found])
            )
        ).all()
    }
    return [
        PublishedCheckpoint(
            seq,
            digest,
            events.get(seq, (None, None))[0],
            what,
            slug,
            number,
            round_id,
            events.get(seq, (None, None))[1],
        )
        for seq, digest, what, slug, number, round_id in sorted(found)
    ]
