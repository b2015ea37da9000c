"""Who may reach a route: every handler declares an ``Access`` and one guard enforces it.

A route without a declaration is refused (fail closed), so a forgotten guard cannot open a
hole; the authorisation tests walk every route of the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.i18n import _
from consensus.labels import ROLES, label
from consensus.models import Role


@dataclass(frozen=True, slots=True)
class Access:
    """An access policy: ``public``, ``signed_in``, ``admin`` (a site administrator), or ``member``
    of the path's group, optionally limited to some roles."""

    kind: str
    roles: frozenset[str] = frozenset()

    def describe(self) -> str:
        if self.kind == "member" and self.roles:
            return "member:" + ",".join(sorted(self.roles))
        return self.kind


PUBLIC = Access("public")
SIGNED_IN = Access("signed_in")
ADMIN = Access("admin")
MEMBER = Access("member")


def roles(*allowed: Role) -> Access:
    """Members of the path's group holding one of these roles."""
    return Access("member", frozenset(r.value for r in allowed))


ACCESS_KEY = "access"


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    """The user resolved by the authentication middleware, if any."""
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


async def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Enforce the handler's declared ``Access`` (async: it does no I/O, and Litestar would run a
    sync guard in a worker thread)."""
    access = handler.opt.get(ACCESS_KEY)
    if not isinstance(access, Access):
        raise PermissionDeniedException(_("This page has no access rule and is closed."))
    if access.kind == "public":
        return
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException(_("Log in to see this page."))
    if access.kind == "signed_in":
        return
    if access.kind == "admin":
        if not user.is_admin:
            raise PermissionDeniedException(_("Only a site administrator may do this."))
        return
    membership = group_membership(connection, user)
    if access.roles and membership.role not in access.roles:
        needed = ", ".join(label(role, ROLES) for role in sorted(access.roles))
        raise PermissionDeniedException(
            _("This needs one of these roles in the group: {roles}. Your role: {role}.").format(
                roles=needed, role=label(membership.role, ROLES)
            )
        )


def group_membership(connection: ASGIConnection[Any, Any, Any, Any], user: CurrentUser) -> GroupMembership:
    """The user's membership in the group named by the ``group`` path parameter."""
    slug = connection.path_params.get("group")
    membership = user.membership(slug) if isinstance(slug, str) else None
    if membership is None:
        # Non-members learn nothing about whether the group exists.
        raise NotFoundException(_("There is no working group {slug} that you belong to.").format(slug=slug))
    return membership
