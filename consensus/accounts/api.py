"""The accounts of the JSON API: who a token or session belongs to."""

from __future__ import annotations

from consensus.api.paths import API
from consensus.api.schemas import MembershipOut, MeOut
from consensus.web.access import SIGNED_IN
from consensus.web.deps import Me
from consensus.web.routing import read


@read(f"{API}/me", name="api_me", access=SIGNED_IN, tags=["accounts"])
def me(user: Me) -> MeOut:
    """Who the token or session belongs to, and their memberships."""
    return MeOut(
        email=user.email,
        name=user.name,
        memberships=[
            MembershipOut(m.group_slug, m.role, m.delegation_code or None, m.is_head)
            for m in sorted(user.memberships.values(), key=lambda m: m.group_slug)
        ],
    )


ACCOUNT_API_ROUTES = [me]
