"""The dashboard, the group page, and adding, changing and removing members."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from consensus.core.membership import ROLES, Seat
from consensus.errors import Conflict, Invalid
from consensus.groups import services as groups
from consensus.models import Role
from consensus.web.access import MEMBER, SIGNED_IN, roles
from consensus.web.deps import AppSettings, Db, Id, Me
from consensus.web.forms import FormData, checkbox, field
from consensus.web.routing import action, page


@page("/", name="dashboard", access=SIGNED_IN)
def dashboard(db: Db, user: Me, welcome: FromQuery[bool] = False) -> Template:
    """My groups and their documents."""
    return Template(
        "groups/dashboard.html",
        context={"groups": groups.dashboard(db, user), "welcome": welcome, "is_admin": user.is_admin},
    )


@page("/groups/{group:str}", name="group", access=MEMBER)
def group_page(db: Db, user: Me, group: FromPath[str], removed: FromQuery[bool] = False) -> Template:
    """A group: its documents, delegations with weights and voting status, members by role (and,
    for the chair and the secretariat, the invitations not yet accepted)."""
    membership = user.membership(group)
    return Template(
        "groups/group.html",
        context={"group": groups.read_group(db, group), "membership": membership, "removed": removed},
    )


def _member_form(
    db: Db, group: FromPath[str], values: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Template:
    return Template(
        "groups/member_new.html",
        context={
            "group": groups.read_group(db, group),
            "delegations": groups.delegation_choices(db, group),
            "roles": ROLES,
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@page("/groups/{group:str}/members/new", name="member_new", access=roles(Role.secretariat))
def member_new(db: Db, group: FromPath[str]) -> Template:
    """The form where the secretariat adds a member."""
    return _member_form(db, group, {"role": "delegate"}, {})


def invitation_link(request: Request[Any, Any, Any], token: str) -> str:
    """The full address of an invitation, to copy and send."""
    return str(request.base_url).rstrip("/") + request.app.route_reverse("invitation", token=token)


@action("/groups/{group:str}/members", name="member_add", access=roles(Role.secretariat))
def member_add(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    settings: AppSettings,
    group: FromPath[str],
    data: FormData,
) -> Response[Any]:
    """Prepare an invitation and show its one-time link (shown once: only its hash is kept). The
    page is the same whether or not the address already had an account."""
    new = groups.NewMember(
        email=field(data, "email"),
        name=field(data, "name"),
        role=field(data, "role"),
        delegation=field(data, "delegation"),
        head=checkbox(data, "head"),
    )
    try:
        prepared = groups.add_member(
            db, group, new, user.actor(group), invitation_days=settings.security.invitation_days
        )
    except (Invalid, Conflict) as refusal:
        values = {
            "email": new.email,
            "name": new.name,
            "role": new.role,
            "delegation": new.delegation,
            "head": new.head,
        }
        errors = refusal.errors if isinstance(refusal, Invalid) else {"email": refusal.message}
        return _member_form(db, group, values, errors, status_code=refusal.status_code)
    return Template(
        "groups/member_added.html",
        context={
            "group": groups.read_group(db, group),
            "invitation": prepared,
            "link": invitation_link(request, prepared.token),
            "days": settings.security.invitation_days,
        },
        status_code=201,
    )


MEMBER_PATH = "/groups/{group:str}/members/{user_id:int}"


def _member_page(
    db: Db,
    group: str,
    user_id: int,
    values: dict[str, Any] | None,
    errors: dict[str, str],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    member = groups.read_member(db, group, user_id)
    shown = values or {
        "role": member.role,
        "delegation": member.delegation_code,
        "head": member.is_head,
    }
    return Template(
        "groups/member.html",
        context={
            "group": groups.read_group(db, group),
            "member": member,
            "delegations": groups.delegation_choices(db, group),
            "roles": ROLES,
            "values": shown,
            "errors": errors,
            "saved": saved,
        },
        status_code=status_code,
    )


@page(MEMBER_PATH, name="member", access=roles(Role.secretariat))
def member_page(db: Db, group: FromPath[str], user_id: Id, saved: FromQuery[bool] = False) -> Template:
    """A member's seat, where the secretariat changes their role, delegation or head flag, or
    removes them."""
    return _member_page(db, group, user_id, None, {}, saved=saved)


@action(MEMBER_PATH, name="member_change", access=roles(Role.secretariat))
def member_change(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], user_id: Id, data: FormData
) -> Response[Any]:
    """Change a member's seat; their open sessions see it on their next request."""
    seat = Seat(field(data, "role"), field(data, "delegation"), checkbox(data, "head"))
    try:
        groups.change_member(db, group, user_id, seat, user.actor(group))
    except Invalid as refusal:
        values = {"role": seat.role, "delegation": seat.delegation, "head": seat.head}
        return _member_page(db, group, user_id, values, refusal.errors, status_code=422)
    if user_id == user.id and seat.role != Role.secretariat:
        return Redirect(request.app.route_reverse("group", group=group), status_code=303)
    return Redirect(request.app.route_reverse("member", group=group, user_id=user_id) + "?saved=1", status_code=303)


@action(MEMBER_PATH + "/remove", name="member_remove", access=roles(Role.secretariat))
def member_remove(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], user_id: Id
) -> Response[Any]:
    """Take a member out of the group; their open sessions lose its rights on their next request."""
    groups.remove_member(db, group, user_id, user.actor(group))
    if user_id == user.id:
        return Redirect(request.app.route_reverse("dashboard"), status_code=303)
    return Redirect(request.app.route_reverse("group", group=group) + "?removed=1", status_code=303)


GROUP_ROUTES = [
    dashboard,
    group_page,
    member_new,
    member_add,
    member_page,
    member_change,
    member_remove,
]
