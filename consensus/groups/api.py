"""The groups of the JSON API: a new group, a group with its delegations (added, changed, removed),
and inviting someone to a seat."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.params import FromPath, JSONBody

from consensus.api.paths import API, GROUP
from consensus.api.schemas import (
    DelegationIn,
    DelegationOut,
    DelegationPatch,
    GroupCreated,
    GroupIn,
    GroupOut,
    InvitationOut,
    MemberIn,
)
from consensus.core.setup import DelegationInput, GroupInput
from consensus.groups import services as groups
from consensus.groups import setup
from consensus.groups.controllers import invitation_link
from consensus.groups.desk import secretariat_of
from consensus.models import Role
from consensus.web.access import ADMIN, MEMBER, roles
from consensus.web.deps import AppSettings, Db, Me
from consensus.web.routing import action, change, read, remove


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


def _delegation_out(view: setup.DelegationView) -> DelegationOut:
    return DelegationOut(view.code, view.name, format(view.weight.normalize(), "f"), view.voting_status)


@action(f"{API}/groups", name="api_group_create", access=ADMIN, tags=["groups"], status_code=201)
def api_group_create(
    request: Request[Any, Any, Any], db: Db, user: Me, settings: AppSettings, data: JSONBody[GroupIn]
) -> GroupCreated:
    """Create a working group (site administrators) and name its secretariat: the administrator's
    own address makes them its secretariat at once; any other address is sent an invitation."""
    group = GroupInput(data.slug, data.name, data.description, data.observers_may_comment)
    secretariat = secretariat_of(data.secretariat_email, data.secretariat_name)
    created = setup.create_group(db, group, secretariat, user, invitation_days=settings.security.invitation_days)
    invitation = None
    if created.invitation is not None:
        prepared = created.invitation
        invitation = InvitationOut(
            email=prepared.email,
            role=prepared.role,
            delegation=None,
            head=False,
            invitation_url=invitation_link(request, prepared.token),
            expires_at=prepared.expires_at,
        )
    return GroupCreated(
        created.slug, group.name.strip(), group.description.strip(), group.observers_may_comment, invitation
    )


@action(
    f"{GROUP}/delegations", name="api_delegation_add", access=roles(Role.secretariat), tags=["groups"], status_code=201
)
def api_delegation_add(db: Db, user: Me, group: FromPath[str], data: JSONBody[DelegationIn]) -> DelegationOut:
    """Add a delegation (secretariat). Rounds already open keep their frozen electorate."""
    delegation = DelegationInput(data.code, data.name, str(data.weight), data.voting_status)
    setup.add_delegations(db, group, [delegation], user.actor(group))
    return _delegation_out(setup.read_delegation(db, group, data.code))


DELEGATION = f"{GROUP}/delegations/{{code:str}}"


@change(DELEGATION, name="api_delegation_change", access=roles(Role.secretariat), tags=["groups"])
def api_delegation_change(
    db: Db, user: Me, group: FromPath[str], code: FromPath[str], data: JSONBody[DelegationPatch]
) -> DelegationOut:
    """Rename a delegation, change its weight or voting status (secretariat); its code never changes.
    Rounds already open keep the electorate frozen when they opened."""
    now = setup.read_delegation(db, group, code)
    delegation = DelegationInput(
        code,
        now.name if data.name is None else data.name,
        format(now.weight.normalize(), "f") if data.weight is None else str(data.weight),
        now.voting_status if data.voting_status is None else data.voting_status,
    )
    setup.change_delegation(db, group, code, delegation, user.actor(group))
    return _delegation_out(setup.read_delegation(db, group, code))


@remove(DELEGATION, name="api_delegation_remove", access=roles(Role.secretariat), tags=["groups"])
def api_delegation_remove(db: Db, user: Me, group: FromPath[str], code: FromPath[str]) -> None:
    """Remove a delegation nothing refers to yet (409 once it has members or a record)."""
    setup.remove_delegation(db, group, code, user.actor(group))


GROUP_API_ROUTES = [
    group_detail,
    api_member_add,
    api_group_create,
    api_delegation_add,
    api_delegation_change,
    api_delegation_remove,
]
