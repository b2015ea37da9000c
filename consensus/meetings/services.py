"""Meetings: scheduling them with their agenda, running them (start, take up an item, close,
cancel), the roll call, and reading them for pages, the API and the calendar.

Each write loads the meeting (locked), asks the rules of ``core.meetings``, then writes in one
transaction with its audit event; every change after scheduling moves the meeting's ``sequence``
(what calendar apps compare) and ``updated_at``."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.audit import services as audit
from consensus.core.meetings import (
    ItemState,
    MeetingAction,
    Recorder,
    SubjectAsked,
    SubjectFacts,
    action_refusal,
    attendance_refusal,
    end_of_agenda_refusal,
    finish,
    manage_refusal,
    may_check_in,
    next_item,
    subject_refusal,
    take_up,
    times_refusal,
)
from consensus.core.refusal import Refusal
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, Invalid, NotFound, refusal_error, refusal_text
from consensus.i18n import _
from consensus.lookups import group_by_slug, meeting_in_group
from consensus.lookups import group_of_meeting as group_slug_of_meeting
from consensus.models import (
    AgendaItem,
    AgendaItemStatus,
    Attendance,
    CalendarFeed,
    Clause,
    Delegation,
    Document,
    Meeting,
    MeetingStatus,
    Membership,
    Round,
    User,
    Version,
    WorkingGroup,
)
from consensus.validation import HEADING_LIMIT, Fields

URL_LIMIT = 500
AGENDA_LIMIT = 200
"""More items than this on one agenda is a script gone wrong, not a meeting."""


def _refuse(refusal: Refusal | None, prefix: str = "") -> None:
    if refusal is None:
        return
    if prefix and refusal.kind == "invalid":
        raise Invalid({prefix + refusal.field: refusal_text(refusal)})
    raise refusal_error(refusal)


def _id(row: Meeting | AgendaItem) -> int:
    assert row.id is not None, "a stored row has an id"
    return row.id


def _manager(user: CurrentUser, group_slug: str) -> GroupMembership:
    membership = user.member_of(group_slug)
    _refuse(manage_refusal(membership.role))
    return membership


def group_of_meeting(session: Session, user: CurrentUser, meeting_id: int) -> str:
    """The slug of the group a meeting belongs to, if the user is a member."""
    slug = group_slug_of_meeting(session, meeting_id)
    if slug is None or user.membership(slug) is None:
        raise NotFound(_("There is no meeting {id}.").format(id=meeting_id))
    return slug


def _changed(session: Session, meeting: Meeting, *, bump: bool = True) -> None:
    """A change of the meeting or its agenda: calendar apps see a new ``sequence``. The meeting's
    live stream is woken after the commit by ``speakers.live``'s flush hook, which notes every
    meeting whose rows (meeting, agenda items, roll call) a transaction writes."""
    if bump:
        meeting.sequence += 1
    meeting.updated_at = utcnow()
    session.add(meeting)


# --- what is asked ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingInput:
    """A meeting as the secretariat describes it (times with their zone)."""

    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str = ""
    online_url: str = ""


@dataclass(frozen=True, slots=True)
class AgendaInput:
    """One agenda item as asked: a new one (no ``id``), or an existing one kept in this place, its
    title and subject changed where given (None: unchanged)."""

    id: int | None = None
    title: str | None = None
    subject: SubjectAsked | None = None


@dataclass(frozen=True, slots=True)
class MeetingChange:
    """What a change of a meeting sets (None: unchanged); ``agenda`` replaces the agenda in order."""

    title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = None
    online_url: str | None = None
    agenda: Sequence[AgendaInput] | None = None


def _check_time(fields: Fields, name: str, value: datetime | None, label: str) -> datetime | None:
    if value is None:
        fields.fail(name, _("{label} is missing: give a date and time.").format(label=label))
        return None
    if value.tzinfo is None:
        fields.fail(name, _("Give the time with its time zone (for example 2026-12-01T10:00:00Z)."))
        return None
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2200:
        fields.fail(name, _("Give a date between the years 2000 and 2200."))
        return None
    return moment


def _check_url(fields: Fields, value: str) -> str:
    url = fields.text("online_url", value, _("The online link"), required=False, limit=URL_LIMIT)
    if url and (not url.lower().startswith(("https://", "http://")) or any(c.isspace() for c in url)):
        fields.fail("online_url", _("The online link must be an address starting with https://."))
    return url


@dataclass(frozen=True, slots=True)
class CheckedMeeting:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str


def _check_meeting(data: MeetingInput) -> CheckedMeeting:
    fields = Fields()
    title = fields.text("title", data.title, _("The title"), required=True, limit=HEADING_LIMIT)
    starts_at = _check_time(fields, "starts_at", data.starts_at, _("The start"))
    ends_at = _check_time(fields, "ends_at", data.ends_at, _("The end"))
    place = fields.text("place", data.place, _("The place"), required=False, limit=HEADING_LIMIT)
    online_url = _check_url(fields, data.online_url)
    if starts_at and ends_at:
        refusal = times_refusal(starts_at, ends_at)
        if refusal is not None:
            fields.fail(refusal.field, refusal_text(refusal))
    fields.done()
    assert starts_at is not None and ends_at is not None
    return CheckedMeeting(title, starts_at, ends_at, place, online_url)


# --- agenda subjects ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subject:
    """What an agenda item points to, as stored."""

    document_id: int | None = None
    clause_lineage: str | None = None
    last_clause_lineage: str | None = None
    round_id: int | None = None


@dataclass
class _GroupHoldings:
    """The documents (by slug), the clauses of their current versions (in order) and the rounds a
    set of agenda items names, read in three queries however many items there are."""

    documents: dict[str, int] = field(default_factory=dict)
    clauses: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    """Document id → (number, lineage) of the clauses of its current version, in order."""
    rounds: set[int] = field(default_factory=set)


def _holdings(session: Session, group_id: int, asked: Sequence[SubjectAsked]) -> _GroupHoldings:
    slugs = {a.document for a in asked if a.document}
    round_ids = {a.round for a in asked if a.round is not None}
    held = _GroupHoldings()
    if slugs:
        held.documents = dict(
            session.execute(
                select(col(Document.slug), col(Document.id)).where(
                    col(Document.group_id) == group_id, col(Document.slug).in_(slugs)
                )
            ).all()
        )
        for document_id, number, lineage, _version in _current_clauses(session, list(held.documents.values())):
            held.clauses.setdefault(document_id, []).append((number, lineage))
    if round_ids:
        held.rounds = set(
            session.execute(
                select(col(Round.id)).where(col(Round.group_id) == group_id, col(Round.id).in_(round_ids))
            ).scalars()
        )
    return held


def _current_clauses(session: Session, document_ids: Sequence[int]) -> list[tuple[int, str, str, int]]:
    """(document id, number, lineage, version number) of the clauses of each document's latest
    version, in order."""
    if not document_ids:
        return []
    latest = (
        select(col(Version.document_id), func.max(col(Version.number)).label("number"))
        .where(col(Version.document_id).in_(document_ids))
        .group_by(col(Version.document_id))
        .subquery()
    )
    rows = session.execute(
        select(col(Version.document_id), col(Clause.number), col(Clause.lineage), col(Version.number))
        .join(Clause, col(Clause.version_id) == col(Version.id))
        .join(
            latest,
            (latest.c.document_id == col(Version.document_id)) & (latest.c.number == col(Version.number)),
        )
        .order_by(col(Version.document_id), col(Clause.position))
    ).all()
    return [(int(d), str(n), str(lineage), int(v)) for d, n, lineage, v in rows]


def _subject(asked: SubjectAsked, held: _GroupHoldings, prefix: str) -> Subject:
    document_id = held.documents.get(asked.document) if asked.document else None
    clauses = held.clauses.get(document_id, []) if document_id is not None else []
    facts = SubjectFacts(
        document_found=document_id is not None,
        clause_numbers=[number for number, _lineage in clauses],
        round_found=asked.round in held.rounds,
    )
    _refuse(subject_refusal(asked, facts), prefix)
    lineage = dict(clauses)
    return Subject(
        document_id,
        lineage[asked.clause] if asked.clause else None,
        lineage[asked.last_clause] if asked.last_clause else None,
        asked.round,
    )


def _check_title(title: str | None, prefix: str) -> str:
    fields = Fields()
    checked = fields.text(
        prefix + "title", title, _("The title of the agenda item"), required=True, limit=HEADING_LIMIT
    )
    fields.done()
    return checked


def _set_agenda(session: Session, meeting: Meeting, entries: Sequence[AgendaInput], prefix: str = "agenda.") -> None:
    """Make the meeting's agenda these entries, in this order: new items are added, kept items
    take their place (and their new title or subject), items not named are removed (only those
    not yet taken up)."""
    items = {
        _id(item): item
        for item in session.execute(select(AgendaItem).where(col(AgendaItem.meeting_id) == meeting.id)).scalars()
    }
    gone = _check_entries(items, entries, prefix)
    held = _holdings(session, meeting.group_id, [e.subject for e in entries if e.subject is not None])
    for index, entry in enumerate(entries):
        where = f"{prefix}{index}."
        item = (
            items[entry.id] if entry.id is not None else AgendaItem(meeting_id=_id(meeting), position=index, title="")
        )
        if entry.title is not None or entry.id is None:
            item.title = _check_title(entry.title, where)
        if entry.subject is not None:
            subject = _subject(entry.subject, held, where)
            item.document_id, item.round_id = subject.document_id, subject.round_id
            item.clause_lineage, item.last_clause_lineage = subject.clause_lineage, subject.last_clause_lineage
        item.position = index
        session.add(item)
    for item_id in gone:
        session.delete(items[item_id])
    session.flush()


def _check_entries(items: dict[int, AgendaItem], entries: Sequence[AgendaInput], prefix: str) -> list[int]:
    """Refuse an agenda that is too long, names an item of another meeting or one twice, or drops
    an item already taken up; the ids of the items it drops."""
    if len(entries) > AGENDA_LIMIT:
        raise Invalid({"agenda": _("An agenda has at most {n} items.").format(n=AGENDA_LIMIT)})
    named = [entry.id for entry in entries if entry.id is not None]
    for index, entry in enumerate(entries):
        if entry.id is not None and entry.id not in items:
            raise Invalid(
                {f"{prefix}{index}.id": _("There is no agenda item {id} in this meeting.").format(id=entry.id)}
            )
    if len(set(named)) < len(named):
        raise Invalid({"agenda": _("An agenda item is named twice.")})
    gone = sorted(set(items) - set(named))
    for item_id in gone:
        if items[item_id].status != AgendaItemStatus.pending:
            raise Conflict(
                _("Agenda item “{title}” has been taken up: it stays on the agenda.").format(title=items[item_id].title)
            )
    return gone


def _agenda_ids(session: Session, meeting_id: int) -> list[int]:
    return list(
        session.execute(
            select(col(AgendaItem.id))
            .where(col(AgendaItem.meeting_id) == meeting_id)
            .order_by(col(AgendaItem.position))
        ).scalars()
    )


# --- scheduling and changing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A meeting just scheduled: its id and its agenda items' ids, in order."""

    id: int
    agenda: list[int]


