"""The pages of a document in preparation: the new-document form, the preview where the secretariat
corrects the clauses found before anything is saved, editing in place (a form per clause; htmx swaps
the clause, plain posts redirect), and circulating; and, once circulated, editorial corrections.

The preview carries the draft in the form itself (a hidden JSON field, read back and checked again
at every step: the same limits on preview as on save); nothing is written until "Save" is pressed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Annotated, Any

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from consensus.core import clauses as draft_corrections
from consensus.core import documents as rules
from consensus.core.clauses import Draft, DraftClause, DraftCorrectionRefused
from consensus.documents import corrections, intake, preparation
from consensus.errors import Conflict, Invalid, refusal_text
from consensus.i18n import _
from consensus.lookups import clause_in_group
from consensus.models import Role
from consensus.web.access import roles
from consensus.web.deps import Db, Me
from consensus.web.forms import FormData, checkbox, field
from consensus.web.htmx import wants_fragment
from consensus.web.routing import action, page

GROUP = "/groups/{group:str}"
DOCUMENT = GROUP + "/documents/{document:str}"
SECRETARIAT = roles(Role.secretariat)
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


# --- a new document: the form, the preview, the save ------------------------------------------------


def _new_page(group: str, values: Mapping[str, str], errors: Mapping[str, str], status_code: int = 200) -> Template:
    return Template(
        "documents/new.html",
        context={"group_slug": group, "values": values, "errors": errors},
        status_code=status_code,
    )


@page(GROUP + "/documents/new", name="document_new", access=SECRETARIAT)
def document_new(group: FromPath[str]) -> Template:
    """The secretariat's form for a new document: a file to upload, or the text pasted."""
    return _new_page(group, {"language": "en"}, {})


def _carried(data: Mapping[str, Any]) -> Draft:
    """The draft carried by the preview form, with the numbers and headings as typed in it."""
    try:
        carried = json.loads(field(data, "draft", strip=False))
        found = tuple(DraftClause(str(c["number"]), str(c["heading"]), str(c["text"])) for c in carried["clauses"])
    except (ValueError, KeyError, TypeError):
        raise Invalid({"draft": _("The draft carried by the form was damaged: start again.")}) from None
    typed = tuple(
        DraftClause(field(data, f"number-{i}") or c.number, field(data, f"heading-{i}"), c.text)
        for i, c in enumerate(found)
    )
    return Draft(field(data, "title"), typed)


def _correct(draft: Draft, data: Mapping[str, Any]) -> Draft:
    """The correction a preview button asks for (``op``: merge-3, split-3, renumber)."""
    op, _sep, where = field(data, "op").partition("-")
    index = int(where) if where.isascii() and where.isdecimal() else -1
    try:
        if op == "merge":
            return draft_corrections.merge_with_next(draft, index)
        if op == "split":
            paragraph = field(data, f"paragraph-{index}")
            return draft_corrections.split_clause(draft, index, int(paragraph) if paragraph.isdecimal() else 0)
        if op == "renumber":
            return draft_corrections.renumber(draft)
    except DraftCorrectionRefused as refused:
        raise Invalid({refused.refusal.field or "op": refusal_text(refused.refusal)}) from None
    return draft


def _preview_page(
    group: str, asked: preparation.NewDocument, errors: Mapping[str, str], status_code: int = 200
) -> Template:
    draft = asked.draft
    return Template(
        "documents/preview.html",
        context={
            "group_slug": group,
            "values": {"slug": asked.slug, "language": asked.language, "title": draft.title},
            "draft": draft,
            "carried": json.dumps({"clauses": [asdict(c) for c in draft.clauses]}, ensure_ascii=False),
            "paragraphs": [draft_corrections.paragraphs(c.text) for c in draft.clauses],
            "errors": errors,
        },
        status_code=status_code,
    )


@action(GROUP + "/documents/new", name="document_preview", access=SECRETARIAT, status_code=200)
def document_preview(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], data: Multipart
) -> Response[Any]:
    """The clauses found (from the file or text, or as carried and corrected by the preview), with
    what would refuse the save; "Save" writes the document, in preparation, and opens it."""
    try:
        if "draft" in data:
            draft = _correct(_carried(data), data)
        else:
            draft = intake.draft_from(
                intake.upload_of(data.get("file")), field(data, "text", strip=False), field(data, "title")
            )
    except Invalid as refusal:
        values = {k: field(data, k) for k in ("slug", "title", "language")} | {"text": field(data, "text")}
        return _new_page(group, values, refusal.errors, 422)
    asked = preparation.NewDocument(field(data, "slug"), field(data, "language") or "en", draft)
    try:
        if field(data, "op") == "save":
            slug = preparation.create_document(db, user, group, asked)
            return Redirect(request.app.route_reverse("document", group=group, document=slug), status_code=303)
        preparation.check_new_document(db, user, group, asked)
    except Invalid as refusal:
        return _preview_page(group, asked, refusal.errors, 422 if field(data, "op") == "save" else 200)
    return _preview_page(group, asked, {})


# --- editing in place -----------------------------------------------------------------------------


