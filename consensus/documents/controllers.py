"""The document page (a version, clause by clause), the versions page, consolidation, comparison."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from consensus.agreement import services as agreement
from consensus.core.consolidation import Clash
from consensus.documents import drafting, preparation, versions
from consensus.documents import services as documents
from consensus.errors import Invalid
from consensus.models import Role
from consensus.publishing import services as publishing
from consensus.web.access import MEMBER, roles
from consensus.web.deps import MAX_ID, Db, Me, VersionNumber
from consensus.web.forms import FormData, field
from consensus.web.routing import action, page

DOCUMENT = "/groups/{group:str}/documents/{document:str}"


@page(DOCUMENT, name="document", access=MEMBER)
def document_page(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: VersionNumber = None,
) -> Template:
    """Title, version, status and every clause with a stable anchor, its comments and amendments,
    and the viewer's delegation's position on each."""
    view = documents.read_document(db, group, document, version)
    if view.ref.preparation:
        prepared = preparation.read_prepared(db, user, group, document)
        return drafting.prepared_page(prepared, view.group_name)
    mine = agreement.my_positions(db, user, group, document, view.ref) if not view.frozen else {}
    membership = user.membership(group)
    return Template(
        "documents/document.html",
        context={
            "document": view,
            "actions": documents.page_actions(membership, view.ref, [(c.number, c.status) for c in view.clauses]),
            "mine": mine,
            "positions": agreement.POSITIONS,
            "errors": {},
            "values": {},
        },
    )


def _versions_page(
    db: Db,
    user: Me,
    group: str,
    document: str,
    errors: dict[str, str] | None = None,
    clashes: list[Clash] | None = None,
    status_code: int = 200,
) -> Template:
    membership = user.membership(group)
    plan = versions.plan(db, group, document, membership.role if membership else "")
    return Template(
        "documents/versions.html",
        context={
            "plan": plan,
            "publication": publishing.publication_state(db, group, document, membership.role if membership else None),
            "membership": membership,
            "errors": errors or {},
            "clashes": clashes if clashes is not None else plan.clashes,
        },
        status_code=status_code,
    )


@page(DOCUMENT + "/versions", name="versions", access=MEMBER)
def versions_page(db: Db, user: Me, group: FromPath[str], document: FromPath[str]) -> Template:
    """Every version, a form to compare two, and (for the secretariat) consolidation."""
    return _versions_page(db, user, group, document)


@action(DOCUMENT + "/versions", name="version_consolidate", access=roles(Role.secretariat))
def version_consolidate(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: FormData
) -> Response[Any]:
    """Build the next version from the accepted amendments (refused, naming each pair, if they clash)."""
    try:
        number = versions.consolidate_version(db, user, group, document, field(data, "note"))
    except versions.ConsolidationRefused as refused:
        return _versions_page(db, user, group, document, {"amendments": refused.message}, refused.clashes, 409)
    except Invalid as refusal:
        return _versions_page(db, user, group, document, refusal.errors, status_code=422)
    url = request.app.route_reverse("document", group=group, document=document)
    return Redirect(f"{url}?version={number}&consolidated=1", status_code=303)


@page(DOCUMENT + "/compare", name="compare", access=MEMBER)
def compare_page(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    old: Annotated[int, QueryParameter(name="from", ge=1, le=MAX_ID)],
    new: Annotated[int, QueryParameter(name="to", ge=1, le=MAX_ID)],
    everything: Annotated[bool, QueryParameter(name="all")] = False,
) -> Template:
    """Two versions side by side, clause by clause: word changes, moves, renumbering; the rest folded."""
    return Template(
        "documents/compare.html",
        context={"result": versions.compare_versions(db, group, document, old, new), "show_all": everything},
    )


DOCUMENT_ROUTES = [document_page, versions_page, version_consolidate, compare_page]
