"""Meetings in the JSON API: scheduling them with their agenda, running them, and the roll call;
the same services as the meeting pages."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody, PathParameter
from sqlmodel import Session

from consensus.accounts.identity import CurrentUser
from consensus.api.paths import API, GROUP
from consensus.core.meetings import SubjectAsked
from consensus.meetings import services as meetings
from consensus.meetings.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AttendanceIn,
    AttendanceOut,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MeetingSummaryOut,
)
from consensus.models import Role
from consensus.web.access import MEMBER, SIGNED_IN, roles
from consensus.web.deps import Db, Id, Me
from consensus.web.routing import action, change, read, replace

MEETING = f"{API}/meetings/{{meeting_id:int}}"
Code = Annotated[str, PathParameter(max_length=16, description="A delegation's code, such as KEN")]


def _unset(value: object) -> object | None:
    return None if value is msgspec.UNSET else value


def agenda_input(item: AgendaItemIn) -> meetings.AgendaInput:
    """An agenda item of a request as the services take it: what it points to is changed only when
    one of its fields is given."""
    pointed = (item.document, item.clause, item.last_clause, item.round)
    subject = None
    if any(value is not msgspec.UNSET for value in pointed):
        document, clause, last_clause, round_id = (_unset(value) for value in pointed)
        subject = SubjectAsked(
            document or None,  # type: ignore[arg-type]  # msgspec checked the types
            clause or None,  # type: ignore[arg-type]
            last_clause or None,  # type: ignore[arg-type]
            round_id,  # type: ignore[arg-type]
        )
    return meetings.AgendaInput(
        _unset(item.id),  # type: ignore[arg-type]
        _unset(item.title),  # type: ignore[arg-type]
        subject,
    )


def meeting_out(view: meetings.MeetingView) -> MeetingOut:
    return MeetingOut(
        id=view.id,
        group=view.group_slug,
        title=view.title,
        starts_at=view.starts_at,
        ends_at=view.ends_at,
        place=view.place,
        online_url=view.online_url,
        status=view.status,
        sequence=view.sequence,
        updated_at=view.updated_at,
        agenda=[
            AgendaItemOut(
                i.id,
                i.position,
                i.title,
                i.status,
                i.document,
                i.clause,
                i.last_clause,
                i.clause_gone,
                i.round_id,
                i.started_at,
                i.ended_at,
            )
            for i in view.agenda
        ],
        attendance=[AttendanceOut(a.code, a.name, a.present) for a in view.attendance],
    )


def _read(db: Session, user: CurrentUser, meeting_id: int) -> MeetingOut:
    group = meetings.group_of_meeting(db, user, meeting_id)
    return meeting_out(meetings.read_meeting(db, user, group, meeting_id))


@action(
    f"{GROUP}/meetings",
    name="api_meeting_create",
    access=roles(Role.chair, Role.secretariat),
    tags=["meetings"],
    status_code=201,
)
def meeting_create(db: Db, user: Me, group: FromPath[str], data: JSONBody[MeetingIn]) -> MeetingOut:
    """The secretariat or the chair schedules a meeting with its agenda; each agenda item may point
    to a ``document``, a ``clause`` (and ``last_clause``, a range) of it, or a ``round``."""
    scheduled = meetings.create_meeting(
        db,
        user,
        group,
        meetings.MeetingInput(data.title, data.starts_at, data.ends_at, data.place, data.online_url),
        [agenda_input(item) for item in data.agenda],
    )
    return meeting_out(meetings.read_meeting(db, user, group, scheduled.id))


@read(f"{GROUP}/meetings", name="api_meetings", access=MEMBER, tags=["meetings"])
def meeting_list(db: Db, group: FromPath[str]) -> list[MeetingSummaryOut]:
    """The group's meetings, soonest first."""
    return [
        MeetingSummaryOut(m.id, m.title, m.starts_at, m.ends_at, m.place, m.online_url, m.status, m.items)
        for m in meetings.list_meetings(db, group)
    ]


@read(MEETING, name="api_meeting", access=SIGNED_IN, tags=["meetings"])
def meeting_detail(db: Db, user: Me, meeting_id: Id) -> MeetingOut:
    """A meeting with its agenda (clauses by their current numbers) and its roll call."""
    return _read(db, user, meeting_id)