def prepared_page(
    prepared: preparation.PreparedDocument,
    group_name: str,
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """The page of a document in preparation (the secretariat's forms; the chair reads)."""
    return Template(
        "documents/preparation.html",
        context={"prepared": prepared, "group_name": group_name, "errors": errors or {}},
        status_code=status_code,
    )


def _answer(
    request: Request[Any, Any, Any],
    prepared: preparation.PreparedDocument,
    fragment: str,
    anchor: str = "",
    index: int = 0,
) -> Response[Any]:
    """The swapped part to htmx; otherwise back to the page (post/redirect/get)."""
    if wants_fragment(request):
        return Template(fragment, context={"prepared": prepared, "index": index, "errors": {}})
    url = request.app.route_reverse("document", group=prepared.group_slug, document=prepared.slug)
    return Redirect(f"{url}{anchor}", status_code=303)


def _refused(
    db: Db, user: Me, request: Request[Any, Any, Any], group: str, document: str, refusal: Invalid, index: int = -1
) -> Template:
    prepared = preparation.read_prepared(db, user, group, document)
    if wants_fragment(request) and index >= 0:
        return Template(
            "documents/_draft_clause.html",
            context={"prepared": prepared, "index": index, "errors": refusal.errors},
            status_code=422,
        )
    return prepared_page(prepared, user.member_of(group).group_name, refusal.errors, 422)


@action(DOCUMENT + "/draft", name="draft_details", access=SECRETARIAT)
def draft_details(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: FormData
) -> Response[Any]:
    """The title and the language of a document in preparation."""
    title = field(data, "title")
    try:
        prepared = preparation.edit_document(
            db,
            user,
            group,
            document,
            lambda draft: Draft(title, draft.clauses),
            "edit_details",
            language=field(data, "language"),
        )
    except Invalid as refusal:
        return _refused(db, user, request, group, document, refusal)
    return _answer(request, prepared, "documents/_draft_details.html")


def _clause_change(data: Mapping[str, Any], index: int) -> tuple[preparation.Change, str]:
    """What a clause's form asks (``op``): save its fields, move it, delete it, add one after it."""
    op = field(data, "op") or "save"
    if op == "up":
        return (lambda draft: rules.move_clause(draft, index, -1)), "move_clause"
    if op == "down":
        return (lambda draft: rules.move_clause(draft, index, 1)), "move_clause"
    if op == "delete":
        return (lambda draft: rules.remove_clause(draft, index)), "delete_clause"
    if op == "insert":
        return (
            lambda draft: rules.insert_clause(
                draft, index + 1, DraftClause(rules.next_number(draft), "", _("New clause: write its text."))
            )
        ), "add_clause"
    typed = DraftClause(field(data, "number"), field(data, "heading"), field(data, "text", strip=False))
    return (lambda draft: rules.change_clause(draft, index, typed) if index < len(draft.clauses) else draft), (
        "edit_clause"
    )


@action(DOCUMENT + "/draft/clauses/{index:int}", name="draft_clause", access=SECRETARIAT)
def draft_clause(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    index: FromPath[int],
    data: FormData,
) -> Response[Any]:
    """One clause of a document in preparation: its number, heading and text saved, or the clause
    moved up or down, deleted, or a new one added after it."""
    change, what = _clause_change(data, index)
    try:
        prepared = preparation.edit_document(db, user, group, document, change, what, details={"index": index})
    except Invalid as refusal:
        return _refused(db, user, request, group, document, refusal, index if what == "edit_clause" else -1)
    if what == "edit_clause":
        return _answer(request, prepared, "documents/_draft_clause.html", f"#draft-clause-{index}", index)
    return _answer(request, prepared, "documents/_draft_clauses.html", "#draft-clauses")


@action(DOCUMENT + "/circulate", name="document_circulate", access=SECRETARIAT)
def document_circulate(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: FormData
) -> Response[Any]:
    """Circulate the document to the whole group (the box "I have checked the text" confirms it
    without JavaScript)."""
    if not checkbox(data, "confirm"):
        refusal = Invalid({"confirm": _("Tick the box to confirm that the text is ready to circulate.")})
        return _refused(db, user, request, group, document, refusal)
    preparation.circulate(db, user, group, document)
    url = request.app.route_reverse("document", group=group, document=document)
    return Redirect(f"{url}?circulated=1", status_code=303)


# --- editorial corrections of a circulated clause ----------------------------------------------------


def _correction_page(
    db: Db, group: str, document: str, number: str, values: Mapping[str, str], errors: Mapping[str, str], status: int
) -> Template:
    clause = clause_in_group(db, group, document, number)
    return Template(
        "documents/correction.html",
        context={"clause": clause, "values": values, "errors": errors, "limit": rules.EDITORIAL_WORDS},
        status_code=status,
    )


@page(DOCUMENT + "/clauses/{number:str}/correction", name="clause_correction", access=SECRETARIAT)
def clause_correction(db: Db, group: FromPath[str], document: FromPath[str], number: FromPath[str]) -> Template:
    """The form of an editorial correction (a typo) to a clause of the latest version."""
    clause = clause_in_group(db, group, document, number)
    return _correction_page(db, group, document, number, {"text": clause.text, "heading": clause.heading}, {}, 200)


@action(DOCUMENT + "/clauses/{number:str}/correction", name="clause_correct", access=SECRETARIAT)
def clause_correct(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    number: FromPath[str],
    data: FormData,
) -> Response[Any]:
    """Make the correction (recorded, audited, shown on the clause and in the comparison)."""
    values = {
        "text": field(data, "text", strip=False),
        "heading": field(data, "heading"),
        "reason": field(data, "reason"),
    }
    try:
        corrections.correct_clause(
            db, user, group, document, number, values["text"], values["reason"], values["heading"]
        )
    except (Invalid, Conflict) as refusal:
        errors = refusal.errors if isinstance(refusal, Invalid) else {"text": refusal.message}
        return _correction_page(db, group, document, number, values, errors, refusal.status_code)
    url = request.app.route_reverse("document", group=group, document=document)
    return Redirect(f"{url}?corrected={number}#clause-{number}", status_code=303)


DRAFTING_ROUTES = [
    document_new,
    document_preview,
    draft_details,
    draft_clause,
    document_circulate,
    clause_correction,
    clause_correct,
]
