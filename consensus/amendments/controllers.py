"""Proposing amendments with a live diff preview; the chair's compromise form; the amendment page;
lists; decisions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from consensus.amendments import services as amendments
from consensus.core.amendment import COMPROMISE_KINDS
from consensus.errors import Invalid
from consensus.groups.services import delegation_choices
from consensus.i18n import _
from consensus.lookups import clause_in_group
from consensus.models import Role
from consensus.web.access import MEMBER, roles
from consensus.web.deps import Db, Id, Me, VersionNumber
from consensus.web.forms import FormData, field, repeated
from consensus.web.htmx import wants_fragment
from consensus.web.routing import action, page

CLAUSE = "/groups/{group:str}/documents/{document:str}/versions/{version:int}/clauses/{number:str}"


def _input(data: dict[str, Any]) -> amendments.AmendmentInput:
    heading = field(data, "heading")
    return amendments.AmendmentInput(
        kind=field(data, "kind") or "replace",
        text=field(data, "text"),
        rationale=field(data, "rationale"),
        heading=heading or None,
    )


def _values(submitted: amendments.AmendmentInput) -> dict[str, Any]:
    return {
        "kind": submitted.kind,
        "text": submitted.text,
        "rationale": submitted.rationale,
        "heading": submitted.heading or "",
    }


def _form(
    db: Db,
    group: str,
    document: str,
    version: int,
    number: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    preview: amendments.Preview | None = None,
) -> Template:
    clause = clause_in_group(db, group, document, number, version)
    kind = values.get("kind") or "replace"
    text = values.get("text", clause.text if kind == "replace" else "")
    if preview is None:
        preview = (
            amendments.Preview(kind, clause.number, None, None, errors)
            if errors
            else amendments.starting_preview(clause, kind)
        )
    return Template(
        "amendments/new.html",
        context={
            "clause": clause,
            "values": {"kind": kind, "text": text, **values},
            "errors": errors,
            "preview": preview,
            "kinds": amendments.KINDS,
        },
        status_code=status_code,
    )


@page(CLAUSE + "/amendments/new", name="amendment_new", access=roles(Role.delegate))
def amendment_new(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    number: FromPath[str],
    kind: FromQuery[str | None] = None,
) -> Template:
    """The form to propose an amendment to a clause, starting from its current text."""
    return _form(db, group, document, version, number, {"kind": kind or "replace"}, {})


@action(CLAUSE + "/amendments/preview", name="amendment_preview", access=MEMBER)
def amendment_preview(
    request: Request[Any, Any, Any],
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    number: FromPath[str],
    data: FormData,
) -> Template:
    """The word diff of the text being typed (htmx), or the whole form with it (no JavaScript);
    input that proposing would refuse is refused here too (422, naming the fields)."""
    submitted = _input(data)
    preview = amendments.preview(db, group, document, number, submitted, version)
    status_code = 422 if preview.errors else 200
    if wants_fragment(request):
        return Template(
            "amendments/_preview.html",
            context={"preview": preview, "inline_errors": True},
            status_code=status_code,
        )
    return _form(db, group, document, version, number, _values(submitted), preview.errors, status_code, preview)


@action(CLAUSE + "/amendments", name="amendment_create", access=roles(Role.delegate))
def amendment_create(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    number: FromPath[str],
    data: FormData,
) -> Response[Any]:
    """A delegation proposes the amendment."""
    submitted = _input(data)
    try:
        amendment_id = amendments.propose(db, user, group, document, number, submitted, version)
    except Invalid as refusal:
        return _form(db, group, document, version, number, _values(submitted), refusal.errors, status_code=422)
    return Redirect(request.app.route_reverse("amendment", group=group, amendment_id=amendment_id), status_code=303)


def _supersedes(data: dict[str, Any]) -> tuple[int, ...]:
    """The ticked amendments; a value that is no id is refused naming the field."""
    values = repeated(data, "supersedes")
    if not all(v.isascii() and v.isdecimal() and 1 <= int(v) <= 2_147_483_647 for v in values):
        raise Invalid({"supersedes": _("Choose the amendments from the list.")})
    return tuple(int(v) for v in values)


def _compromise_form(
    db: Db,
    user: Me,
    group: str,
    document: str,
    version: int,
    number: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    clause = clause_in_group(db, group, document, number, version)
    values = {"kind": "replace", "text": clause.text, "supersedes": [], **values}
    preview = (
        amendments.preview(
            db,
            group,
            document,
            number,
            amendments.AmendmentInput(values["kind"], values["text"], "", values.get("heading") or None),
            version,
        )
        if errors
        else amendments.starting_preview(clause, values["kind"])
    )
    return Template(
        "amendments/compromise.html",
        context={
            "clause": clause,
            "candidates": amendments.compromise_candidates(db, user, group, clause),
            "values": values,
            "errors": errors,
            "kinds": COMPROMISE_KINDS,
            "preview": preview,
        },
        status_code=status_code,
    )


@page(CLAUSE + "/compromises/new", name="compromise_new", access=roles(Role.chair, Role.secretariat))
def compromise_new(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    number: FromPath[str],
    supersedes: FromQuery[list[str] | None] = None,
) -> Template:
    """The form to propose a compromise on a clause: its text, rationale, and the competing
    amendments it supersedes (``supersedes`` ticks some at the start)."""
    ticked = [int(v) for v in supersedes or [] if v.isascii() and v.isdecimal() and len(v) < 10]
    return _compromise_form(db, user, group, document, version, number, {"supersedes": ticked}, {})


@action(CLAUSE + "/compromises", name="compromise_create", access=roles(Role.chair, Role.secretariat))
def compromise_create(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    number: FromPath[str],
    data: FormData,
) -> Response[Any]:
    """The chair (or the secretariat for the chair) proposes the compromise."""
    heading = field(data, "heading")
    values: dict[str, Any] = {
        "kind": field(data, "kind") or "replace",
        "text": field(data, "text"),
        "rationale": field(data, "rationale"),
        "heading": heading,
        "supersedes": [],
    }
    try:
        values["supersedes"] = list(_supersedes(data))
        submitted = amendments.CompromiseInput(
            values["text"], values["rationale"], tuple(values["supersedes"]), values["kind"], heading or None
        )
        compromise_id = amendments.propose_compromise(db, user, group, document, number, submitted, version)
    except Invalid as refusal:
        return _compromise_form(db, user, group, document, version, number, values, refusal.errors, status_code=422)
    return Redirect(request.app.route_reverse("amendment", group=group, amendment_id=compromise_id), status_code=303)


def _amendment_page(
    db: Db,
    user: Me,
    group: str,
    amendment_id: int,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        "amendments/amendment.html",
        context={
            "amendment": amendments.read_amendment(db, user, group, amendment_id),
            "group_slug": group,
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status_code,
    )


@page("/groups/{group:str}/amendments/{amendment_id:int}", name="amendment", access=MEMBER)
def amendment_page(db: Db, user: Me, group: FromPath[str], amendment_id: Id) -> Template:
    """An amendment: its diff, rationale, sponsors, status and decision."""
    return _amendment_page(db, user, group, amendment_id)


def _back(request: Request[Any, Any, Any], group: str, amendment_id: int) -> Redirect:
    return Redirect(request.app.route_reverse("amendment", group=group, amendment_id=amendment_id), status_code=303)


@action(
    "/groups/{group:str}/amendments/{amendment_id:int}/withdraw",
    name="amendment_withdraw",
    access=roles(Role.delegate, Role.chair, Role.secretariat),
)
def amendment_withdraw(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], amendment_id: Id
) -> Response[Any]:
    """The proposing delegation withdraws its amendment (the chair or the secretariat a compromise)."""
    amendments.withdraw(db, user, group, amendment_id)
    return _back(request, group, amendment_id)


@action(
    "/groups/{group:str}/amendments/{amendment_id:int}/cosponsor",
    name="amendment_cosponsor",
    access=roles(Role.delegate),
)
def amendment_cosponsor(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], amendment_id: Id, data: FormData
) -> Response[Any]:
    """Join (or leave) the co-sponsors of another delegation's amendment."""
    amendments.sponsor(db, user, group, amendment_id, join=field(data, "action") != "leave")
    return _back(request, group, amendment_id)


