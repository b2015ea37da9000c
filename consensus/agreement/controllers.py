"""The agreement matrix, stating positions, and marking clauses agreed ad referendum."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from consensus.agreement import services as agreement
from consensus.errors import Invalid
from consensus.models import Role
from consensus.web.access import MEMBER, roles
from consensus.web.deps import Db, Me
from consensus.web.forms import FormData, field
from consensus.web.routing import action, page

DOCUMENT = "/groups/{group:str}/documents/{document:str}"


@page(DOCUMENT + "/agreement", name="agreement", access=MEMBER)
def agreement_page(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    contested: FromQuery[bool] = False,
    silent: FromQuery[bool] = False,
) -> Template:
    """Who stands where on every clause: delegations down, clauses across, summaries per clause."""
    matrix = agreement.agreement_matrix(db, group, document, contested_only=contested, silent_only=silent)
    return Template("agreement/matrix.html", context={"matrix": matrix, "positions": agreement.POSITIONS})


@page(DOCUMENT + "/agreement.csv", name="agreement_csv", access=MEMBER)
def agreement_csv(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    contested: FromQuery[bool] = False,
    silent: FromQuery[bool] = False,
) -> Response[str]:
    """The matrix as CSV."""
    matrix = agreement.agreement_matrix(db, group, document, contested_only=contested, silent_only=silent)
    return Response(
        "\ufeff" + agreement.matrix_csv(matrix),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{group}-{document}-agreement.csv"'},
    )


def _back(request: Request[Any, Any, Any], group: str, document: str, number: str | None) -> str:
    if number:
        ref_url = request.app.route_reverse("document", group=group, document=document)
        return f"{ref_url}#clause-{number}"
    return request.app.route_reverse("document", group=group, document=document) + "#positions"


@action(DOCUMENT + "/position", name="position_state", access=roles(Role.delegate))
def position_state(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: FormData
) -> Response[Any]:
    """The head of a delegation states (or confirms) its position on a clause or the whole text."""
    number = field(data, "clause") or None
    try:
        agreement.state_position(db, user, group, document, number, field(data, "position"), field(data, "text"))
    except Invalid as refusal:
        return Template(
            "agreement/position_form_page.html",
            context={
                "group_slug": group,
                "document_slug": document,
                "number": number,
                "positions": agreement.POSITIONS,
                "values": {"position": field(data, "position"), "text": field(data, "text")},
                "errors": refusal.errors,
            },
            status_code=422,
        )
    target = field(data, "next")
    if target.startswith("/") and not target.startswith("//"):
        return Redirect(target, status_code=303)
    return Redirect(_back(request, group, document, number), status_code=303)


@action(DOCUMENT + "/clauses/{number:str}/status", name="clause_status", access=roles(Role.chair))
def clause_status(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    number: FromPath[str],
    data: FormData,
) -> Response[Any]:
    """The chair marks a clause agreed ad referendum, or reopens it."""
    agreement.set_clause_status(db, user, group, document, number, field(data, "status"))
    return Redirect(_back(request, group, document, number), status_code=303)


AGREEMENT_ROUTES = [agreement_page, agreement_csv, position_state, clause_status]
