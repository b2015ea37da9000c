"""Meeting pages: the group's meetings, a meeting (agenda, where and when, attendance), the forms
to schedule and change one and its agenda, running it, the roll call, and the calendar feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from consensus import i18n
from consensus.accounts.identity import CurrentUser
from consensus.core.meetings import SubjectAsked
from consensus.errors import Forbidden, Invalid, NotFound
from consensus.groups.services import documents_of
from consensus.i18n import _
from consensus.meetings import calendar
from consensus.meetings import services as meetings
from consensus.models import Role
from consensus.web.access import MEMBER, PUBLIC, roles
from consensus.web.deps import Db, Id, Me
from consensus.web.forms import FormData, field, form_id
from consensus.web.routing import action, page

MEETINGS = "/groups/{group:str}/meetings"
MEETING = MEETINGS + "/{meeting_id:int}"
ITEM = MEETING + "/agenda/{item:int}"
RUNS = roles(Role.chair, Role.secretariat)


def parse_moment(data: dict[str, Any], name: str) -> datetime | None:
    """A date and time typed in a form: a datetime-local in the reader's time zone (UTC unless they
    chose one), or ISO with a zone; None when empty."""
    text = field(data, name)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (value if value.tzinfo else value.replace(tzinfo=i18n.time_zone())).astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid({name: _("Give a date and time, for example 2026-12-01T10:00.")}) from None


def local_input(value: datetime | None) -> str:
    """A moment as a datetime-local field shows it, in the reader's time zone."""
    return value.astimezone(i18n.time_zone()).strftime("%Y-%m-%dT%H:%M") if value else ""


def _meeting_input(data: dict[str, Any]) -> meetings.MeetingInput:
    errors: dict[str, str] = {}
    moments: dict[str, datetime | None] = {}
    for name in ("starts_at", "ends_at"):
        try:
            moments[name] = parse_moment(data, name)
        except Invalid as bad:
            errors.update(bad.errors)
    if errors:
        raise Invalid(errors)
    return meetings.MeetingInput(
        field(data, "title"), moments["starts_at"], moments["ends_at"], field(data, "place"), field(data, "online_url")
    )


def _agenda_entry(data: dict[str, Any], item_id: int | None = None) -> meetings.AgendaInput:
    subject = SubjectAsked(
        field(data, "document") or None,
        field(data, "clause") or None,
        field(data, "last_clause") or None,
        form_id(data, "round"),
    )
    return meetings.AgendaInput(item_id, field(data, "title"), subject)


def _url(request: Request[Any, Any, Any], name: str, **params: Any) -> str:
    return str(request.app.route_reverse(name, **params))


def _to_meeting(request: Request[Any, Any, Any], group: str, meeting_id: int, anchor: str = "") -> Response[Any]:
    return Redirect(_url(request, "meeting", group=group, meeting_id=meeting_id) + anchor, status_code=303)


# --- the list and the calendar ----------------------------------------------------------------------


def _list_page(db: Session, user: CurrentUser, group: str, feed_url: str = "", status_code: int = 200) -> Template:
    listed = meetings.list_meetings(db, group)
    return Template(
        "meetings/list.html",
        context={
            "group_slug": group,
            "membership": user.membership(group),
            "upcoming": [m for m in listed if not m.over],
            "past": [m for m in reversed(listed) if m.over],
            "has_feed": meetings.has_feed(db, user, group),
            "feed_url": feed_url,
        },
        status_code=status_code,
    )


@page(MEETINGS, name="meetings", access=MEMBER)
def meetings_page(db: Db, user: Me, group: FromPath[str]) -> Template:
    """The group's meetings: upcoming and past; the calendar feeds."""
    return _list_page(db, user, group)


@action("/groups/{group:str}/calendar-feed", name="calendar_feed_renew", access=MEMBER)
def calendar_feed_renew(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str]) -> Template:
    """Make (or renew) the member's private calendar address; it is shown once, on this page."""
    token = meetings.renew_feed(db, user, group)
    return _list_page(db, user, group, str(request.url_for("calendar_private", feed=f"{token}.ics")))


def _calendar(request: Request[Any, Any, Any], db: Session, group: str) -> Response[bytes]:
    summary = meetings.list_meetings(db, group)
    body = calendar.feed(
        group,
        meetings.group_name(db, group),
        summary,
        meetings.open_deadlines(db, group),
        lambda meeting_id: str(request.url_for("meeting", group=group, meeting_id=meeting_id)),
        lambda round_id: str(request.url_for("round", group=group, round_id=round_id)),
    )
    return Response(
        body,
        media_type=calendar.MEDIA_TYPE,
        headers={"Cache-Control": "private, no-cache", "Content-Disposition": f'inline; filename="{group}.ics"'},
    )


@page("/groups/{group:str}/calendar.ics", name="group_calendar", access=MEMBER)
def group_calendar(request: Request[Any, Any, Any], db: Db, group: FromPath[str]) -> Response[bytes]:
    """The group's meetings and open round deadlines as an iCalendar feed (signed in)."""
    return _calendar(request, db, group)


