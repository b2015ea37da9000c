"""The list of speakers in pages: an item's list (a page of its own and the fragment other pages
include), the chair's and the delegations' forms, the time each delegation spoke at a meeting, and
the meeting's live stream (server-sent events)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import anyio.to_thread
from litestar import Request, Response
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage
from sqlmodel import Session

from consensus.accounts.identity import CurrentUser
from consensus.errors import Invalid
from consensus.i18n import _
from consensus.labels import SPEAKER_KINDS, label
from consensus.speakers import live
from consensus.speakers import services as speakers
from consensus.web.access import SIGNED_IN
from consensus.web.deps import Db, Id, Me
from consensus.web.errors import safe_next
from consensus.web.forms import FormData, field, form_id
from consensus.web.htmx import wants_fragment
from consensus.web.routing import action, page, stream

MEETING = "/meetings/{meeting_id:int}"
SPEAKERS = MEETING + "/items/{item_id:int}/speakers"
SPEAKER = SPEAKERS + "/{speaker_id:int}"
ENDED = ("closed", "cancelled")
"""A meeting in one of these states changes no more: its live stream ends."""


def list_context(view: speakers.ListView, **more: Any) -> dict[str, Any]:
    """What ``speakers/_list.html`` needs (pages that include it call this too)."""
    return {
        "speakers": view,
        "speaker_kinds": {kind: label(kind, SPEAKER_KINDS) for kind in SPEAKER_KINDS},
        **more,
    }


@page(SPEAKERS, name="speakers", access=SIGNED_IN)
def speakers_page(request: Request[Any, Any, Any], db: Db, user: Me, meeting_id: Id, item_id: Id) -> Template:
    """An agenda item's list of speakers, with the current speaker's countdown and the time each
    delegation spoke; htmx asks for the list alone when the meeting changes."""
    view = speakers.read_list(db, user, meeting_id, item_id)
    if wants_fragment(request):
        return Template("speakers/_panel.html", context=list_context(view, back=request.url.path))
    return Template("speakers/page.html", context=list_context(view, back=request.url.path))


def _done(
    request: Request[Any, Any, Any], db: Session, user: CurrentUser, meeting_id: int, item_id: int
) -> Response[Any]:
    """After a change: the list again to htmx, else back where the form was (post/redirect/get)."""
    if wants_fragment(request):
        view = speakers.read_list(db, user, meeting_id, item_id)
        back = request.app.route_reverse("speakers", meeting_id=meeting_id, item_id=item_id)
        return Template("speakers/_panel.html", context=list_context(view, back=back))
    return Redirect(_back(request, meeting_id, item_id), status_code=303)


def _back(request: Request[Any, Any, Any], meeting_id: int, item_id: int) -> str:
    target = request.query_params.get("next") or ""
    if target and safe_next(target) == target:
        return target
    return request.app.route_reverse("speakers", meeting_id=meeting_id, item_id=item_id)


@action(SPEAKERS, name="speaker_inscribe", access=SIGNED_IN)
def speaker_inscribe(
    request: Request[Any, Any, Any], db: Db, user: Me, meeting_id: Id, item_id: Id, data: FormData
) -> Response[Any]:
    """Inscribe a delegation: a delegate their own, the chair or the secretariat the one chosen."""
    speakers.inscribe(
        db, user, meeting_id, item_id, field(data, "delegation") or None, field(data, "kind") or "intervention"
    )
    return _done(request, db, user, meeting_id, item_id)


@action(SPEAKERS + "/next", name="speakers_next", access=SIGNED_IN)
def speakers_next(request: Request[Any, Any, Any], db: Db, user: Me, meeting_id: Id, item_id: Id) -> Response[Any]:
    """Give the floor to the next speaker (the chair or the secretariat)."""
    speakers.give_floor(db, user, meeting_id, item_id)
    return _done(request, db, user, meeting_id, item_id)


def _limit(data: dict[str, Any]) -> int | None:
    text = field(data, "speaking_limit")
    if not text:
        return None
    if not (text.isascii() and text.isdecimal()) or len(text) > 6:
        raise Invalid({"speaking_limit": _("Give the speaking-time limit in whole seconds, for example 180.")})
    return int(text)


@action(SPEAKERS + "/settings", name="speakers_settings", access=SIGNED_IN)
def speakers_settings(
    request: Request[Any, Any, Any], db: Db, user: Me, meeting_id: Id, item_id: Id, data: FormData
) -> Response[Any]:
    """Open or close the list (``speakers_open`` = open | closed), or set the speaking-time limit
    (``speaking_limit`` in seconds; empty for none)."""
    state = field(data, "speakers_open")
    if state not in ("", "open", "closed"):
        raise Invalid({"speakers_open": _("Choose open or closed.")})
    limit: object = _limit(data) if "speaking_limit" in data else speakers.UNCHANGED
    speakers.set_list(
        db, user, meeting_id, item_id, speakers_open=None if not state else state == "open", speaking_limit=limit
    )
    return _done(request, db, user, meeting_id, item_id)


@action(SPEAKER + "/move", name="speaker_move", access=SIGNED_IN)
def speaker_move(
    request: Request[Any, Any, Any], db: Db, user: Me, meeting_id: Id, item_id: Id, speaker_id: Id, data: FormData
) -> Response[Any]:
    """Move a waiting speaker to a place on the list (the chair's up and down buttons)."""
    position = form_id(data, "position")
    if position is None:
        raise Invalid({"position": _("Give a position from 1.")})
    speakers.move(db, user, meeting_id, item_id, speaker_id, position)
    return _done(request, db, user, meeting_id, item_id)


@action(SPEAKER + "/withdraw", name="speaker_withdraw", access=SIGNED_IN)
def speaker_withdraw(
    request: Request[Any, Any, Any], db: Db, user: Me, meeting_id: Id, item_id: Id, speaker_id: Id
) -> Response[Any]:
    """Take a waiting speaker off the list (its delegation, the chair or the secretariat)."""
    speakers.withdraw(db, user, meeting_id, item_id, speaker_id)
    return _done(request, db, user, meeting_id, item_id)


@page(MEETING + "/speaking-time", name="meeting_speaking_time", access=SIGNED_IN)
def meeting_speaking_time(db: Db, user: Me, meeting_id: Id) -> Template:
    """The time each delegation spoke at a meeting: on each agenda item and in all."""
    return Template("speakers/time.html", context={"times": speakers.meeting_times(db, user, meeting_id)})


@stream(MEETING + "/live", name="meeting_live", access=SIGNED_IN)
async def meeting_live(request: Request[Any, Any, Any], meeting_id: Id) -> ServerSentEvent:
    """Server-sent events: a ``changed`` event whenever anything of the meeting changes (its lists of
    speakers, the item under discussion, the roll call); pages re-fetch what they show. Members of
    the meeting's group; the stream ends (``over``) once the meeting is closed."""
    user: CurrentUser = request.scope["user"]
    engine = request.app.state.engine
    watcher: live.MeetingWatcher = request.app.state.meeting_watcher

    def check() -> None:  # refuse at once (404) if the meeting is not one of the user's groups'
        with Session(engine) as session:
            speakers.group_of_meeting(session, user, meeting_id)

    await anyio.to_thread.run_sync(check)

    async def events() -> AsyncGenerator[ServerSentEventMessage, None]:
        async for state in watcher.states(meeting_id):
            if state is None:
                return
            yield ServerSentEventMessage(data=str(state[0]), event="changed")
            if state[1] in ENDED:
                yield ServerSentEventMessage(data="", event="over")
                return

    return ServerSentEvent(events(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


SPEAKER_ROUTES = [
    speakers_page,
    speaker_inscribe,
    speakers_next,
    speakers_settings,
    speaker_move,
    speaker_withdraw,
    meeting_speaking_time,
    meeting_live,
]
