"""The clause page with its comment threads (a fragment for htmx), comment actions, the table."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from consensus.agreement import services as agreement
from consensus.amendments import services as amendments
from consensus.comments import importing, isoform
from consensus.comments import services as comments
from consensus.documents import services as documents
from consensus.errors import Forbidden, Invalid
from consensus.i18n import _
from consensus.models import Role
from consensus.web.access import MEMBER, roles
from consensus.web.deps import MAX_ID, Db, Id, Me, VersionNumber
from consensus.web.forms import FormData, field, form_id
from consensus.web.htmx import slot, wants_fragment
from consensus.web.routing import action, page

CLAUSE = "/groups/{group:str}/documents/{document:str}/versions/{version:int}/clauses/{number:str}"


def _comment_input(data: dict[str, Any]) -> comments.CommentInput:
    return comments.CommentInput(
        body=field(data, "body"),
        kind=field(data, "kind") or "general",
        proposed_change=field(data, "proposed_change"),
        paragraph=field(data, "paragraph"),
        parent_id=form_id(data, "parent_id"),
    )


def _thread_response(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: str,
    document: str,
    version: int,
    number: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    posted: bool = False,
    status_code: int = 200,
) -> Template:
    thread = comments.read_thread(db, user, group, document, number, version)
    context = {
        "thread": thread,
        "errors": errors or {},
        "values": values or {},
        "posted": posted,
        "slot": slot(number),
        "kinds": comments.KINDS,
        "dispositions": comments.DISPOSITIONS,
        "oob_count": wants_fragment(request),
    }
    if wants_fragment(request):
        return Template("comments/_thread.html", context=context, status_code=status_code)
    context["amendments"] = clause_amendments = amendments.clause_amendments(db, user, group, thread.clause)
    context["can_compromise"] = amendments.may_propose_compromise(
        user.membership(group), thread.clause, clause_amendments
    )
    current = not thread.clause.version.frozen
    context["membership"] = membership = user.membership(group)
    context["actions"] = documents.page_actions(
        membership, thread.clause.version, [(thread.clause.number, thread.clause.status)]
    )
    context["my_position"] = (
        agreement.my_positions(db, user, group, document).get(thread.clause.lineage) if current else None
    )
    context["position_history"] = agreement.position_history(db, user, group, document, thread.clause.lineage)
    context["clause_positions"] = agreement.clause_positions(db, thread.clause) if current else None
    context["positions"] = agreement.POSITIONS
    return Template("comments/clause.html", context=context, status_code=status_code)


@page(CLAUSE, name="clause", access=MEMBER)
def clause_page(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    number: FromPath[str],
) -> Template:
    """A clause with its comment threads and amendments; htmx gets the thread alone."""
    return _thread_response(request, db, user, group, document, version, number)


@action(CLAUSE + "/comments", name="comment_create", access=MEMBER)
def comment_create(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    number: FromPath[str],
    data: FormData,
) -> Response[Any]:
    """Post a comment or a reply for one's own delegation."""
    submitted = _comment_input(data)
    try:
        comment_id = comments.post_comment(db, user, group, document, number, submitted, version)
    except Invalid as refusal:
        values = {
            "body": submitted.body,
            "kind": submitted.kind,
            "proposed_change": submitted.proposed_change,
            "paragraph": submitted.paragraph,
            "parent_id": submitted.parent_id,
        }
        return _thread_response(
            request, db, user, group, document, version, number, errors=refusal.errors, values=values, status_code=422
        )
    if wants_fragment(request):
        return _thread_response(request, db, user, group, document, version, number, posted=True, status_code=201)
    target = request.app.route_reverse("clause", group=group, document=document, version=version, number=number)
    return Redirect(f"{target}#comment-{comment_id}", status_code=303)


def _back_to_comment(request: Request[Any, Any, Any], db: Db, group: str, comment_id: int) -> str:
    clause = comments.comment_location(db, group, comment_id)
    url = request.app.route_reverse(
        "clause",
        group=group,
        document=clause.version.document_slug,
        version=clause.version.number,
        number=clause.number,
    )
    return f"{url}#comment-{comment_id}"


def _comment_fragment(db: Db, user: Me, group: str, comment_id: int, status_code: int = 200, **extra: Any) -> Template:
    return Template(
        "comments/_comment.html",
        context={
            "comment": comments.read_comment(db, user, group, comment_id),
            "group_slug": group,
            "dispositions": comments.DISPOSITIONS,
            "kinds": comments.KINDS,
            "errors": {},
            **extra,
        },
        status_code=status_code,
    )