@page("/calendar/{feed:str}", name="calendar_private", access=PUBLIC)
def calendar_private(request: Request[Any, Any, Any], db: Db, feed: FromPath[str]) -> Response[bytes]:
    """The same feed at a member's private address, for calendar apps that cannot sign in."""
    token = feed.removesuffix(".ics")
    if token == feed or not token:
        raise NotFound(_("There is no such calendar."))
    return _calendar(request, db, meetings.group_of_feed(db, token))


# --- a meeting ---------------------------------------------------------------------------------------


def _meeting_page(
    db: Session,
    user: CurrentUser,
    group: str,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    view = meetings.read_meeting(db, user, group, meeting_id)
    membership = user.membership(group)
    assert membership is not None
    documents = documents_of(db, [membership.group_id])[membership.group_id] if view.can_manage else []
    return Template(
        "meetings/meeting.html",
        context={
            "group_slug": group,
            "meeting": view,
            "documents": documents,
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status_code,
    )


@page(MEETING, name="meeting", access=MEMBER)
def meeting_page(db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Template:
    """A meeting: when and where, its agenda, the roll call; the secretariat's and chair's controls."""
    return _meeting_page(db, user, group, meeting_id)


def _form(
    group: str, values: dict[str, Any], errors: dict[str, str], meeting_id: int | None = None, status_code: int = 200
) -> Template:
    return Template(
        "meetings/form.html",
        context={"group_slug": group, "values": values, "errors": errors, "meeting_id": meeting_id},
        status_code=status_code,
    )


@page(MEETINGS + "/new", name="meeting_new", access=RUNS)
def meeting_new(group: FromPath[str]) -> Template:
    """The form to schedule a meeting."""
    return _form(group, {}, {})


@action(MEETINGS, name="meeting_create", access=RUNS)
def meeting_create(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], data: FormData
) -> Response[Any]:
    """Schedule the meeting; its agenda is made on its page."""
    try:
        scheduled = meetings.create_meeting(db, user, group, _meeting_input(data))
    except Invalid as refusal:
        return _form(group, dict(data), refusal.errors, status_code=422)
    return _to_meeting(request, group, scheduled.id)


@page(MEETING + "/edit", name="meeting_edit", access=RUNS)
def meeting_edit(db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Template:
    """The form to change a meeting's title, times, place or link."""
    view = meetings.read_meeting(db, user, group, meeting_id)
    values = {
        "title": view.title,
        "starts_at": local_input(view.starts_at),
        "ends_at": local_input(view.ends_at),
        "place": view.place,
        "online_url": view.online_url,
    }
    return _form(group, values, {}, meeting_id)


@action(MEETING + "/edit", name="meeting_change", access=RUNS)
def meeting_change(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Response[Any]:
    """Save the changes (calendars see a new sequence)."""
    try:
        asked = _meeting_input(data)
        change = meetings.MeetingChange(asked.title, asked.starts_at, asked.ends_at, asked.place, asked.online_url)
        meetings.change_meeting(db, user, group, meeting_id, change)
    except Invalid as refusal:
        return _form(group, dict(data), refusal.errors, meeting_id, status_code=422)
    return _to_meeting(request, group, meeting_id)


def _step(
    request: Request[Any, Any, Any],
    db: Session,
    user: CurrentUser,
    group: str,
    meeting_id: int,
    step: meetings.MeetingStep,
) -> Response[Any]:
    step(db, user, group, meeting_id)
    return _to_meeting(request, group, meeting_id)


@action(MEETING + "/start", name="meeting_start", access=RUNS)
def meeting_start(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id
) -> Response[Any]:
    """Start the meeting."""
    return _step(request, db, user, group, meeting_id, meetings.start_meeting)


@action(MEETING + "/close", name="meeting_close", access=RUNS)
def meeting_close(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id
) -> Response[Any]:
    """Close the meeting."""
    return _step(request, db, user, group, meeting_id, meetings.close_meeting)


@action(MEETING + "/cancel", name="meeting_cancel", access=RUNS)
def meeting_cancel(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id
) -> Response[Any]:
    """Cancel the meeting."""
    return _step(request, db, user, group, meeting_id, meetings.cancel_meeting)


# --- the agenda --------------------------------------------------------------------------------------


@action(MEETING + "/agenda", name="agenda_add", access=RUNS)
def agenda_add(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Response[Any]:
    """Add an item at the end of the agenda."""
    try:
        meetings.edit_agenda(db, user, group, meeting_id, meetings.adding(_agenda_entry(data)), "add")
    except Invalid as refusal:
        return _meeting_page(db, user, group, meeting_id, errors=refusal.errors, values=dict(data), status_code=422)
    return _to_meeting(request, group, meeting_id, "#agenda")


def _item_form(
    db: Session,
    user: CurrentUser,
    group: str,
    meeting_id: int,
    item: int,
    values: dict[str, Any] | None,
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    view = meetings.read_meeting(db, user, group, meeting_id)
    entry = next((i for i in view.agenda if i.id == item), None)
    if entry is None:
        raise NotFound(_("There is no agenda item {id} in this meeting.").format(id=item))
    membership = user.membership(group)
    assert membership is not None
    if values is None:
        values = {
            "title": entry.title,
            "document": entry.document or "",
            "clause": entry.clause or "",
            "last_clause": entry.last_clause or "",
            "round": entry.round_id or "",
        }
    return Template(
        "meetings/item.html",
        context={
            "group_slug": group,
            "meeting": view,
            "item": entry,
            "documents": documents_of(db, [membership.group_id])[membership.group_id],
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@page(ITEM + "/edit", name="agenda_edit", access=RUNS)
def agenda_edit(db: Db, user: Me, group: FromPath[str], meeting_id: Id, item: Id) -> Template:
    """The form to change an agenda item."""
    return _item_form(db, user, group, meeting_id, item, None, {})


@action(ITEM + "/edit", name="agenda_change", access=RUNS)
def agenda_change(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, item: Id, data: FormData
) -> Response[Any]:
    """Save the agenda item."""
    try:
        meetings.edit_agenda(db, user, group, meeting_id, meetings.changing(_agenda_entry(data, item)), "change")
    except Invalid as refusal:
        return _item_form(db, user, group, meeting_id, item, dict(data), refusal.errors, status_code=422)
    return _to_meeting(request, group, meeting_id, "#agenda")


@action(ITEM + "/move", name="agenda_move", access=RUNS)
def agenda_move(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, item: Id, data: FormData
) -> Response[Any]:
    """Move an agenda item one place up or down."""
    direction = field(data, "direction")
    if direction not in ("up", "down"):
        raise Invalid({"direction": _("Move an item up or down.")})
    step = -1 if direction == "up" else 1
    meetings.edit_agenda(db, user, group, meeting_id, meetings.moving(item, step), "move")
    return _to_meeting(request, group, meeting_id, "#agenda")


@action(ITEM + "/remove", name="agenda_remove", access=RUNS)
def agenda_remove(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, item: Id
) -> Response[Any]:
    """Remove an agenda item not yet taken up."""
    meetings.edit_agenda(db, user, group, meeting_id, meetings.removing(item), "remove")
    return _to_meeting(request, group, meeting_id, "#agenda")


@action(ITEM + "/current", name="agenda_take_up", access=RUNS)
def agenda_take_up(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, item: Id
) -> Response[Any]:
    """Take up an agenda item: it is under discussion now."""
    meetings.take_up_item(db, user, group, meeting_id, item)
    return _to_meeting(request, group, meeting_id, "#agenda")


@action(MEETING + "/agenda/next", name="agenda_next", access=RUNS)
def agenda_next(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id
) -> Response[Any]:
    """Move on to the next agenda item."""
    meetings.next_agenda_item(db, user, group, meeting_id)
    return _to_meeting(request, group, meeting_id, "#agenda")


# --- the roll call -------------------------------------------------------------------------------------


@page(MEETING + "/attendance", name="attendance", access=RUNS)
def attendance_page(db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Template:
    """The roll call: every delegation with a present / absent choice, saved at once."""
    return Template(
        "meetings/attendance.html",
        context={"group_slug": group, "meeting": meetings.read_meeting(db, user, group, meeting_id), "errors": {}},
    )


@action(MEETING + "/attendance", name="attendance_record", access=RUNS)
def attendance_record(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Response[Any]:
    """Save the roll call (delegations left without a choice are left as they were)."""
    present: dict[str, bool] = {}
    for name in data:
        if name.startswith("present-"):
            value = field(data, name)
            if value not in ("present", "absent"):
                raise Invalid({name: _("Choose present or absent.")})
            present[name.removeprefix("present-")] = value == "present"
    meetings.record_attendance(db, user, group, meeting_id, present)
    return _to_meeting(request, group, meeting_id, "#attendance")


@action(MEETING + "/check-in", name="attendance_check_in", access=MEMBER)
def attendance_check_in(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Response[Any]:
    """A head of delegation checks its own delegation in (or out)."""
    membership = user.member_of(group)
    code = membership.delegation_code
    if not code:
        raise Forbidden(_("Only the head of a delegation checks it in."))
    meetings.record_attendance(db, user, group, meeting_id, {code: field(data, "present") != "absent"})
    return _to_meeting(request, group, meeting_id, "#attendance")


MEETING_ROUTES = [
    meetings_page,
    calendar_feed_renew,
    group_calendar,
    calendar_private,
    meeting_page,
    meeting_new,
    meeting_create,
    meeting_edit,
    meeting_change,
    meeting_start,
    meeting_close,
    meeting_cancel,
    agenda_add,
    agenda_edit,
    agenda_change,
    agenda_move,
    agenda_remove,
    agenda_take_up,
    agenda_next,
    attendance_page,
    attendance_record,
    attendance_check_in,
]
