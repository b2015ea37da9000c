"""The summary of proceedings in the browser: reading it, the secretariat's draft (generate, edit
with a preview, publish) and the downloads, for members and, with a published text, the public."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.params import FromPath
from litestar.response import Redirect, Template

from consensus.errors import Invalid, NotFound
from consensus.i18n import _
from consensus.models import Role
from consensus.room import files
from consensus.room import record as records
from consensus.web.access import MEMBER, PUBLIC, roles
from consensus.web.deps import Db, Id, Me
from consensus.web.forms import FormData, field
from consensus.web.htmx import wants_fragment
from consensus.web.routing import action, page

MEETING = "/groups/{group:str}/meetings/{meeting_id:int}"
RECORD = MEETING + "/record"
STANDALONE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def _back(request: Request[Any, Any, Any], group: str, meeting_id: int, note: str = "") -> Redirect:
    url = request.app.route_reverse("room_record", group=group, meeting_id=meeting_id)
    return Redirect(url + (f"?{note}=1" if note else ""), status_code=303)


@page(RECORD, name="room_record", access=MEMBER)
def record_page(request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Template:
    """The summary of proceedings of a meeting (a draft only for the secretariat and the chair)."""
    record = records.read_record(db, user, group, meeting_id)
    return Template(
        "room/record.html",
        context={
            "record": record,
            "body": files.markdown_html(record.body),
            "formats": files.RECORD_FORMATS,
            "note": next((n for n in ("saved", "generated", "published") if request.query_params.get(n)), ""),
        },
    )


def _edit_page(record: records.RecordView, body: str, errors: dict[str, str], status_code: int = 200) -> Template:
    preview = files.markdown_html(body) if not errors else None
    return Template(
        "room/record_edit.html",
        context={"record": record, "values": {"body": body}, "errors": errors, "preview": preview},
        status_code=status_code,
    )


@page(RECORD + "/edit", name="room_record_edit", access=roles(Role.secretariat))
def record_edit(db: Db, user: Me, group: FromPath[str], meeting_id: Id) -> Template:
    """The secretariat's form: the summary's Markdown in a text area, with a preview."""
    record = records.read_record(db, user, group, meeting_id)
    record.require_editable()
    return Template(
        "room/record_edit.html",
        context={"record": record, "values": {"body": record.body}, "errors": {}, "preview": None},
    )


@action(RECORD + "/edit", name="room_record_save", access=roles(Role.secretariat))
def record_save(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Response[Any]:
    """Save the edited draft."""
    body = field(data, "body", strip=False)
    try:
        records.save_record(db, user, group, meeting_id, body)
    except Invalid as refusal:
        return _edit_page(records.read_record(db, user, group, meeting_id), body, refusal.errors, 422)
    return _back(request, group, meeting_id, "saved")


@action(RECORD + "/preview", name="room_record_preview", access=roles(Role.secretariat))
def record_preview(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, data: FormData
) -> Template:
    """The draft as it would read, with every check that saving makes (nothing is written)."""
    record = records.read_record(db, user, group, meeting_id)
    record.require_editable()
    body = field(data, "body", strip=False)
    errors: dict[str, str] = {}
    try:
        records.check_body(body)
    except Invalid as refusal:
        errors = refusal.errors
    if wants_fragment(request):
        return Template(
            "room/_record_preview.html",
            context={"preview": files.markdown_html(body) if not errors else None, "errors": errors},
            status_code=422 if errors else 200,
        )
    return _edit_page(record, body, errors, 422 if errors else 200)


@action(RECORD + "/generate", name="room_record_generate", access=roles(Role.secretariat))
def record_generate(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id
) -> Response[Any]:
    """Write the draft again from the record (attendance, speakers, rounds, clauses agreed)."""
    records.generate_record(db, user, group, meeting_id)
    return _back(request, group, meeting_id, "generated")


@action(RECORD + "/publish", name="room_record_publish", access=roles(Role.secretariat))
def record_publish(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id
) -> Response[Any]:
    """Publish the summary: members read it and download it; it no longer changes."""
    records.publish_record(db, user, group, meeting_id)
    return _back(request, group, meeting_id, "published")


def _download(request: Request[Any, Any, Any], record: Any, file: str) -> Response[bytes]:
    stem, _dot, suffix = file.partition(".")
    export = files.BY_SUFFIX.get(suffix)
    if stem != "summary" or export is None:
        raise NotFound(_("There is no such file of this summary."))
    template_engine = request.app.template_engine
    assert template_engine is not None, "the app is made with its templates"
    headers = {
        "Content-Disposition": f'attachment; filename="{record.file_stem}.{export.suffix}"',
        "Cache-Control": "private, no-cache",
    }
    if export.suffix == "html":
        headers["Content-Security-Policy"] = STANDALONE_CSP
    return Response(export.render(record, template_engine.engine), media_type=export.media_type, headers=headers)


@page(RECORD + "/files/{file:str}", name="room_record_file", access=MEMBER)
def record_file(
    request: Request[Any, Any, Any], db: Db, user: Me, group: FromPath[str], meeting_id: Id, file: FromPath[str]
) -> Response[bytes]:
    """``summary.md``, ``summary.html`` or ``summary.pdf``: a published summary, downloaded."""
    record = records.read_record(db, user, group, meeting_id)
    if record.published_at is None:
        raise NotFound(_("The summary of proceedings of this meeting is not published yet."))
    return _download(request, record, file)


@page("/p/{group:str}/{document:str}/meetings/{meeting_id:int}/{file:str}", name="public_record_file", access=PUBLIC)
def public_record_file(
    request: Request[Any, Any, Any],
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    meeting_id: Id,
    file: FromPath[str],
) -> Response[bytes]:
    """A published summary of a meeting on a published text, for anyone."""
    return _download(request, records.public_record(db, group, document, meeting_id), file)


RECORD_ROUTES = [
    record_page,
    record_edit,
    record_save,
    record_preview,
    record_generate,
    record_publish,
    record_file,
    public_record_file,
]
