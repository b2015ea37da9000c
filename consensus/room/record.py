"""The summary of proceedings: loading a meeting's record into plain values, writing the summary
(``core.proceedings``), and the secretariat's draft, edits and publication of it, each audited."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from consensus import i18n
from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.core import proceedings
from consensus.core.refusal import Refusal
from consensus.db import utcnow, write_transaction
from consensus.errors import NotFound, refusal_error, refusal_text
from consensus.i18n import _
from consensus.lookups import meeting_in_group
from consensus.models import (
    AgendaItem,
    Attendance,
    AuditEvent,
    Clause,
    Delegation,
    Document,
    Meeting,
    MeetingRecord,
    Publication,
    Round,
    Speaker,
    SpeakerStatus,
    Version,
    WorkingGroup,
)
from consensus.validation import Fields
from consensus.web.templating import interface_words


def wording() -> proceedings.Wording:
    """The summary in the reader's language, moments in their time zone."""
    return proceedings.Wording(interface_words(), i18n.format_datetime)


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


# --- loading what the summary tells ---------------------------------------------------------------------


def _attendance(session: Session, meeting_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    rows = session.execute(
        select(col(Delegation.name), col(Attendance.present))
        .join(Attendance, col(Attendance.delegation_id) == col(Delegation.id))
        .where(col(Attendance.meeting_id) == meeting_id)
        .order_by(col(Delegation.name))
    ).all()
    return tuple(name for name, present in rows if present), tuple(name for name, present in rows if not present)


def _turns(session: Session, item_ids: list[int]) -> dict[int, list[proceedings.Turn]]:
    """The turns taken on each item (done or speaking), in the order they were given."""
    turns: dict[int, list[proceedings.Turn]] = defaultdict(list)
    if not item_ids:
        return turns
    rows = session.execute(
        select(col(Speaker.item_id), col(Delegation.name), col(Speaker.kind), col(Speaker.seconds))
        .join(Delegation, col(Delegation.id) == col(Speaker.delegation_id))
        .where(
            col(Speaker.item_id).in_(item_ids),
            col(Speaker.status).in_([SpeakerStatus.done.value, SpeakerStatus.speaking.value]),
            col(Speaker.started_at).is_not(None),
        )
        .order_by(col(Speaker.started_at), col(Speaker.id))
    ).all()
    for item_id, name, kind, seconds in rows:
        turns[item_id].append(proceedings.Turn(name, kind, seconds))
    return turns


def _rounds(session: Session, meeting_id: int, item_round_ids: Iterable[int]) -> list[Round]:
    """The rounds held at the meeting, and those its items point to, in the order they were made."""
    wanted = set(item_round_ids)
    condition = col(Round.meeting_id) == meeting_id
    if wanted:
        condition = condition | col(Round.id).in_(wanted)
    return list(session.execute(select(Round).where(condition).order_by(col(Round.id))).scalars())


def _held(row: Round) -> proceedings.RoundHeld:
    assert row.id is not None
    return proceedings.RoundHeld(row.id, row.title, row.status, json.loads(row.result) if row.result else None)


@dataclass(frozen=True, slots=True)
class _Subject:
    document: str
    clauses: str
    lineages: frozenset[str]


def _subjects(session: Session, items: list[AgendaItem]) -> dict[int, _Subject]:
    """What each item is about: its document's title and the numbers of its clause or range in the
    document's newest version (two queries whatever the number of items)."""
    documents = {i.document_id for i in items if i.document_id is not None}
    if not documents:
        return {}
    titles = dict(
        session.execute(select(col(Document.id), col(Document.title)).where(col(Document.id).in_(documents))).all()
    )
    newest = (
        select(col(Version.document_id), col(Version.id))
        .where(col(Version.document_id).in_(documents), col(Version.superseded_at).is_(None))
        .subquery()
    )
    clauses: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for document_id, lineage, number in session.execute(
        select(newest.c.document_id, col(Clause.lineage), col(Clause.number))
        .join(newest, newest.c.id == col(Clause.version_id))
        .order_by(col(Clause.position))
    ).all():
        clauses[document_id].append((lineage, number))
    subjects = {}
    for item in items:
        if item.document_id is None or item.id is None:
            continue
        chosen = clause_range(clauses[item.document_id], item.clause_lineage, item.last_clause_lineage)
        numbers = [number for _, number in chosen]
        text = "" if not numbers else numbers[0] if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"
        subjects[item.id] = _Subject(titles.get(item.document_id, ""), text, frozenset(lin for lin, _ in chosen))
    return subjects


def clause_range(clauses: list[tuple[str, str]], first: str | None, last: str | None) -> list[tuple[str, str]]:
    """The (lineage, number) pairs from ``first`` to ``last`` in document order (one clause without
    ``last``; none without ``first`` or when it is no longer in the text)."""
    lineages = [lineage for lineage, _ in clauses]
    if first is None or first not in lineages:
        return []
    start = lineages.index(first)
    end = lineages.index(last) if last in lineages else start
    return clauses[start : max(start, end) + 1]


def _window(meeting: Meeting, items: list[AgendaItem]) -> tuple[datetime, datetime]:
    """When the meeting sat: its times, stretched to its items' if it ran over, and to now while it is
    in progress."""
    start = min([meeting.starts_at, *(i.started_at for i in items if i.started_at)])
    end = max([meeting.ends_at, *(i.ended_at for i in items if i.ended_at)])
    if meeting.status == "in_progress":
        end = max(end, utcnow())
    return start, end


def _agreed(session: Session, meeting: Meeting, items: list[AgendaItem]) -> list[proceedings.AgreedClauses]:
    """The clauses left agreed ad referendum by the chair while the meeting sat (from the audit log)."""
    start, end = _window(meeting, items)
    events = session.execute(
        select(col(AuditEvent.details))
        .where(
            col(AuditEvent.group_id) == meeting.group_id,
            col(AuditEvent.action) == "clause.status",
            col(AuditEvent.at) >= start,
            col(AuditEvent.at) <= end,
        )
        .order_by(col(AuditEvent.seq))
    ).scalars()
    changes = [json.loads(details) for details in events]
    slugs = {str(c.get("document", "")) for c in changes}
    titles = dict(
        session.execute(
            select(col(Document.slug), col(Document.title)).where(
                col(Document.group_id) == meeting.group_id, col(Document.slug).in_(slugs)
            )
        ).all()
    )
    return proceedings.agreed_during(
        (titles.get(str(c.get("document")), str(c.get("document"))), str(c.get("clause")), str(c.get("to")))
        for c in changes
    )


def meeting_held(session: Session, meeting: Meeting) -> proceedings.MeetingHeld:
    """The meeting as the summary tells it, read in a fixed number of queries."""
    assert meeting.id is not None
    items = list(
        session.execute(
            select(AgendaItem).where(col(AgendaItem.meeting_id) == meeting.id).order_by(col(AgendaItem.position))
        ).scalars()
    )
    group = session.execute(select(col(WorkingGroup.name)).where(col(WorkingGroup.id) == meeting.group_id)).scalar_one()
    present, absent = _attendance(session, meeting.id)
    turns = _turns(session, [i.id for i in items if i.id is not None])
    subjects = _subjects(session, items)
    rounds = _rounds(session, meeting.id, (i.round_id for i in items if i.round_id))
    held_items, placed = _items_held(items, subjects, turns, rounds, _lineages_of_rounds(session, rounds))
    return proceedings.MeetingHeld(
        title=meeting.title,
        group=group,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        present=present,
        absent=absent,
        items=tuple(held_items),
        other_rounds=tuple(_held(r) for r in rounds if r.id not in placed),
        agreed=tuple(_agreed(session, meeting, items)),
    )


def _items_held(
    items: list[AgendaItem],
    subjects: dict[int, _Subject],
    turns: dict[int, list[proceedings.Turn]],
    rounds: list[Round],
    lineage_of: dict[int, str],
) -> tuple[list[proceedings.ItemHeld], set[int]]:
    """Each item with its turns and rounds: a round goes to the first item that points to it or
    whose clauses it is on. Returns the items and the ids of the rounds placed."""
    placed: set[int] = set()
    held = []
    for item in items:
        assert item.id is not None
        subject = subjects.get(item.id, _Subject("", "", frozenset()))
        mine = [
            r
            for r in rounds
            if r.id not in placed and (r.id == item.round_id or lineage_of.get(r.id or 0) in subject.lineages)
        ]
        placed.update(r.id for r in mine if r.id is not None)
        held.append(
            proceedings.ItemHeld(
                item.title,
                item.status,
                subject.document,
                subject.clauses,
                tuple(turns.get(item.id, [])),
                tuple(_held(r) for r in mine),
            )
        )
    return held, placed


def _lineages_of_rounds(session: Session, rounds: list[Round]) -> dict[int, str]:
    clause_ids = {r.clause_id for r in rounds if r.clause_id}
    if not clause_ids:
        return {}
    lineage = dict(
        session.execute(select(col(Clause.id), col(Clause.lineage)).where(col(Clause.id).in_(clause_ids))).all()
    )
    return {r.id: lineage[r.clause_id] for r in rounds if r.id is not None and r.clause_id in lineage}


# --- the record and what may be done with it -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordView:
    """A meeting's summary as the viewer may see it."""

    group_slug: str
    meeting_id: int
    meeting_title: str
    starts_at: datetime
    body: str
    saved: bool
    """False: nothing kept yet, ``body`` is the summary as it would be generated now."""
    edited_at: datetime | None
    published_at: datetime | None
    edit_refusal: Refusal | None

    @property
    def can_edit(self) -> bool:
        return self.edit_refusal is None

    @property
    def why_not_edit(self) -> str:
        return refusal_text(self.edit_refusal) if self.edit_refusal is not None else ""

    @property
    def file_stem(self) -> str:
        return f"{self.group_slug}-meeting-{self.meeting_id}-summary"

    def require_editable(self) -> None:
        """Refuse (as the write paths would) when the viewer may not change it now."""
        _refuse(self.edit_refusal)


def _record_row(session: Session, meeting_id: int) -> MeetingRecord | None:
    return session.execute(
        select(MeetingRecord).where(col(MeetingRecord.meeting_id) == meeting_id)
    ).scalar_one_or_none()


def read_record(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> RecordView:
    """The summary of a meeting: the one kept (published, or a draft for the secretariat and the
    chair), or, while none is kept, the one the record would give now."""
    role = user.member_of(group_slug).role
    meeting = meeting_in_group(session, group_slug, meeting_id)
    row = _record_row(session, meeting_id)
    published = row is not None and row.published_at is not None
    _refuse(proceedings.reading_refusal(role, published))
    body = row.body if row is not None else proceedings.summary(meeting_held(session, meeting), wording())
    return RecordView(
        group_slug,
        meeting_id,
        meeting.title,
        meeting.starts_at,
        body,
        row is not None,
        row.edited_at if row is not None else None,
        row.published_at if row is not None else None,
        proceedings.editing_refusal(role, published),
    )


def check_body(body: str) -> str:
    """The summary as typed, or Invalid naming the field (the preview and saving ask the same)."""
    fields = Fields()
    checked = fields.text("body", body, _("The summary"), required=True, limit=proceedings.BODY_LIMIT)
    fields.done()
    return checked


def _editable(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> tuple[Meeting, MeetingRecord]:
    """The meeting and its record (a new one if none is kept yet), once the rule allows changing it."""
    role = user.member_of(group_slug).role
    meeting = meeting_in_group(session, group_slug, meeting_id)
    row = _record_row(session, meeting_id)
    _refuse(proceedings.editing_refusal(role, row is not None and row.published_at is not None))
    return meeting, row or MeetingRecord(meeting_id=meeting_id)


def _audit(session: Session, user: CurrentUser, group_slug: str, meeting: Meeting, action: str, body: str) -> None:
    audit.record(
        session,
        user.actor(group_slug),
        action,
        "meeting_record",
        meeting.id,
        group_id=meeting.group_id,
        details={"meeting": meeting.id, "body_sha256": hashlib.sha256(body.encode()).hexdigest()},
    )


def _keep(session: Session, user: CurrentUser, row: MeetingRecord, body: str) -> None:
    row.body, row.edited_by_id, row.edited_at = body, user.id, utcnow()
    session.add(row)


def generate_record(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> None:
    """The secretariat (re)writes the draft summary from the record, in their language."""
    with write_transaction(session):
        meeting, row = _editable(session, user, group_slug, meeting_id)
        body = proceedings.summary(meeting_held(session, meeting), wording())
        _keep(session, user, row, body)
        _audit(session, user, group_slug, meeting, "meeting_record.generate", body)


def save_record(session: Session, user: CurrentUser, group_slug: str, meeting_id: int, body: str) -> None:
    """The secretariat saves its edited draft of the summary."""
    with write_transaction(session):
        meeting, row = _editable(session, user, group_slug, meeting_id)
        checked = check_body(body)
        _keep(session, user, row, checked)
        _audit(session, user, group_slug, meeting, "meeting_record.edit", checked)


def publish_record(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> None:
    """The secretariat publishes the summary (the one generated now if no draft was kept): members
    read it, and it is downloadable; it no longer changes."""
    with write_transaction(session):
        meeting, row = _editable(session, user, group_slug, meeting_id)
        if row.id is None:
            _keep(session, user, row, proceedings.summary(meeting_held(session, meeting), wording()))
        row.published_at, row.published_by_id = utcnow(), user.id
        session.add(row)
        _audit(session, user, group_slug, meeting, "meeting_record.publish", row.body)


# --- the public section ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicRecord:
    """A published summary of a meeting that took up a published document."""

    meeting_id: int
    title: str
    starts_at: datetime
    body: str
    group_slug: str

    @property
    def meeting_title(self) -> str:
        return self.title

    @property
    def file_stem(self) -> str:
        return f"{self.group_slug}-meeting-{self.meeting_id}-summary"


def published_records(session: Session, group_slug: str, document_slug: str) -> list[PublicRecord]:
    """The published summaries of the meetings whose agenda took up this document, oldest first
    (listed with the document's published text)."""
    document_id = (
        select(col(Document.id))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Document.group_id))
        .where(col(WorkingGroup.slug) == group_slug, col(Document.slug) == document_slug)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Meeting, col(MeetingRecord.body), col(WorkingGroup.slug))
        .join(MeetingRecord, col(MeetingRecord.meeting_id) == col(Meeting.id))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Meeting.group_id))
        .where(
            col(MeetingRecord.published_at).is_not(None),
            col(Meeting.id).in_(select(col(AgendaItem.meeting_id)).where(col(AgendaItem.document_id) == document_id)),
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    ).all()
    return [PublicRecord(m.id, m.title, m.starts_at, body, slug) for m, body, slug in rows if m.id is not None]


def public_record(session: Session, group_slug: str, document_slug: str, meeting_id: int) -> PublicRecord:
    """A published summary of a meeting on a document whose text is published, or NotFound."""
    published = session.execute(
        select(col(Publication.id))
        .join(Version, col(Version.id) == col(Publication.version_id))
        .join(Document, col(Document.id) == col(Version.document_id))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Document.group_id))
        .where(col(WorkingGroup.slug) == group_slug, col(Document.slug) == document_slug)
        .limit(1)
    ).first()
    found = (
        [r for r in published_records(session, group_slug, document_slug) if r.meeting_id == meeting_id]
        if published is not None
        else []
    )
    if not found:
        raise NotFound(_("There is no published summary of proceedings at this address."))
    return found[0]