@page("/groups/{group:str}/comments/{comment_id:int}", name="comment", access=MEMBER)
def comment_page(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], comment_id: Id
) -> Response[Any]:
    """A comment's permanent address: its place in the clause's thread (htmx: the comment alone)."""
    if wants_fragment(request):
        return _comment_fragment(db, user, group, comment_id)
    return Redirect(_back_to_comment(request, db, group, comment_id), status_code=303)


@page("/groups/{group:str}/comments/{comment_id:int}/edit", name="comment_edit", access=MEMBER)
def comment_edit(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], comment_id: Id) -> Template:
    """The form to change one's own comment."""
    comment = comments.read_comment(db, user, group, comment_id)
    if not comment.can_edit:
        raise Forbidden(_("Only the author of a comment can change it, until the secretariat disposes of it."))
    context = {"comment": comment, "group_slug": group, "kinds": comments.KINDS, "errors": {}, "values": {}}
    if wants_fragment(request):
        return Template("comments/_comment_edit_form.html", context=context)
    return Template("comments/edit.html", context=context)


@action("/groups/{group:str}/comments/{comment_id:int}/edit", name="comment_update", access=MEMBER)
def comment_update(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], comment_id: Id, data: FormData
) -> Response[Any]:
    """Save an edit (the earlier text stays in the comment's history)."""
    submitted = _comment_input(data)
    try:
        comments.edit_comment(db, user, group, comment_id, submitted)
    except Invalid as refusal:
        comment = comments.read_comment(db, user, group, comment_id)
        context = {
            "comment": comment,
            "group_slug": group,
            "kinds": comments.KINDS,
            "errors": refusal.errors,
            "values": {
                "body": submitted.body,
                "kind": submitted.kind,
                "paragraph": submitted.paragraph,
                "proposed_change": submitted.proposed_change,
            },
        }
        name = "comments/_comment_edit_form.html" if wants_fragment(request) else "comments/edit.html"
        return Template(name, context=context, status_code=422)
    if wants_fragment(request):
        return _comment_fragment(db, user, group, comment_id, announce="edited")
    return Redirect(_back_to_comment(request, db, group, comment_id), status_code=303)


@action("/groups/{group:str}/comments/{comment_id:int}/withdraw", name="comment_withdraw", access=MEMBER)
def comment_withdraw(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], comment_id: Id
) -> Response[Any]:
    """Withdraw one's own comment."""
    comments.withdraw_comment(db, user, group, comment_id)
    if wants_fragment(request):
        return _comment_fragment(db, user, group, comment_id, announce="withdrawn")
    return Redirect(_back_to_comment(request, db, group, comment_id), status_code=303)


@action(
    "/groups/{group:str}/comments/{comment_id:int}/disposition", name="comment_dispose", access=roles(Role.secretariat)
)
def comment_dispose(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], comment_id: Id, data: FormData
) -> Response[Any]:
    """The secretariat's disposition of a comment, with an observation."""
    try:
        comments.dispose_comment(db, user, group, comment_id, field(data, "disposition"), field(data, "observation"))
    except Invalid as refusal:
        if wants_fragment(request):
            return _comment_fragment(
                db,
                user,
                group,
                comment_id,
                status_code=422,
                errors=refusal.errors,
                values={"disposition": field(data, "disposition"), "observation": field(data, "observation")},
            )
        raise
    if wants_fragment(request):
        return _comment_fragment(db, user, group, comment_id, announce="disposed")
    return Redirect(_back_to_comment(request, db, group, comment_id), status_code=303)


def _filters(
    clause: str | None, kind: str | None, delegation: str | None, disposition: str | None, version: int | None
) -> comments.TableFilters:
    return comments.TableFilters(
        clause=clause or "",
        kind=kind or "",
        delegation=delegation or "",
        disposition=disposition or "",
        version=version,
    )


PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=MAX_ID)]


def _table_page(
    db: Db, user: Me, group: str, document: str, filters: comments.TableFilters, page_number: int, **extra: Any
) -> Template:
    membership = user.membership(group)
    table = comments.comment_table(
        db, group, document, filters, page_number, role=membership.role if membership else ""
    )
    return Template(
        "comments/table.html",
        context={
            "table": table,
            "kinds": comments.KINDS,
            "dispositions": comments.DISPOSITIONS,
            "can_import": importing.may_import(user, group, table.version),
            "row_errors": {},
            "row_values": {},
            **extra,
        },
        status_code=422 if extra.get("row_errors") else 200,
    )


