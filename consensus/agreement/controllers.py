"""The agreement matrix, stating positions, and marking clauses agreed ad referendum."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from consensus.agreement import services as agreement
from consensus.documents import services as documents
from consensus.errors import DomainError, Invalid, refusal_error
from consensus.models import Role
from consensus.web.access import MEMBER, roles
from consensus.web.deps import Db, Me
from consensus.web.forms import FormData, field, repeated
from consensus.web.htmx import wants_fragment
from consensus.web.routing import action, page

DOCUMENT = "/groups/{group:str}/documents/{document:str}"


@page(DOCUMENT + "/agreement", name="agreement", access=MEMBER)
def agreement_page(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    user: Me,
    contested: FromQuery[bool] = False,
    silent: FromQuery[bool] = False,
    agreed: FromQuery[int | None] = None,
) -> Template:
    """Who stands where on every clause: delegations down, clauses across, summaries per clause;
    the chair chooses clauses there to mark agreed at once."""
    matrix = agreement.agreement_matrix(db, group, document, contested_only=contested, silent_only=silent)
    actions = documents.page_actions(
        user.membership(group), matrix.version, [(c.number, c.status) for c in matrix.clauses]
    )
    return Template(
        "agreement/matrix.html",
        context={"matrix": matrix, "positions": agreement.POSITIONS, "actions": actions, "agreed": agreed},
    )


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
        media_type="text/csv",
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


def _batch_page(batch: agreement.AgreementBatch) -> Template:
    """The confirmation page; with the rule's refusal, answered with its status (nothing to confirm)."""
    status_code = 200 if batch.refusal is None else refusal_error(batch.refusal).status_code
    return Template("agreement/agree.html", context={"batch": batch}, status_code=status_code)


@page(DOCUMENT + "/agreement/agree", name="agreement_confirm", access=roles(Role.chair))
def agreement_confirm(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], clause: FromQuery[list[str] | None] = None
) -> Template:
    """Before the chair marks the chosen clauses agreed: the objections and reservations still
    standing on each of them."""
    return _batch_page(agreement.agreement_batch(db, user, group, document, clause or []))


@action(DOCUMENT + "/agreement/agree", name="agreement_agree", access=roles(Role.chair))
def agreement_agree(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: FormData
) -> Response[Any]:
    """The chair marks the chosen clauses agreed ad referendum, all at once or none."""
    numbers = repeated(data, "clause")
    try:
        changed = agreement.set_clauses_status(db, user, group, document, numbers, "agreed_ad_ref")
    except DomainError:
        batch = agreement.agreement_batch(db, user, group, document, numbers)
        if batch.refusal is None:  # refused for a reason the page does not show: the error page says it
            raise
        return _batch_page(batch)
    target = request.app.route_reverse("agreement", group=group, document=document)
    return Redirect(f"{target}?agreed={len(changed)}", status_code=303)


@page(DOCUMENT + "/agreement/delegations/{code:str}", name="agreement_position", access=MEMBER)
def agreement_position(
    request: Request[Any, Any, Any],
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    code: FromPath[str],
    clause: FromQuery[str | None] = None,
) -> Template:
    """A cell of the matrix opened: a delegation's position on a clause (or the whole text) with
    its text; htmx gets it alone, to show beside the matrix."""
    detail = agreement.delegation_position(db, group, document, code, clause)
    name = "agreement/_position_detail.html" if wants_fragment(request) else "agreement/position.html"
    return Template(name, context={"detail": detail})


AGREEMENT_ROUTES = [
    agreement_page,
    agreement_csv,
    position_state,
    clause_status,
    agreement_confirm,
    agreement_agree,
    agreement_position,
]
