"""The groups of the JSON API: a group with its delegations, and inviting someone to a seat."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.params import FromPath, JSONBody

from consensus.api.paths import GROUP
from consensus.api.schemas import DelegationOut, GroupOut, InvitationOut, MemberIn
from consensus.groups import services as groups
from consensus.groups.controllers import invitation_link
from consensus.models import Role
from consensus.web.access import MEMBER, roles
from consensus.web.deps import AppSettings, Db, Me
from consensus.web.routing import action, read


@read(GROUP, name="api_group", access=MEMBER, tags=["groups"])
def group_detail(db: Db, group: FromPath[str]) -> GroupOut:
    """A working group with its delegations (weights as exact decimal strings)."""
    view = groups.read_group(db, group)
    return GroupOut(
        slug=view.slug,
        name=view.name,
        delegations=[
            DelegationOut(d.code, d.name, format(d.weight.normalize(), "f"), d.voting_status)
            for d in sorted(view.delegations, key=lambda d: d.code)
        ],
    )


@action(f"{GROUP}/members", name="api_member_add", access=roles(Role.secretariat), tags=["groups"], status_code=201)
def api_member_add(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    settings: AppSettings,
    group: FromPath[str],
    data: JSONBody[MemberIn],
) -> InvitationOut:
    """Invite someone to a seat (secretariat). Nobody becomes a member until the invitation is
    accepted; the answer does not say whether the address already had an account."""
    new = groups.NewMember(email=data.email, name=data.name, role=data.role, delegation=data.delegation, head=data.head)
    prepared = groups.add_member(db, group, new, user.actor(group), invitation_days=settings.security.invitation_days)
    return InvitationOut(
        email=prepared.email,
        role=prepared.role,
        delegation=new.delegation or None,
        head=prepared.head,
        invitation_url=invitation_link(request, prepared.token),
        expires_at=prepared.expires_at,
    )


GROUP_API_ROUTES = [group_detail, api_member_add]
