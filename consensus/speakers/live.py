"""A meeting's live stream: every open page of a meeting (its list of speakers, the meeting page, the
projector) hears when anything of the meeting changes, in every worker process.

Nobody has to remember to wake anything: a hook on every session notes each meeting whose rows
(the meeting, its agenda items, its roll call, its lists of speakers) a flush writes, and on
PostgreSQL sends the ``NOTIFY`` (delivered when the transaction commits); once the transaction
commits, this process's watcher is woken (``wake_meetings_after_commit`` puts it on the sessions of
requests). A rolled-back change wakes nobody. Between wake-ups the watcher polls the meeting's state
(``meeting_state``): on SQLite that is how other processes are heard.

The watcher, the shared renders and the listener are those of the live rounds
(``consensus.voting.live``), keyed by meeting instead of by round.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col

from consensus.models import AgendaItem, Attendance, AuditEvent, Meeting, Round, Speaker
from consensus.settings import Settings
from consensus.voting.live import RoundWatcher

CHANNEL = "consensus_meetings"
"""The PostgreSQL notification channel; the payload is the meeting's id."""
OBJECT_TYPE = "meeting"
"""Audit events about a meeting (its agenda, roll call and speakers) name the meeting: its live
state is its newest such event."""

MeetingWatcher = RoundWatcher
"""One poller per watched meeting per process, shared by every page watching it."""

ANNOUNCED = "consensus.live.meetings_announced"
"""Key in ``Session.info``: the meetings changed in the session's transaction under way."""
NOTIFIED = "consensus.live.meetings_notified"
"""Key in ``Session.info``: those already sent a ``NOTIFY`` in it."""
WATCHER = "consensus.live.meeting_watcher"
"""Key in ``Session.info``: the watcher to wake once those changes have committed."""


MeetingState = tuple[object, ...]
"""(newest audit event on the meeting, its status, its current item, the last roll-call entry, how
many are present, and the newest of its rounds open or closed, how many, the last closed) of a meeting."""


def meeting_state(session: Session, meeting_id: int) -> MeetingState | None:
    """What a meeting's live pages watch (None: no such meeting): its newest audit event (every
    change to its lists of speakers is one), its status, the item under discussion and the roll
    call, so that a change recorded under another object still moves it. Index lookups only."""
    newest = (
        select(func.max(col(AuditEvent.seq)))
        .where(col(AuditEvent.object_type) == OBJECT_TYPE, col(AuditEvent.object_id) == str(meeting_id))
        .scalar_subquery()
    )
    current = (
        select(func.max(col(AgendaItem.id)))
        .where(col(AgendaItem.meeting_id) == meeting_id, col(AgendaItem.status) == "current")
        .scalar_subquery()
    )
    roll_call = select(func.max(col(Attendance.recorded_at)), func.count()).where(
        col(Attendance.meeting_id) == meeting_id, col(Attendance.present).is_(True)
    )
    found = session.execute(
        select(newest, col(Meeting.status), current, col(Meeting.updated_at)).where(col(Meeting.id) == meeting_id)
    ).first()
    if found is None:
        return None
    last, present = session.execute(roll_call).one()
    # The rounds held at it: one made, opened or closed moves the projector and the console.
    rounds = session.execute(
        select(func.max(col(Round.id)), func.count(), func.max(col(Round.closed_at))).where(
            col(Round.meeting_id) == meeting_id, col(Round.status).in_(["open", "closed"])
        )
    ).one()
    return (found[0] or 0, found[1], found[2], str(found[3]), str(last), present, *map(str, rounds))


def watcher_for(engine: Engine, settings: Settings) -> MeetingWatcher:
    """The app's watcher of meetings: polling the database often on SQLite, rarely while the
    PostgreSQL listener hears the notifications."""

    def read(meeting_id: int) -> MeetingState | None:
        with Session(engine) as session:
            return meeting_state(session, meeting_id)

    if settings.database.is_sqlite:
        return MeetingWatcher(read, interval=settings.live_poll_seconds or 0.5)  # type: ignore[arg-type]
    return MeetingWatcher(read, listening_interval=settings.live_poll_seconds or 5.0)  # type: ignore[arg-type]


def announce_meeting(session: Session, meeting_id: int) -> None:
    """Tell every live page of a meeting that it changed, once the caller's transaction commits (the
    flush hook does this for every write to a meeting's rows; call it for a change it cannot see)."""
    session.info.setdefault(ANNOUNCED, set()).add(meeting_id)
    notified: set[int] = session.info.setdefault(NOTIFIED, set())
    if meeting_id not in notified and session.get_bind().dialect.name == "postgresql":
        notified.add(meeting_id)
        session.connection().execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": str(meeting_id)}
        )


def wake_meetings_after_commit(session: Session, watcher: MeetingWatcher) -> Session:
    """Have ``watcher`` wake the pages of every meeting changed in a transaction of ``session`` once it
    has committed (a session without a watcher is left alone)."""
    session.info[WATCHER] = watcher
    return session


def _meetings_touched(session: Session, objects: Any) -> set[int]:
    """The meetings whose rows are among ``objects`` (as they were flushed)."""
    meetings: set[int] = set()
    items: set[int] = set()
    for row in objects:
        if isinstance(row, Meeting) and row.id is not None:
            meetings.add(row.id)
        elif isinstance(row, AgendaItem | Attendance | Round):  # a round held at it opens or closes
            if row.meeting_id is not None:
                meetings.add(row.meeting_id)
        elif isinstance(row, Speaker):
            items.add(row.item_id)
    if items:
        found = session.connection().execute(
            select(col(AgendaItem.meeting_id)).where(col(AgendaItem.id).in_(sorted(items)))
        )
        meetings.update(found.scalars())
    return meetings


@event.listens_for(Session, "after_flush")
def _note_changed_meetings(session: Session, flush_context: Any) -> None:
    touched = [*session.new, *session.dirty, *session.deleted]
    if not any(isinstance(row, Meeting | AgendaItem | Attendance | Speaker | Round) for row in touched):
        return
    for meeting_id in sorted(_meetings_touched(session, touched)):
        announce_meeting(session, meeting_id)


@event.listens_for(Session, "after_commit")
def _wake_changed_meetings(session: Session) -> None:
    announced = session.info.pop(ANNOUNCED, None)
    session.info.pop(NOTIFIED, None)
    watcher = session.info.get(WATCHER)
    if announced and watcher is not None:
        for meeting_id in sorted(announced):
            watcher.notify(meeting_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(ANNOUNCED, None)
        session.info.pop(NOTIFIED, None)
