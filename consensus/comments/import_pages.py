"""Importing a filled ISO commenting form: the upload form, the preview of every row, the import
(pages), and the same in one call of the JSON API.

The preview carries the file it read back to the server (a hidden field), which reads and checks it
again before writing: nothing of the preview is trusted, and nothing is kept on the server between
the two steps.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from consensus.api.paths import DOCUMENT
from consensus.comments import importing, isoform
from consensus.errors import Invalid
from consensus.i18n import _
from consensus.models import Role
from consensus.web.access import roles
from consensus.web.deps import Db, Me
from consensus.web.forms import FormData, checkbox, field
from consensus.web.routing import action, page

IMPORT = "/groups/{group:str}/documents/{document:str}/comments/import"
MAY_IMPORT = roles(Role.secretariat, Role.delegate)
"""Who reaches the import at all; ``core.comment.import_refusal`` says for which delegation."""
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _upload(data: dict[str, Any]) -> tuple[bytes, str]:
    """The uploaded file's content (read up to just past the limit) and its name without folders."""
    upload = data.get("file")
    if isinstance(upload, list):
        upload = upload[-1] if upload else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid({"file": _("Choose the filled commenting form (.docx, .xlsx or .csv) to upload.")})
    content = upload.file.read(isoform.MAX_FILE_BYTES + 1)
    name = PureWindowsPath(PurePosixPath(upload.filename).name).name
    return content, name[:200]


def _form_page(
    db: Db, user: Me, group: str, document: str, *, errors: dict[str, str] | None = None, delegation: str = ""
) -> Template:
    context = {
        "form": importing.import_page(db, user, group, document),
        "errors": errors or {},
        "delegation": delegation,
        "limit_mb": isoform.MAX_FILE_BYTES // 1_048_576,
    }
    return Template("comments/import.html", context=context, status_code=422 if errors else 200)


def _preview_page(plan: importing.ImportPlan, content: bytes, filename: str, *, status_code: int = 200) -> Template:
    context = {
        "plan": plan,
        "filename": filename,
        "file_data": base64.b64encode(content).decode("ascii"),
    }
    return Template("comments/import_preview.html", context=context, status_code=status_code)


@page(IMPORT, name="comments_import", access=MAY_IMPORT)
def import_form(db: Db, user: Me, group: FromPath[str], document: FromPath[str]) -> Template:
    """The form to upload a national body's filled commenting form."""
    return _form_page(db, user, group, document)


@action(IMPORT, name="comments_import_preview", access=MAY_IMPORT)
def import_preview(db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: Multipart) -> Template:
    """Every row of the uploaded form, with what it becomes and what is wrong with it; nothing written."""
    delegation = field(data, "delegation")
    try:
        content, filename = _upload(data)
        plan = importing.plan_import(db, user, group, document, content, delegation)
    except Invalid as invalid:
        return _form_page(db, user, group, document, errors=invalid.errors, delegation=delegation)
    return _preview_page(plan, content, filename, status_code=200 if plan.valid else 422)


@action(IMPORT + "/confirm", name="comments_import_confirm", access=MAY_IMPORT)
def import_confirm(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: FormData
) -> Response[Any]:
    """Import the previewed form (read and checked again), then show the delegation's comments."""
    delegation, filename = field(data, "delegation"), field(data, "filename")[:200]
    try:
        content = base64.b64decode(field(data, "file_data"), validate=True)
    except (binascii.Error, ValueError):
        return _form_page(db, user, group, document, errors={"file": _("Upload the form again.")})
    try:
        imported = importing.import_form(db, user, group, document, content, filename, delegation)
    except Invalid as invalid:
        if "file" in invalid.errors or "delegation" in invalid.errors:
            return _form_page(db, user, group, document, errors=invalid.errors, delegation=delegation)
        plan = importing.plan_import(db, user, group, document, content, delegation)
        return _preview_page(plan, content, filename, status_code=422)
    target = request.app.route_reverse("comments", group=group, document=document)
    return Redirect(f"{target}?delegation={quote(imported.plan.delegation_code)}", status_code=303)


# --- the JSON API ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRowOut:
    row: int
    clause: str
    kind: str
    paragraph: str
    body: str
    proposed_change: str
    errors: list[str]


@dataclass(frozen=True, slots=True)
class ImportOut:
    delegation: str
    version: int
    dry_run: bool
    created: list[int]
    """The ids of the comments made, in the order of the rows (none in a dry run)."""
    rows: list[ImportRowOut]


def _rows_out(plan: importing.ImportPlan) -> list[ImportRowOut]:
    return [
        ImportRowOut(r.row, r.clause, r.kind, r.paragraph, r.body, r.proposed_change, list(r.errors)) for r in plan.rows
    ]


@action(
    f"{DOCUMENT}/comments/import",
    name="api_comments_import",
    access=MAY_IMPORT,
    tags=["comments"],
    status_code=201,
)
def api_import(db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: Multipart) -> Response[ImportOut]:
    """Import a filled ISO commenting form (multipart ``file``: .docx, .xlsx or .csv) as comments on the
    current version: for your own delegation, or for ``delegation`` (its code) by the secretariat.
    ``dry_run`` checks every row and writes nothing. 422 names each row at fault; then nothing is written."""
    delegation = field(data, "delegation")
    content, filename = _upload(data)
    if checkbox(data, "dry_run"):
        plan = importing.plan_import(db, user, group, document, content, delegation)
        if not plan.valid:
            raise Invalid(
                plan.errors(),
                _("{n} of {total} rows cannot be imported.").format(n=plan.rows_with_errors, total=len(plan.rows)),
            )
        out = ImportOut(plan.delegation_code, plan.version.number, True, [], _rows_out(plan))
        return Response(out, status_code=200)
    imported = importing.import_form(db, user, group, document, content, filename, delegation)
    plan = imported.plan
    return Response(
        ImportOut(plan.delegation_code, plan.version.number, False, imported.comment_ids, _rows_out(plan)),
        status_code=201,
    )


COMMENT_IMPORT_ROUTES = [import_form, import_preview, import_confirm, api_import]
