"""JSON endpoints: thin wrappers around the same services the pages use."""

from __future__ import annotations

from typing import Annotated

from litestar.params import FromPath, QueryParameter

from consensus.api.schemas import ClauseOut, DelegationOut, DocumentOut, GroupOut, MembershipOut, MeOut
from consensus.documents import services as documents
from consensus.groups import services as groups
from consensus.web.access import MEMBER, SIGNED_IN
from consensus.web.deps import Db, Me
from consensus.web.routing import page

API = "/api/v1"


@page(f"{API}/me", name="api_me", access=SIGNED_IN, tags=["accounts"])
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


@page(f"{API}/groups/{{group:str}}", name="api_group", access=MEMBER, tags=["groups"])
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


@page(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}",
    name="api_document",
    access=MEMBER,
    tags=["documents"],
)
def document_detail(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    version: Annotated[int | None, QueryParameter(ge=1, description="Version number; the latest by default")] = None,
) -> DocumentOut:
    """A document at one version (the latest by default) with its clauses in order."""
    view = documents.read_document(db, group, document, version)
    return DocumentOut(
        slug=view.slug,
        title=view.title,
        status=view.status,
        version=view.version,
        clauses=[ClauseOut(c.number, c.heading, c.text, c.status) for c in view.clauses],
    )


API_ROUTES = [me, group_detail, document_detail]