def create_meeting(
    session: Session, user: CurrentUser, group_slug: str, data: MeetingInput, agenda: Sequence[AgendaInput] = ()
) -> Scheduled:
    """The secretariat (or the chair) schedules a meeting of the group, with its agenda."""
    _manager(user, group_slug)
    checked = _check_meeting(data)
    if any(entry.id is not None for entry in agenda):
        raise Invalid({"agenda": _("A new meeting's agenda items are new: give them no id.")})
    with write_transaction(session):
        group = group_by_slug(session, group_slug)
        assert group.id is not None
        meeting = Meeting(
            group_id=group.id,
            title=checked.title,
            starts_at=checked.starts_at,
            ends_at=checked.ends_at,
            place=checked.place,
            online_url=checked.online_url,
            created_by_id=user.id,
        )
        session.add(meeting)
        session.flush()
        _set_agenda(session, meeting, agenda)
        items = _agenda_ids(session, _id(meeting))
        audit.record(
            session,
            user.actor(group_slug),
            "meeting.create",
            "meeting",
            meeting.id,
            group_id=group.id,
            details={
                "title": checked.title,
                "starts_at": checked.starts_at.isoformat(),
                "ends_at": checked.ends_at.isoformat(),
                "agenda": items,
            },
        )
        return Scheduled(_id(meeting), items)


