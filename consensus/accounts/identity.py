"""Who is asking: the signed-in user with their memberships, as a plain frozen value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from consensus.audit.services import Actor
from consensus.errors import NotFound
from consensus.i18n import _


@dataclass(frozen=True, slots=True)
class GroupMembership:
    """A user's role in one group, with their delegation when they have one."""

    group_id: int
    group_slug: str
    group_name: str
    role: str
    delegation_id: int | None = None
    delegation_code: str = ""
    delegation_name: str = ""
    is_head: bool = False

    @property
    def sees_the_running_tally(self) -> bool:
        """Chairs and the secretariat: they see recorded choices and the running tally of an open round."""
        return self.role in ("chair", "secretariat")


@dataclass(frozen=True, slots=True)
class CurrentUser:
    """The user behind a request, resolved from their session or bearer token."""

    id: int
    email: str
    name: str
    memberships: Mapping[str, GroupMembership] = field(default_factory=dict)
    session_id: str | None = None
    language: str | None = None
    """The interface language the user chose (None: the browser's)."""
    time_zone: str | None = None
    """The IANA time zone the user chose for dates and deadlines (None: UTC)."""
    is_admin: bool = False
    """A site administrator: creates working groups and names their secretariat."""

    def membership(self, group_slug: str) -> GroupMembership | None:
        return self.memberships.get(group_slug)

    def member_of(self, group_slug: str) -> GroupMembership:
        """The user's membership in a group, or NotFound (non-members learn nothing of the group)."""
        membership = self.memberships.get(group_slug)
        if membership is None:
            raise NotFound(_("There is no working group {slug} that you belong to.").format(slug=group_slug))
        return membership

    def actor(self, group_slug: str | None = None) -> Actor:
        membership = self.memberships.get(group_slug) if group_slug else None
        return Actor(
            user_id=self.id,
            label=self.email,
            delegation=membership.delegation_code if membership else "",
        )