@page("/groups/{group:str}/documents/{document:str}/comments", name="comments", access=MEMBER)
def comment_table(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    clause: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    delegation: FromQuery[str | None] = None,
    disposition: FromQuery[str | None] = None,
    version: VersionNumber = None,
    page_number: PageNumber = 1,
) -> Template:
    """Every comment on the document in the ISO commenting template's columns, filtered; the
    secretariat disposes of them row by row."""
    return _table_page(db, user, group, document, _filters(clause, kind, delegation, disposition, version), page_number)


@action(
    "/groups/{group:str}/documents/{document:str}/comments/{comment_id:int}/disposition",
    name="comment_row_dispose",
    access=roles(Role.secretariat),
)
def comment_row_dispose(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    comment_id: Id,
    data: FormData,
    clause: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    delegation: FromQuery[str | None] = None,
    disposition: FromQuery[str | None] = None,
    version: VersionNumber = None,
    page_number: PageNumber = 1,
) -> Response[Any]:
    """The secretariat disposes of a comment from its row of the table (the table's filters ride in
    the query): htmx gets the row back, a browser without it the same filtered page."""
    filters = _filters(clause, kind, delegation, disposition, version)
    comments.table_row(db, user, group, document, comment_id, filters)  # a row of this document's table
    chosen, observation = field(data, "disposition"), field(data, "observation")
    try:
        comments.dispose_comment(db, user, group, comment_id, chosen, observation)
    except Invalid as refusal:
        values = {comment_id: {"disposition": chosen, "observation": observation}}
        if wants_fragment(request):
            return _row_fragment(db, user, group, document, comment_id, filters, {comment_id: refusal.errors}, values)
        return _table_page(
            db, user, group, document, filters, page_number, row_errors={comment_id: refusal.errors}, row_values=values
        )
    if wants_fragment(request):
        return _row_fragment(db, user, group, document, comment_id, filters, announce=True)
    target = request.app.route_reverse("comments", group=group, document=document)
    query = request.url.query
    return Redirect(f"{target}{'?' + query if query else ''}#row-{comment_id}", status_code=303)


def _row_fragment(
    db: Db,
    user: Me,
    group: str,
    document: str,
    comment_id: int,
    filters: comments.TableFilters,
    row_errors: dict[int, dict[str, str]] | None = None,
    row_values: dict[int, dict[str, str]] | None = None,
    *,
    announce: bool = False,
) -> Template:
    view = comments.table_row(db, user, group, document, comment_id, filters)
    return Template(
        "comments/_table_rows.html",
        context={
            "v": view.version,
            "f": view.filters,
            "rows": [view.row],
            "dispositions": comments.DISPOSITIONS,
            "row_errors": row_errors or {},
            "row_values": row_values or {},
            "announce": announce,
        },
        status_code=422 if row_errors else 200,
    )


@page("/groups/{group:str}/documents/{document:str}/comments.csv", name="comments_csv", access=MEMBER)
def comment_csv(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    clause: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    delegation: FromQuery[str | None] = None,
    disposition: FromQuery[str | None] = None,
    version: VersionNumber = None,
) -> Response[str]:
    """The same table as CSV, for the ISO commenting template."""
    text = comments.comment_csv(db, group, document, _filters(clause, kind, delegation, disposition, version))
    return Response(
        "\ufeff" + text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{group}-{document}-comments.csv"'},
    )


def _table_file(suffix: str) -> HTTPRouteHandler:
    """The route of the comment table as a file of ``isoform.TABLE_FILES`` (the same filters)."""
    table_file = isoform.TABLE_FILES[suffix]

    def download(
        db: Db,
        group: FromPath[str],
        document: FromPath[str],
        clause: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        delegation: FromQuery[str | None] = None,
        disposition: FromQuery[str | None] = None,
        version: VersionNumber = None,
    ) -> Response[bytes]:
        filters = _filters(clause, kind, delegation, disposition, version)
        return Response(
            isoform.table_file(db, group, document, filters, suffix),
            media_type=table_file.media_type,
            headers={"Content-Disposition": f'attachment; filename="{group}-{document}-comments.{suffix}"'},
        )

    download.__doc__ = f"The same table as {suffix.upper()}, in the ISO commenting template's columns."
    path = f"/groups/{{group:str}}/documents/{{document:str}}/comments.{suffix}"
    return page(path, name=f"comments_{suffix}", access=MEMBER)(download)


COMMENT_ROUTES = [
    clause_page,
    comment_create,
    comment_page,
    comment_edit,
    comment_update,
    comment_withdraw,
    comment_dispose,
    comment_table,
    comment_row_dispose,
    comment_csv,
    *(_table_file(suffix) for suffix in isoform.TABLE_FILES),
]
