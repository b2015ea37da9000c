"""Amendments from a Word file: the upload form, the preview of every amendment and comment found,
proposing the ones ticked (pages), and the same in one call of the JSON API.

The preview carries the file back to the server (a hidden field) with the version it was read
against and the keys of what is ticked; proposing reads and checks the file again against the
version as it is then: nothing of the preview is trusted, and nothing is kept between the steps.
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
from litestar.openapi import ResponseSpec
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from consensus.amendments import redline
from consensus.api.paths import DOCUMENT
from consensus.documents.importing import MAX_FILE
from consensus.errors import Conflict, Invalid
from consensus.i18n import _
from consensus.lookups import version_in_group
from consensus.models import Role
from consensus.web.access import roles
from consensus.web.deps import Db, Me
from consensus.web.forms import FormData, checkbox, field
from consensus.web.routing import action, page

REDLINE = "/groups/{group:str}/documents/{document:str}/redline"
MAY_PROPOSE = roles(Role.delegate)
"""Who reaches the upload at all; ``core.amendment.propose_refusal`` says more."""
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _upload(data: dict[str, Any]) -> tuple[bytes, str]:
    """The uploaded file's content (read up to just past the limit) and its name without folders."""
    upload = data.get("file")
    if isinstance(upload, list):
        upload = upload[-1] if upload else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid({"file": _("Choose the Word file (.docx) of the version with your changes.")})
    content = upload.file.read(MAX_FILE + 1)
    name = PureWindowsPath(PurePosixPath(upload.filename).name).name
    return content, name[:200]


