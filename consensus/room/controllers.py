"""The projector (the room's screen: no controls, it follows the meeting by itself) and the chair's
console (the agenda, the list of speakers, the clause under discussion with its positions, a
consensus round on it, the gavel), on one page each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.exceptions import NoRouteMatchFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from consensus.errors import Conflict, Invalid, NotFound
from consensus.i18n import _
from consensus.labels import SPEAKER_KINDS, label
from consensus.lookups import meeting_in_group
from consensus.meetings import services as meetings
from consensus.models import Role
from consensus.room import services as room
from consensus.speakers import services as speakers
from consensus.speakers.controllers import list_context
from consensus.voting import services as voting
from consensus.web.access import MEMBER, roles
from consensus.web.deps import Db, Id, Me
from consensus.web.forms import FormData, field
from consensus.web.htmx import wants_fragment
from consensus.web.routing import action, page

MEETING = "/groups/{group:str}/meetings/{meeting_id:int}"
CONSOLE = MEETING + "/console"
RUNS = roles(Role.chair, Role.secretariat)
REFRESH_SECONDS = 5
"""Without JavaScript the projector reloads itself this often (a meta refresh: the screen has
nobody to press a key, and a server-sent event needs a script to be heard)."""


def live_url(request: Request[Any, Any, Any], meeting_id: int) -> str | None:
    """The meeting's live stream (the speakers area's), if this app serves one."""
    try:
        return request.app.route_reverse("meeting_live", meeting_id=meeting_id)
    except NoRouteMatchFoundException:
        return None


def _room_context(request: Request[Any, Any, Any], view: room.RoomView, **more: Any) -> dict[str, Any]:
    return {
        "room": view,
        "group_slug": view.group_slug,
        "live_url": live_url(request, view.meeting_id),
        "refresh": REFRESH_SECONDS,
        "speaker_kinds": {kind: label(kind, SPEAKER_KINDS) for kind in SPEAKER_KINDS},
        "agenda_statuses": {"pending": _("to come"), "current": _("under discussion"), "done": _("done")},
        **more,
    }


@page(MEETING + "/projector", name="room_projector", access=MEMBER)
def projector(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Template:
    """The room's screen: the item under discussion, its clause with brackets and alternatives, who
    has the floor with the countdown and the next three, and the live tally of a round open on it."""
    view = room.read_room(db, user, group, meeting_id)
    context = _room_context(request, view)
    if wants_fragment(request):
        return Template("room/_screen.html", context=context)
    return Template("room/projector.html", context=context)


@page(CONSOLE, name="room_console", access=RUNS)
def console(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Template:
    """The chair's console: the agenda, the list of speakers, the clause under discussion with the
    delegations' positions, a consensus round on it and the gavel, on one page."""
    view = room.read_room(db, user, group, meeting_id, positions=True)
    membership = user.member_of(group)
    context = _room_context(
        request,
        view,
        **_speakers(request, db, user, view),
        is_chair=membership.role == Role.chair,
        note=next((n for n in ("opened", "agreed") if request.query_params.get(n)), ""),
        errors={},
        values={},
    )
    if wants_fragment(request):
        return Template("room/_console.html", context=context)
    return Template("room/console.html", context=context)


def _speakers(request: Request[Any, Any, Any], db: Db, user: Me, view: room.RoomView) -> dict[str, Any]:
    """The speakers area's list of the item under discussion, with its chair's controls, coming back
    to the console after each."""
    if view.current is None:
        return {"speakers": None}
    back = request.app.route_reverse("room_console", group=view.group_slug, meeting_id=view.meeting_id)
    return list_context(speakers.read_list(db, user, view.meeting_id, view.current.id), back=back)


def _back(request: Request[Any, Any, Any], group: str, meeting_id: int, note: str = "", anchor: str = "") -> Redirect:
    url = request.app.route_reverse("room_console", group=group, meeting_id=meeting_id)
    return Redirect(url + (f"?{note}=1" if note else "") + anchor, status_code=303)