def _held(session: Session, user: CurrentUser, group_slug: str, meeting_id: int, action: MeetingAction) -> Meeting:
    membership = user.member_of(group_slug)
    meeting = meeting_in_group(session, group_slug, meeting_id, lock=True)
    _refuse(action_refusal(membership.role, action, meeting.status))
    return meeting


def change_meeting(
    session: Session, user: CurrentUser, group_slug: str, meeting_id: int, change: MeetingChange
) -> None:
    """Change a meeting's title, times, place or link, and (given) its agenda."""
    _manager(user, group_slug)
    with write_transaction(session):
        meeting = _held(session, user, group_slug, meeting_id, "change")
        asked = MeetingInput(
            change.title if change.title is not None else meeting.title,
            change.starts_at or meeting.starts_at,
            change.ends_at or meeting.ends_at,
            change.place if change.place is not None else meeting.place,
            change.online_url if change.online_url is not None else meeting.online_url,
        )
        checked = _check_meeting(asked)
        meeting.title, meeting.starts_at, meeting.ends_at = checked.title, checked.starts_at, checked.ends_at
        meeting.place, meeting.online_url = checked.place, checked.online_url
        details: dict[str, object] = {
            "title": checked.title,
            "starts_at": checked.starts_at.isoformat(),
            "ends_at": checked.ends_at.isoformat(),
        }
        if change.agenda is not None:
            _set_agenda(session, meeting, change.agenda)
            details["agenda"] = _agenda_ids(session, meeting_id)
        _changed(session, meeting)
        audit.record(
            session,
            user.actor(group_slug),
            "meeting.change",
            "meeting",
            meeting_id,
            group_id=meeting.group_id,
            details=details,
        )