def _values(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _form_page(db: Db, user: Me, group: str, document: str, *, errors: dict[str, str] | None = None) -> Template:
    context = {
        "version": version_in_group(db, group, document),
        "errors": errors or {},
        "limit_mb": MAX_FILE // 1_048_576,
    }
    return Template("amendments/redline.html", context=context, status_code=422 if errors else 200)


def _preview_page(
    plan: redline.RedlinePlan,
    content: bytes,
    filename: str,
    *,
    errors: dict[str, str] | None = None,
    ticked: set[str] | None = None,
) -> Template:
    context = {
        "plan": plan,
        "filename": filename,
        "file_data": base64.b64encode(content).decode("ascii"),
        "errors": errors or {},
        "ticked": ticked,
    }
    return Template("amendments/redline_preview.html", context=context, status_code=422 if errors else 200)


@page(REDLINE, name="redline", access=MAY_PROPOSE)
def redline_form(db: Db, user: Me, group: FromPath[str], document: FromPath[str]) -> Template:
    """The form to upload a Word file of the current version with the capital's changes."""
    redline.may_upload(db, user, group, document)
    return _form_page(db, user, group, document)


@action(REDLINE + "/preview", name="redline_preview", access=MAY_PROPOSE)
def redline_preview(db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: Multipart) -> Template:
    """Every amendment and comment the uploaded file makes, and what it holds that becomes
    neither; nothing is written."""
    try:
        content, filename = _upload(data)
        plan = redline.plan_redline(db, user, group, document, filename, content)
    except Invalid as invalid:
        return _form_page(db, user, group, document, errors=invalid.errors)
    return _preview_page(plan, content, filename)


@action(REDLINE + "/propose", name="redline_propose", access=MAY_PROPOSE)
def redline_propose(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: FormData
) -> Response[Any]:
    """Propose the ticked amendments and post the ticked comments (the file read and checked
    again), then show the delegation's amendments."""
    filename = field(data, "filename")[:200]
    try:
        content = base64.b64decode(field(data, "file_data"), validate=True)
        version = int(field(data, "version"))
    except (binascii.Error, ValueError):
        return _form_page(db, user, group, document, errors={"file": _("Upload the file again.")})
    amendments, comments = _values(data, "amendment"), _values(data, "comment")
    try:
        proposed = redline.propose_redline(
            db, user, group, document, filename, content, version=version, amendments=amendments, comments=comments
        )
    except Conflict as conflict:
        return _form_page(db, user, group, document, errors={"file": str(conflict)})
    except Invalid as invalid:
        if "file" in invalid.errors:
            return _form_page(db, user, group, document, errors=invalid.errors)
        plan = redline.plan_redline(db, user, group, document, filename, content)
        return _preview_page(plan, content, filename, errors=invalid.errors, ticked={*amendments, *comments})
    target = request.app.route_reverse("amendments", group=group, document=document)
    code = quote(user.member_of(group).delegation_code)
    return Redirect(f"{target}?delegation={code}&proposed={len(proposed.amendment_ids)}", status_code=303)


# --- the JSON API ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RedlineAmendmentOut:
    key: str
    """Names it in ``amendments`` when proposing only some."""
    clause: str
    """The clause it amends or deletes, or the clause a new one is inserted after."""
    kind: str
    number: str
    """Its number in the file ('' for a deletion)."""
    heading: str | None
    text: str
    rationale: str
    diff: list[dict[str, str]]
    """The word diff: segments with ``op`` (equal, insert, delete) and ``text``."""
    errors: list[str]
    note: str


@dataclass(frozen=True, slots=True)
class RedlineCommentOut:
    key: str
    clause: str
    author: str
    body: str
    errors: list[str]


@dataclass(frozen=True, slots=True)
class RedlineUnmatchedOut:
    number: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class RedlineOut:
    version: int
    amendments: list[RedlineAmendmentOut]
    comments: list[RedlineCommentOut]
    unmatched: list[RedlineUnmatchedOut]


@dataclass(frozen=True, slots=True)
class RedlineProposedOut:
    version: int
    amendments: list[int]
    """The ids of the amendments proposed, in document order."""
    comments: list[int]
    """The ids of the comments posted."""
    unmatched: list[RedlineUnmatchedOut]


def _unmatched_out(plan: redline.RedlinePlan) -> list[RedlineUnmatchedOut]:
    return [RedlineUnmatchedOut(u.number, u.text, u.reason) for u in plan.unmatched]


def _plan_out(plan: redline.RedlinePlan) -> RedlineOut:
    return RedlineOut(
        plan.version.number,
        [
            RedlineAmendmentOut(
                a.key,
                a.clause,
                a.kind,
                a.number,
                a.heading,
                a.text,
                a.rationale,
                [{"op": s.op, "text": s.text} for s in a.diff.segments],
                list(a.errors),
                a.note,
            )
            for a in plan.amendments
        ],
        [RedlineCommentOut(c.key, c.clause, c.author, c.body, list(c.errors)) for c in plan.comments],
        _unmatched_out(plan),
    )


@action(
    f"{DOCUMENT}/redline",
    name="api_redline",
    access=MAY_PROPOSE,
    tags=["amendments"],
    status_code=201,
    summary="Amendments from a Word file",
    description=(
        "Multipart `file` (.docx of the current version with the capital's changes, tracked or not). "
        "`submit=false` (the default): 200 with the amendments found (`clause`, `kind`, `text`, `diff`, "
        "`rationale` from the Word comments, `key`), the comments that become clause comments, and the "
        "text matched to no clause; nothing is written. `submit=true`: 201 with the ids of the amendments "
        "proposed and comments posted: all, or those named by `amendments` and `comments` (keys)."
    ),
    responses={200: ResponseSpec(data_container=RedlineOut, description="The preview: nothing written")},
)
def api_redline(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: Multipart
) -> Response[RedlineOut | RedlineProposedOut]:
    """Amendments from a Word file (multipart ``file``, .docx) of the current version with your
    capital's changes, tracked or not. ``submit=false`` (the default) answers 200 with every
    amendment found (clause, kind, text, word diff, rationale from the Word comments), the comments
    that become clause comments, and the text matched to no clause; nothing is written.
    ``submit=true`` proposes them for your delegation and answers 201 with the ids: all of them, or
    those named by ``amendments`` and ``comments`` (keys from the preview), in one transaction
    (422 naming each one at fault, and nothing written)."""
    content, filename = _upload(data)
    if not checkbox(data, "submit"):
        return Response(_plan_out(redline.plan_redline(db, user, group, document, filename, content)), status_code=200)
    amendments, comments = _values(data, "amendments"), _values(data, "comments")
    named = bool(amendments or comments)  # naming some proposes only those; naming none, all
    proposed = redline.propose_redline(
        db,
        user,
        group,
        document,
        filename,
        content,
        amendments=amendments if named else None,
        comments=comments if named else None,
    )
    plan = proposed.plan
    out = RedlineProposedOut(plan.version.number, proposed.amendment_ids, proposed.comment_ids, _unmatched_out(plan))
    return Response(out, status_code=201)


REDLINE_ROUTES = [redline_form, redline_preview, redline_propose, api_redline]