@change(MEETING, name="api_meeting_change", access=SIGNED_IN, tags=["meetings"])
def meeting_change(db: Db, user: Me, meeting_id: Id, data: JSONBody[MeetingPatch]) -> MeetingOut:
    """Change a meeting (secretariat, chair): what is given is changed; ``agenda`` is the whole
    agenda in its new order (items with their ``id`` kept, without one new, unlisted ones removed)."""
    group = meetings.group_of_meeting(db, user, meeting_id)
    agenda = None if data.agenda is None else [agenda_input(item) for item in data.agenda]
    meetings.change_meeting(
        db,
        user,
        group,
        meeting_id,
        meetings.MeetingChange(data.title, data.starts_at, data.ends_at, data.place, data.online_url, agenda),
    )
    return meeting_out(meetings.read_meeting(db, user, group, meeting_id))


def _step(db: Session, user: CurrentUser, meeting_id: int, step: meetings.MeetingStep) -> MeetingOut:
    group = meetings.group_of_meeting(db, user, meeting_id)
    step(db, user, group, meeting_id)
    return meeting_out(meetings.read_meeting(db, user, group, meeting_id))


@action(f"{MEETING}/start", name="api_meeting_start", access=SIGNED_IN, tags=["meetings"], status_code=200)
def meeting_start(db: Db, user: Me, meeting_id: Id) -> MeetingOut:
    """Start a scheduled meeting (secretariat, chair)."""
    return _step(db, user, meeting_id, meetings.start_meeting)


@action(f"{MEETING}/close", name="api_meeting_close", access=SIGNED_IN, tags=["meetings"], status_code=200)
def meeting_close(db: Db, user: Me, meeting_id: Id) -> MeetingOut:
    """Close a meeting in progress: the item under discussion is done."""
    return _step(db, user, meeting_id, meetings.close_meeting)


@action(f"{MEETING}/cancel", name="api_meeting_cancel", access=SIGNED_IN, tags=["meetings"], status_code=200)
def meeting_cancel(db: Db, user: Me, meeting_id: Id) -> MeetingOut:
    """Cancel a scheduled meeting (calendars show it cancelled)."""
    return _step(db, user, meeting_id, meetings.cancel_meeting)


@action(
    f"{MEETING}/items/{{item:int}}/current",
    name="api_agenda_current",
    access=SIGNED_IN,
    tags=["meetings"],
    status_code=200,
)
def agenda_current(db: Db, user: Me, meeting_id: Id, item: Id) -> MeetingOut:
    """Take up an agenda item (chair, secretariat): it is under discussion, the one before is done."""
    group = meetings.group_of_meeting(db, user, meeting_id)
    meetings.take_up_item(db, user, group, meeting_id, item)
    return meeting_out(meetings.read_meeting(db, user, group, meeting_id))


@action(f"{MEETING}/items/next", name="api_agenda_next", access=SIGNED_IN, tags=["meetings"], status_code=200)
def agenda_next(db: Db, user: Me, meeting_id: Id) -> MeetingOut:
    """Move on to the next agenda item still to come (409 at the end of the agenda)."""
    group = meetings.group_of_meeting(db, user, meeting_id)
    meetings.next_agenda_item(db, user, group, meeting_id)
    return meeting_out(meetings.read_meeting(db, user, group, meeting_id))


@replace(f"{MEETING}/attendance/{{code:str}}", name="api_attendance", access=SIGNED_IN, tags=["meetings"])
def attendance(db: Db, user: Me, meeting_id: Id, code: Code, data: JSONBody[AttendanceIn]) -> AttendanceOut:
    """Record a delegation present or absent (secretariat, chair, or the delegation's head checking
    in); the same answer twice changes nothing."""
    group = meetings.group_of_meeting(db, user, meeting_id)
    meetings.record_attendance(db, user, group, meeting_id, {code: data.present})
    entry = next(a for a in meetings.read_meeting(db, user, group, meeting_id).attendance if a.code == code)
    return AttendanceOut(entry.code, entry.name, entry.present)


MEETING_API_ROUTES: list[HTTPRouteHandler] = [
    meeting_create,
    meeting_list,
    meeting_detail,
    meeting_change,
    meeting_start,
    meeting_close,
    meeting_cancel,
    agenda_current,
    agenda_next,
    attendance,
]
