"""The dashboard, the group page, and adding members."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from consensus.core.groupfile import ROLES
from consensus.errors import Conflict, Invalid
from consensus.groups import services as groups
from consensus.models import Role
from consensus.web.access import MEMBER, SIGNED_IN, roles
from consensus.web.deps import AppSettings, Db, Me
from consensus.web.forms import FormData, checkbox, field
from consensus.web.routing import action, page


@page("/", name="dashboard", access=SIGNED_IN)
def dashboard(db: Db, user: Me, welcome: FromQuery[bool] = False) -> Template:
    """My groups and their documents."""
    return Template("groups/dashboard.html", context={"groups": groups.dashboard(db, user), "welcome": welcome})


@page("/groups/{group:str}", name="group", access=MEMBER)
def group_page(db: Db, user: Me, group: FromPath[str]) -> Template:
    """A group: its documents, delegations with weights and voting status, members by role."""
    membership = user.membership(group)
    return Template(
        "groups/group.html",
        context={"group": groups.read_group(db, group), "membership": membership},
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


@action("/groups/{group:str}/members", name="member_add", access=roles(Role.secretariat))
def member_add(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    settings: AppSettings,
    group: FromPath[str],
    data: FormData,
) -> Response[Any]:
    """Add a member and show the one-time invitation link (shown once: only its hash is kept)."""
    new = groups.NewMember(
        email=field(data, "email"),
        name=field(data, "name"),
        role=field(data, "role"),
        delegation=field(data, "delegation"),
        head=checkbox(data, "head"),
    )
    try:
        added = groups.add_member(db, group, new, user.actor(group), invitation_days=settings.security.invitation_days)
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
    link = (
        str(request.base_url).rstrip("/") + request.app.route_reverse("invitation", token=added.invitation_token)
        if added.invitation_token
        else ""
    )
    return Template(
        "groups/member_added.html",
        context={
            "group": groups.read_group(db, group),
            "added": added,
            "link": link,
            "days": settings.security.invitation_days,
        },
        status_code=201,
    )


GROUP_ROUTES = [dashboard, group_page, member_new, member_add]