def _refused(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: str,
    meeting_id: int,
    errors: dict[str, str],
    status_code: int,
    values: dict[str, str] | None = None,
) -> Template:
    """The console again, saying why an action of it was refused."""
    again = room.read_room(db, user, group, meeting_id, positions=True)
    context = _room_context(
        request,
        again,
        **_speakers(request, db, user, again),
        is_chair=user.member_of(group).role == Role.chair,
        note="",
        errors=errors,
        values=values or {},
    )
    return Template("room/console.html", context=context, status_code=status_code)


def _clause_of(db: Db, user: Me, group: str, meeting_id: int, number: str) -> tuple[room.RoomView, room.ClauseOnScreen]:
    """The clause under discussion with this number (the console acts on nothing else)."""
    view = room.read_room(db, user, group, meeting_id)
    clause = next((c for c in view.clauses if c.number == number), None)
    if clause is None or view.version is None:
        raise NotFound(_("Clause {number} is not under discussion at this meeting.").format(number=number))
    return view, clause


@action(CONSOLE + "/round", name="room_round_open", access=roles(Role.chair))
def round_open(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Response[Any]:
    """Open a consensus round, held at this meeting, on the clause under discussion."""
    number = field(data, "clause")
    view, clause = _clause_of(db, user, group, meeting_id, number)
    assert view.version is not None
    meeting = meeting_in_group(db, group, meeting_id)
    title = field(data, "title") or _("Consensus on clause {number}").format(number=clause.number)
    try:
        round_id = voting.create_round(
            db,
            user,
            group,
            voting.RoundInput(
                document=view.version.document_slug,
                title=title,
                rule="consensus",
                clause=clause.number,
                meeting=meeting.id,
            ),
        )
    except Invalid as refusal:
        return _refused(request, db, user, group, meeting_id, refusal.errors, 422, values={"title": title})
    voting.open_round(db, user, group, round_id)
    return _back(request, group, meeting_id, "opened", "#round")


@action(CONSOLE + "/gavel", name="room_gavel", access=roles(Role.chair))
def gavel(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Response[Any]:
    """The chair marks the clause under discussion agreed ad referendum (or reopens it)."""
    view, clause = _clause_of(db, user, group, meeting_id, field(data, "clause"))
    assert view.version is not None
    status = field(data, "status") or "agreed_ad_ref"
    room.gavel(db, user, group, meeting_id, view.version.document_slug, clause.number, status)
    return _back(request, group, meeting_id, "agreed" if status == "agreed_ad_ref" else "", "#clause")


def _agenda_step(
    request: Request[Any, Any, Any], db: Db, user: Me, group: str, meeting_id: int, step: Callable[[], object]
) -> Response[Any]:
    """Take an agenda step with the meetings area's service, back to the console (a closed meeting
    or the end of the agenda: the console says so by the agenda)."""
    try:
        step()
    except (Conflict, Invalid) as refusal:
        message = refusal.message if isinstance(refusal, Conflict) else "; ".join(refusal.errors.values())
        return _refused(request, db, user, group, meeting_id, {"agenda": message}, refusal.status_code)
    return _back(request, group, meeting_id, anchor="#agenda")


@action(CONSOLE + "/items/{item:int}/current", name="room_take_up", access=RUNS)
def take_up(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, item: Id
) -> Response[Any]:
    """Take up an agenda item from the console: it is under discussion now."""
    return _agenda_step(
        request, db, user, group, meeting_id, lambda: meetings.take_up_item(db, user, group, meeting_id, item)
    )


@action(CONSOLE + "/items/next", name="room_next_item", access=RUNS)
def next_item(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Response[Any]:
    """Move on to the next agenda item from the console."""
    return _agenda_step(
        request, db, user, group, meeting_id, lambda: meetings.next_agenda_item(db, user, group, meeting_id)
    )


ROOM_ROUTES = [projector, console, round_open, gavel, take_up, next_item]
