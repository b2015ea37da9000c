"""Rounds: the list, the chair's form, the round page (ballot, live tally, result), live updates."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, Response
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage
from sqlmodel import Session

from consensus import i18n
from consensus.accounts.identity import CurrentUser
from consensus.core.chart import panels
from consensus.core.tally import BUILTIN_RULES
from consensus.errors import Invalid, NotFound
from consensus.groups.services import documents_of
from consensus.i18n import _
from consensus.meetings.services import list_meetings
from consensus.models import Role
from consensus.voting import services as voting
from consensus.voting.live import wake_after_commit
from consensus.web.access import MEMBER, roles
from consensus.web.deps import MAX_ID, AppSettings, Db, Id, Me
from consensus.web.forms import FormData, checkbox, field, form_id
from consensus.web.htmx import wants_fragment
from consensus.web.routing import action, page, stream

ROUNDS = "/groups/{group:str}/rounds"
ROUND = ROUNDS + "/{round_id:int}"
KEY_COOKIE = "consensus_round_{id}"
"""In a secret round, the browser that cast a ballot keeps the only key that can change it."""


def parse_deadline(text: str) -> datetime | None:
    """A deadline typed in a form: ISO with a zone, or a date and time (datetime-local) in the
    reader's time zone (UTC unless they chose one)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (value if value.tzinfo else value.replace(tzinfo=i18n.time_zone())).astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid({"closes_at": _("Give the deadline as a date and time, for example 2026-12-01T17:00.")}) from None


def round_input(data: dict[str, Any]) -> voting.RoundInput:
    amendment = form_id(data, "amendment")
    return voting.RoundInput(
        document=field(data, "document"),
        title=field(data, "title"),
        rule=field(data, "rule") or "consensus",
        threshold=field(data, "threshold"),
        comparison=field(data, "comparison") or ">=",
        base=field(data, "base") or "cast",
        weighted=checkbox(data, "weighted"),
        quorum=field(data, "quorum") or "0",
        secret=checkbox(data, "secret"),
        clause=field(data, "clause") or None,
        amendment=amendment,
        closes_at=parse_deadline(field(data, "closes_at")),
        alternatives=form_id(data, "alternatives"),
        meeting=form_id(data, "meeting"),
        quorum_base=field(data, "quorum_base") or "eligible",
    )


@page(ROUNDS, name="rounds", access=MEMBER)
def rounds_page(db: Db, user: Me, group: FromPath[str]) -> Template:
    """The group's rounds: open, in preparation, closed."""
    return Template(
        "voting/rounds.html",
        context={"rounds": voting.list_rounds(db, group), "group_slug": group, "membership": user.membership(group)},
    )


def _form(
    db: Session, user: CurrentUser, group: str, values: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Template:
    membership = user.membership(group)
    assert membership is not None
    return Template(
        "voting/new.html",
        context={
            "group_slug": group,
            "documents": documents_of(db, [membership.group_id])[membership.group_id],
            "rules": BUILTIN_RULES,
            "meetings": [m for m in list_meetings(db, group) if not m.over],
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@page(ROUNDS + "/new", name="round_new", access=roles(Role.chair))
def round_new(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromQuery[str | None] = None,
    clause: FromQuery[str | None] = None,
    amendment: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    alternatives: Annotated[int | None, QueryParameter(ge=1, le=10_000)] = None,
) -> Template:
    """The chair's form for a new round (prefilled from a clause, one of its sets of alternatives
    (an options round), or an amendment)."""
    values = {
        "document": document or "",
        "clause": clause or "",
        "amendment": amendment or "",
        "alternatives": alternatives or "",
        "rule": "most_support" if alternatives else "consensus",
        "quorum": "0",
    }
    return _form(db, user, group, values, {})


@action(ROUNDS, name="round_create", access=roles(Role.chair))
def round_create(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], data: FormData
) -> Response[Any]:
    """Create the round as a draft (it opens separately, which freezes the electorate)."""
    try:
        round_id = voting.create_round(db, user, group, round_input(data))
    except Invalid as refusal:
        return _form(db, user, group, dict(data), refusal.errors, status_code=422)
    return Redirect(request.app.route_reverse("round", group=group, round_id=round_id), status_code=303)


def _round_context(db: Session, user: CurrentUser, group: str, round_id: int) -> dict[str, Any]:
    view = voting.read_round(db, user, group, round_id)
    chart = panels(view.result, view.rule.choices) if view.result else None
    return {"round": view, "chart": chart, "group_slug": group, "errors": {}, "values": {}}


@page(ROUND, name="round", access=MEMBER)
def round_page(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], round_id: Id) -> Template:
    """A round: its subject and rule; the ballot for heads; the live tally for the chair; the result."""
    context = _round_context(db, user, group, round_id)
    if wants_fragment(request):
        return Template("voting/_live.html", context=context)
    return Template("voting/round.html", context=context)


def _chair_action(
    request: Request[Any, Any, Any], db: Db, user: Me, group: str, round_id: int, act: voting.RoundAction
) -> Response[Any]:
    act(db, user, group, round_id)
    return Redirect(request.app.route_reverse("round", group=group, round_id=round_id), status_code=303)


@action(ROUND + "/open", name="round_open", access=roles(Role.chair))
def round_open(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], round_id: Id) -> Response[Any]:
    """Open the round: the electorate is frozen and ballots are taken."""
    return _chair_action(request, db, user, group, round_id, voting.open_round)