def _current_agenda(session: Session, meeting_id: int) -> list[AgendaInput]:
    return [AgendaInput(item_id) for item_id in _agenda_ids(session, meeting_id)]


def edit_agenda(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    meeting_id: int,
    edit: Callable[[list[AgendaInput]], list[AgendaInput]],
    what: str,
) -> None:
    """Change the agenda with ``edit`` (given the agenda as it stands, it returns the new one):
    an item added, changed, moved or removed from the meeting page."""
    _manager(user, group_slug)
    with write_transaction(session):
        meeting = _held(session, user, group_slug, meeting_id, "change")
        _set_agenda(session, meeting, edit(_current_agenda(session, meeting_id)), prefix="")
        _changed(session, meeting)
        audit.record(
            session,
            user.actor(group_slug),
            f"agenda.{what}",
            "meeting",
            meeting_id,
            group_id=meeting.group_id,
            details={"agenda": _agenda_ids(session, meeting_id)},
        )


def adding(entry: AgendaInput) -> Callable[[list[AgendaInput]], list[AgendaInput]]:
    """An agenda edit: ``entry`` added at the end."""
    return lambda agenda: [*agenda, entry]


def changing(entry: AgendaInput) -> Callable[[list[AgendaInput]], list[AgendaInput]]:
    """An agenda edit: item ``entry.id`` takes the entry's title and subject."""

    def edit(agenda: list[AgendaInput]) -> list[AgendaInput]:
        _require_item(agenda, entry.id)
        return [entry if kept.id == entry.id else kept for kept in agenda]

    return edit