@action("/groups/{group:str}/amendments/{amendment_id:int}/decision", name="amendment_decide", access=roles(Role.chair))
def amendment_decide(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], amendment_id: Id, data: FormData
) -> Response[Any]:
    """The chair accepts or rejects the amendment, with a reason."""
    try:
        amendments.decide(db, user, group, amendment_id, field(data, "decision"), field(data, "reason"))
    except Invalid as refusal:
        return _amendment_page(
            db,
            user,
            group,
            amendment_id,
            refusal.errors,
            {"decision": field(data, "decision"), "reason": field(data, "reason")},
            status_code=422,
        )
    return _back(request, group, amendment_id)


@action("/groups/{group:str}/amendments/{amendment_id:int}/reopen", name="amendment_reopen", access=roles(Role.chair))
def amendment_reopen(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], amendment_id: Id, data: FormData
) -> Response[Any]:
    """The chair reopens a decided amendment not yet consolidated: it is proposed again."""
    try:
        amendments.reopen(db, user, group, amendment_id, field(data, "reason"))
    except Invalid as refusal:
        return _amendment_page(
            db, user, group, amendment_id, refusal.errors, {"reason": field(data, "reason")}, status_code=422
        )
    return _back(request, group, amendment_id)


@page("/groups/{group:str}/documents/{document:str}/amendments", name="amendments", access=MEMBER)
def amendment_list(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    status: FromQuery[str | None] = None,
    delegation: FromQuery[str | None] = None,
    clause: FromQuery[str | None] = None,
    version: VersionNumber = None,
) -> Template:
    """Amendments to a document, filterable by status, delegation, clause and version."""
    filters = amendments.AmendmentFilters(status or "", delegation or "", clause or "", version)
    found = amendments.list_amendments(db, user, group, document, filters)
    return Template(
        "amendments/list.html",
        context={
            "version": found.version,
            "amendments": found.amendments,
            "filters": filters,
            "statuses": amendments.STATUSES,
            "delegations": delegation_choices(db, group),
        },
    )


AMENDMENT_ROUTES = [
    amendment_new,
    amendment_preview,
    amendment_create,
    compromise_new,
    compromise_create,
    amendment_page,
    amendment_withdraw,
    amendment_cosponsor,
    amendment_decide,
    amendment_reopen,
    amendment_list,
]