@action(ROUND + "/close", name="round_close", access=roles(Role.chair))
def round_close(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], round_id: Id) -> Response[Any]:
    """Close the round: the tally is taken and stored with its reason."""
    return _chair_action(request, db, user, group, round_id, voting.close_round)


@action(ROUND + "/cancel", name="round_cancel", access=roles(Role.chair))
def round_cancel(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], round_id: Id
) -> Response[Any]:
    """Cancel the round: no result is recorded."""
    return _chair_action(request, db, user, group, round_id, voting.cancel_round)


@action(ROUND + "/ballot", name="ballot_cast", access=MEMBER)
def ballot_cast(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    settings: AppSettings,
    group: FromPath[str],
    round_id: Id,
    data: FormData,
) -> Response[Any]:
    """The head of a delegation casts or changes its ballot."""
    cookie_name = KEY_COOKIE.format(id=round_id)
    try:
        receipt = voting.cast_ballot(
            db,
            user,
            group,
            round_id,
            field(data, "choice"),
            field(data, "explanation"),
            request.cookies.get(cookie_name),
        )
    except Invalid as refusal:
        context = _round_context(db, user, group, round_id)
        context.update(
            errors=refusal.errors, values={"choice": field(data, "choice"), "explanation": field(data, "explanation")}
        )
        return Template("voting/round.html", context=context, status_code=422)
    url = request.app.route_reverse("round", group=group, round_id=round_id) + "?cast=1#my-ballot"
    response = Redirect(url, status_code=303)
    if receipt.change_key:
        response.set_cookie(
            key=cookie_name,
            value=receipt.change_key,
            path=request.app.route_reverse("round", group=group, round_id=round_id),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https" or settings.security.secure_cookies,
            max_age=60 * 60 * 24 * 30,
        )
        response.set_cookie(
            key=f"consensus_receipt_{round_id}",
            value=receipt.receipt,
            path=request.app.route_reverse("round", group=group, round_id=round_id),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https" or settings.security.secure_cookies,
            max_age=60 * 60 * 24 * 30,
        )
    return response


@stream(ROUND + "/live", name="round_live", access=MEMBER)
async def round_live(request: Request[Any, Any, Any], group: FromPath[str], round_id: Id) -> ServerSentEvent:
    """Server-sent events: the live panel of the round, sent again whenever a ballot or the status
    changes; the stream ends when the round is over."""
    user: CurrentUser = request.scope["user"]
    engine = request.app.state.engine
    watcher = request.app.state.watcher
    renders = request.app.state.live_renders
    template_engine = request.app.template_engine
    assert template_engine is not None, "the app is made with its templates"
    template = template_engine.get_template("voting/_live.html")
    # What the panel shows depends on the state of the round and on who looks: the running tally is
    # for those who run rounds, and the words, figures and times follow the reader's language and
    # time zone. Streams that agree on all of these share one render.
    audience = (user.member_of(group).sees_the_running_tally, i18n.language(), i18n.time_zone_name())

    def check() -> None:  # refuse at once (404) if the round is not in this group
        with Session(engine) as session:
            if voting.group_of_round(session, user, round_id) != group:
                raise NotFound(_("There is no round {id} in this group.").format(id=round_id))

    def render() -> str:
        # Reading a round past its deadline closes it: the pages watching it hear of that too.
        with wake_after_commit(Session(engine, expire_on_commit=False), watcher) as session:
            context = _round_context(session, user, group, round_id)
        html: str = template.render(request=request, oob=True, **context)
        return html

    await anyio.to_thread.run_sync(check)

    async def events() -> AsyncGenerator[ServerSentEventMessage, None]:
        async for state in watcher.states(round_id):
            if state is None:
                return
            html = await renders.get((round_id, state, audience), render)
            yield ServerSentEventMessage(data=html, event="live")
            if state[1] in ("closed", "cancelled"):
                yield ServerSentEventMessage(data="", event="over")
                return

    return ServerSentEvent(events(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


VOTING_ROUTES = [
    rounds_page,
    round_new,
    round_create,
    round_page,
    round_open,
    round_close,
    round_cancel,
    ballot_cast,
    round_live,
]