def moving(item_id: int, step: int) -> Callable[[list[AgendaInput]], list[AgendaInput]]:
    """An agenda edit: item ``item_id`` moved ``step`` places (-1 up, +1 down), within the agenda."""

    def edit(agenda: list[AgendaInput]) -> list[AgendaInput]:
        index = _require_item(agenda, item_id)
        target = min(max(index + step, 0), len(agenda) - 1)
        moved = agenda.pop(index)
        agenda.insert(target, moved)
        return agenda

    return edit


def removing(item_id: int) -> Callable[[list[AgendaInput]], list[AgendaInput]]:
    """An agenda edit: item ``item_id`` removed."""

    def edit(agenda: list[AgendaInput]) -> list[AgendaInput]:
        _require_item(agenda, item_id)
        return [kept for kept in agenda if kept.id != item_id]

    return edit


def _require_item(agenda: list[AgendaInput], item_id: int | None) -> int:
    for index, kept in enumerate(agenda):
        if kept.id == item_id:
            return index
    raise NotFound(_("There is no agenda item {id} in this meeting.").format(id=item_id))


# --- running the meeting -----------------------------------------------------------------------------


MeetingStep = Callable[[Session, CurrentUser, str, int], None]
"""What the chair or the secretariat does to a meeting: start, close or cancel it, or move on."""

_STATUS_AFTER: dict[MeetingAction, MeetingStatus] = {
    "start": MeetingStatus.in_progress,
    "close": MeetingStatus.closed,
    "cancel": MeetingStatus.cancelled,
}


def _move(session: Session, user: CurrentUser, group_slug: str, meeting_id: int, action: MeetingAction) -> None:
    with write_transaction(session):
        meeting = _held(session, user, group_slug, meeting_id, action)
        meeting.status = _STATUS_AFTER[action].value
        if action == "close":
            _apply(session, meeting, [])
        # Starting or closing is the meeting running as planned; a cancellation is news for calendars.
        _changed(session, meeting, bump=action == "cancel")
        audit.record(
            session, user.actor(group_slug), f"meeting.{action}", "meeting", meeting_id, group_id=meeting.group_id
        )


def start_meeting(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> None:
    """Start a scheduled meeting (it is then in progress)."""
    _move(session, user, group_slug, meeting_id, "start")


def close_meeting(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> None:
    """Close a meeting in progress: the item under discussion is done."""
    _move(session, user, group_slug, meeting_id, "close")


def cancel_meeting(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> None:
    """Cancel a scheduled meeting (calendars show it cancelled)."""
    _move(session, user, group_slug, meeting_id, "cancel")


def _items(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.execute(
            select(AgendaItem).where(col(AgendaItem.meeting_id) == meeting_id).order_by(col(AgendaItem.position))
        ).scalars()
    )


def _apply(session: Session, meeting: Meeting, wanted: list[int]) -> list[int]:
    """Take up the item in ``wanted`` (none: only end the current one); the ids that changed."""
    items = _items(session, _id(meeting))
    states = [ItemState(_id(item), item.position, item.status) for item in items]
    changes = take_up(states, wanted[0]) if wanted else finish(states)
    now = utcnow()
    by_id = {_id(item): item for item in items}
    for change in changes:
        item = by_id[change.id]
        item.status = change.status
        if change.starts:
            item.started_at, item.ended_at = now, None
        if change.ends:
            item.ended_at = now
        session.add(item)
    return [change.id for change in changes]


def take_up_item(session: Session, user: CurrentUser, group_slug: str, meeting_id: int, item_id: int) -> None:
    """The chair takes up an agenda item: it is under discussion now, the one before is done."""
    with write_transaction(session):
        meeting = _held(session, user, group_slug, meeting_id, "run")
        if item_id not in _agenda_ids(session, meeting_id):
            raise NotFound(_("There is no agenda item {id} in this meeting.").format(id=item_id))
        _take_up(session, user, group_slug, meeting, item_id)


def _take_up(session: Session, user: CurrentUser, group_slug: str, meeting: Meeting, item_id: int) -> None:
    changed = _apply(session, meeting, [item_id])
    if not changed:
        return
    _changed(session, meeting, bump=False)
    audit.record(
        session,
        user.actor(group_slug),
        "agenda.take_up",
        "meeting",
        meeting.id,
        group_id=meeting.group_id,
        details={"item": item_id},
    )


def next_agenda_item(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> int:
    """Move on to the next agenda item; its id."""
    with write_transaction(session):
        meeting = _held(session, user, group_slug, meeting_id, "run")
        items = _items(session, meeting_id)
        following = next_item([ItemState(_id(i), i.position, i.status) for i in items])
        _refuse(end_of_agenda_refusal(following))
        assert following is not None
        _take_up(session, user, group_slug, meeting, following)
        return following


# --- the roll call -------------------------------------------------------------------------------------


def _recorder(membership: GroupMembership) -> Recorder:
    return Recorder(membership.role, membership.delegation_id, membership.is_head)


def record_attendance(
    session: Session, user: CurrentUser, group_slug: str, meeting_id: int, present: dict[str, bool]
) -> None:
    """Record who is present (delegation code → present): the secretariat's roll call, or a head
    checking in its own delegation. Unchanged entries are left alone."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        meeting = meeting_in_group(session, group_slug, meeting_id, lock=True)
        delegations = dict(
            session.execute(
                select(col(Delegation.code), col(Delegation.id)).where(col(Delegation.group_id) == meeting.group_id)
            ).all()
        )
        unknown = sorted(set(present) - set(delegations))
        if unknown:
            raise NotFound(_("There is no delegation {code} in this group.").format(code=", ".join(unknown)))
        for code in sorted(present):
            _refuse(attendance_refusal(_recorder(membership), delegations[code], meeting.status))
        stored = {
            row.delegation_id: row
            for row in session.execute(select(Attendance).where(col(Attendance.meeting_id) == meeting_id)).scalars()
        }
        now = utcnow()
        changed: dict[str, bool] = {}
        for code, here in sorted(present.items()):
            row = stored.get(delegations[code])
            if row is not None and row.present == here:
                continue
            row = row or Attendance(meeting_id=meeting_id, delegation_id=delegations[code], present=here)
            row.present, row.recorded_by_id, row.recorded_at = here, user.id, now
            session.add(row)
            changed[code] = here
        if not changed:
            return
        _changed(session, meeting, bump=False)
        audit.record(
            session,
            user.actor(group_slug),
            "attendance.record",
            "meeting",
            meeting_id,
            group_id=meeting.group_id,
            details={"present": changed},
        )


def roll_call_count(session: Session, meeting_id: int) -> int:
    """How many delegations the meeting's roll call has recorded (present or absent)."""
    return int(session.execute(select(func.count()).where(col(Attendance.meeting_id) == meeting_id)).scalar_one())


def present_at(session: Session, meeting_id: int) -> set[int]:
    """The ids of the delegations recorded present at a meeting."""
    return set(
        session.execute(
            select(col(Attendance.delegation_id)).where(
                col(Attendance.meeting_id) == meeting_id, col(Attendance.present)
            )
        ).scalars()
    )


# --- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaItemView:
    """An agenda item as pages and the API show it: what it points to, by its current numbers."""

    id: int
    position: int
    title: str
    status: str
    document: str | None = None
    document_title: str | None = None
    clause: str | None = None
    """The current number of the (first) clause; None also when it is no longer in the text."""
    last_clause: str | None = None
    clause_gone: bool = False
    """The item named a clause that the document's current version no longer has."""
    round_id: int | None = None
    round_title: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    speakers_open: bool = True
    speaking_limit: int | None = None
    version: int | None = None
    """The number of the document's current version (where the clause numbers are from)."""


@dataclass(frozen=True, slots=True)
class AttendanceView:
    """A delegation on the roll call: present, absent, or not yet recorded (None)."""

    delegation_id: int
    code: str
    name: str
    present: bool | None


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A meeting with its agenda and roll call, and what the reader may do with it."""

    id: int
    group_slug: str
    group_name: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    status: str
    sequence: int
    updated_at: datetime
    agenda: list[AgendaItemView]
    attendance: list[AttendanceView]
    can_manage: bool = False
    """The reader may change it (its status allowing): the secretariat and the chair."""
    can_run: bool = False
    can_check_in: bool = False
    own_delegation: str = ""

    @property
    def present(self) -> int:
        return sum(1 for entry in self.attendance if entry.present)

    @property
    def recorded(self) -> int:
        return sum(1 for entry in self.attendance if entry.present is not None)

    @property
    def current_item(self) -> AgendaItemView | None:
        return next((item for item in self.agenda if item.status == AgendaItemStatus.current), None)


def _agenda_views(session: Session, meeting_id: int) -> list[AgendaItemView]:
    rows = session.execute(
        select(AgendaItem, col(Document.slug), col(Document.title), col(Round.title))
        .outerjoin(Document, col(Document.id) == col(AgendaItem.document_id))
        .outerjoin(Round, col(Round.id) == col(AgendaItem.round_id))
        .where(col(AgendaItem.meeting_id) == meeting_id)
        .order_by(col(AgendaItem.position))
    ).all()
    document_ids = sorted({item.document_id for item, *_rest in rows if item.document_id is not None})
    current = _current_clauses(session, document_ids)
    numbers = {(d, lineage): number for d, number, lineage, _v in current}
    versions = {d: v for d, _n, _lineage, v in current}
    views = []
    for item, slug, document_title, round_title in rows:
        first = numbers.get((item.document_id, item.clause_lineage)) if item.clause_lineage else None
        last = numbers.get((item.document_id, item.last_clause_lineage)) if item.last_clause_lineage else None
        gone = bool(item.clause_lineage and first is None) or bool(item.last_clause_lineage and last is None)
        views.append(
            AgendaItemView(
                _id(item),
                item.position,
                item.title,
                item.status,
                slug,
                document_title,
                first,
                last,
                gone,
                item.round_id,
                round_title,
                item.started_at,
                item.ended_at,
                item.speakers_open,
                item.speaking_limit,
                versions.get(item.document_id) if item.document_id is not None else None,
            )
        )
    return views


def _roll_call(session: Session, group_id: int, meeting_id: int) -> list[AttendanceView]:
    rows = session.execute(
        select(col(Delegation.id), col(Delegation.code), col(Delegation.name), col(Attendance.present))
        .outerjoin(
            Attendance,
            (col(Attendance.delegation_id) == col(Delegation.id)) & (col(Attendance.meeting_id) == meeting_id),
        )
        .where(col(Delegation.group_id) == group_id)
        .order_by(col(Delegation.name))
    ).all()
    return [AttendanceView(int(i), str(code), str(name), present) for i, code, name, present in rows]


def read_meeting(session: Session, user: CurrentUser, group_slug: str, meeting_id: int) -> MeetingView:
    """A meeting of the group with its agenda (clauses by their current numbers) and roll call."""
    membership = user.member_of(group_slug)
    meeting = meeting_in_group(session, group_slug, meeting_id)
    recorder = _recorder(membership)
    return MeetingView(
        id=_id(meeting),
        group_slug=group_slug,
        group_name=membership.group_name,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        online_url=meeting.online_url,
        status=meeting.status,
        sequence=meeting.sequence,
        updated_at=meeting.updated_at,
        agenda=_agenda_views(session, meeting_id),
        attendance=_roll_call(session, meeting.group_id, meeting_id),
        can_manage=action_refusal(membership.role, "change", meeting.status) is None,
        can_run=manage_refusal(membership.role) is None,
        can_check_in=may_check_in(recorder, meeting.status),
        own_delegation=membership.delegation_code,
    )


@dataclass(frozen=True, slots=True)
class MeetingSummary:
    """A meeting in the group's list."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    status: str
    items: int
    sequence: int = 0
    updated_at: datetime | None = None

    @property
    def over(self) -> bool:
        return self.status in (MeetingStatus.closed, MeetingStatus.cancelled) or self.ends_at < utcnow()


def list_meetings(session: Session, group_slug: str) -> list[MeetingSummary]:
    """The group's meetings, soonest first, each with the number of items on its agenda."""
    group = group_by_slug(session, group_slug)
    items = (
        select(col(AgendaItem.meeting_id), func.count().label("items")).group_by(col(AgendaItem.meeting_id)).subquery()
    )
    rows = session.execute(
        select(Meeting, func.coalesce(items.c["items"], 0))
        .outerjoin(items, items.c.meeting_id == col(Meeting.id))
        .where(col(Meeting.group_id) == group.id)
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    ).all()
    return [
        MeetingSummary(
            _id(m), m.title, m.starts_at, m.ends_at, m.place, m.online_url, m.status, int(n), m.sequence, m.updated_at
        )
        for m, n in rows
    ]


@dataclass(frozen=True, slots=True)
class Deadline:
    """An open round's deadline, for the calendar."""

    round_id: int
    title: str
    closes_at: datetime
    opened_at: datetime | None


def open_deadlines(session: Session, group_slug: str) -> list[Deadline]:
    """The deadlines of the group's open rounds (a calendar shows them)."""
    group = group_by_slug(session, group_slug)
    rows = session.execute(
        select(col(Round.id), col(Round.title), col(Round.closes_at), col(Round.opened_at))
        .where(col(Round.group_id) == group.id, col(Round.status) == "open", col(Round.closes_at).is_not(None))
        .order_by(col(Round.closes_at))
    ).all()
    return [Deadline(int(i), str(t), c, o) for i, t, c, o in rows]


# --- private calendar addresses ----------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def renew_feed(session: Session, user: CurrentUser, group_slug: str) -> str:
    """Give the member a new private calendar address for the group (the old one stops working);
    the token, shown once: only its hash is kept."""
    membership = user.member_of(group_slug)
    token = secrets.token_urlsafe(32)
    with write_transaction(session):
        old = session.execute(
            select(CalendarFeed).where(
                col(CalendarFeed.user_id) == user.id, col(CalendarFeed.group_id) == membership.group_id
            )
        ).scalar_one_or_none()
        if old is not None:
            session.delete(old)
            session.flush()
        session.add(CalendarFeed(user_id=user.id, group_id=membership.group_id, token_hash=_token_hash(token)))
        audit.record(
            session,
            user.actor(group_slug),
            "calendar_feed.renew" if old is not None else "calendar_feed.create",
            "user",
            user.id,
            group_id=membership.group_id,
        )
    return token


def has_feed(session: Session, user: CurrentUser, group_slug: str) -> bool:
    """Whether the member has a private calendar address for the group."""
    membership = user.member_of(group_slug)
    return (
        session.execute(
            select(col(CalendarFeed.id)).where(
                col(CalendarFeed.user_id) == user.id, col(CalendarFeed.group_id) == membership.group_id
            )
        ).scalar_one_or_none()
        is not None
    )


def group_of_feed(session: Session, token: str) -> str:
    """The slug of the group a private calendar address is for, while its member still belongs to
    the group and may sign in; NotFound for any other token."""
    slug = session.execute(
        select(col(WorkingGroup.slug))
        .join(CalendarFeed, col(CalendarFeed.group_id) == col(WorkingGroup.id))
        .join(User, col(User.id) == col(CalendarFeed.user_id))
        .join(
            Membership,
            (col(Membership.user_id) == col(CalendarFeed.user_id))
            & (col(Membership.group_id) == col(CalendarFeed.group_id)),
        )
        .where(col(CalendarFeed.token_hash) == _token_hash(token), col(User.is_active))
    ).scalar_one_or_none()
    if slug is None:
        raise NotFound(_("There is no such calendar."))
    return str(slug)


def group_name(session: Session, group_slug: str) -> str:
    """The group's name (a calendar's title)."""
    return group_by_slug(session, group_slug).name
