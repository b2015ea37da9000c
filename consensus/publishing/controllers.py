"""The public section (no account): published texts and their downloads; adopting and publishing."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.params import FromPath
from litestar.response import Redirect, Template

from consensus import i18n
from consensus.errors import NotFound
from consensus.i18n import _
from consensus.models import Role
from consensus.publishing import formats, renders, services
from consensus.room.files import RECORD_FORMATS
from consensus.room.record import published_records
from consensus.web.access import PUBLIC, roles
from consensus.web.caching import RevalidatedTemplate, is_fresh, not_modified
from consensus.web.deps import AppSettings, Db, Id, Me
from consensus.web.forms import FormData, field, form_id
from consensus.web.routing import action, page

PUBLIC_CACHE = "public, max-age=3600"
"""Downloads: the same bytes for everyone (made in the document's language, English); a published
version is frozen, and after an hour a reader's copy is revalidated by its ETag."""
PAGE_CACHE = {"Cache-Control": "private, max-age=300", "Vary": "Accept-Language, Cookie"}
"""Public pages: the interface around the text follows the reader's language, and forms carry a
token; each page carries the ETag of its bytes."""
STANDALONE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
FILE = re.compile(rf"^v(?P<version>[1-9][0-9]{{0,6}})(?:\.(?P<format>{formats.SUFFIX_PATTERN}))?$")
"""``v{n}``: the page of version n; ``v{n}.{suffix}``: its download in one of ``formats.EXPORTS``."""


@page("/p/{group:str}", name="public_group", access=PUBLIC)
def public_group(db: Db, group: FromPath[str]) -> Template:
    """The texts a group has published."""
    name, documents = services.published_list(db, group)
    return RevalidatedTemplate(
        "public/list.html",
        context={"group_slug": group, "group_name": name, "documents": documents},
        headers=PAGE_CACHE,
    )


@page("/p/{group:str}/checkpoints.json", name="public_checkpoints", access=PUBLIC)
def public_checkpoints(db: Db, group: FromPath[str]) -> Response[Any]:
    """The audit checkpoints shown with a group's public texts, as `consensus audit verify
    --checkpoints` reads them: a list of {"seq", "hash"}, with what each marks and the signature of
    its event by the audit key (``/audit-key.pem``)."""
    found = services.published_checkpoints(db, group)
    body = [
        {
            "seq": c.seq,
            "hash": c.hash,
            "signature": c.signature,
            "what": c.what,
            "document": c.document,
            "version": c.version,
            "round": c.round,
            "at": c.at.isoformat() if c.at else None,
        }
        for c in found
    ]
    return Response(body, media_type="application/json", headers={"Cache-Control": "public, max-age=300"})


@page("/audit-key.pem", name="audit_key", access=PUBLIC)
def audit_key(request: Request[Any, Any, Any]) -> Response[str]:
    """The public part of the key that signs the audit chain (PEM), to check events and checkpoints."""
    return Response(
        request.app.state.audit_public_key,
        media_type="application/x-pem-file",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@page("/p/{group:str}/{document:str}", name="public_document", access=PUBLIC)
def public_document(db: Db, group: FromPath[str], document: FromPath[str]) -> Template:
    """The newest published version of a text, with its record and downloads."""
    return _text_page(services.published_text(db, group, document), published_records(db, group, document))


def _text_page(text: services.PublishedText, records: list[Any]) -> Template:
    """The page of a published version, with its downloads (one per export format) and the published
    summaries of the meetings that took it up."""
    return RevalidatedTemplate(
        "public/text.html",
        context={"text": text, "exports": formats.EXPORTS, "records": records, "record_formats": RECORD_FORMATS},
        headers=PAGE_CACHE,
    )


@page("/p/{group:str}/{document:str}/{file:str}", name="public_file", access=PUBLIC)
def public_file(
    request: Request[Any, Any, Any],
    db: Db,
    settings: AppSettings,
    group: FromPath[str],
    document: FromPath[str],
    file: FromPath[str],
) -> Response[Any]:
    """``v{n}`` is the page of one published version; ``v{n}.{format}`` downloads it. A download
    carries an ETag naming its content (a 304 to a reader who has it); a PDF is rendered once and
    then read from the data folder."""
    match = FILE.match(file)
    if match is None:
        raise NotFound(_("There is no published text at this address."))
    if match["format"] is None:
        text = services.published_text(db, group, document, int(match["version"]))
        return _text_page(text, published_records(db, group, document))
    export = formats.BY_SUFFIX[match["format"]]
    fmt = export.suffix
    with i18n.use(i18n.DEFAULT_LANGUAGE):
        # Read in the download's language too: the record's phrases ("clause 3.2") are part of it.
        text = services.published_text(db, group, document, int(match["version"]))
        headers = {
            "Content-Disposition": f'attachment; filename="{text.file_stem}.{fmt}"',
            "Cache-Control": PUBLIC_CACHE,
            "Content-Language": text.language,
            "ETag": renders.etag(text, fmt),
        }
        if export.media_type == "text/html":
            headers["Content-Security-Policy"] = STANDALONE_CSP
        if is_fresh(request, headers["ETag"]):
            return not_modified(headers)
        template_engine = request.app.template_engine
        assert template_engine is not None, "the app is made with its templates"
        body = renders.download(text, fmt, template_engine.engine, settings.data_dir / "renders")
    return Response(body, media_type=export.media_type, headers=headers)


VERSION = "/groups/{group:str}/documents/{document:str}/versions/{version:int}"


@action(VERSION + "/adopt", name="version_adopt", access=roles(Role.chair, Role.secretariat))
def version_adopt(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
    data: FormData,
) -> Response[Any]:
    """Record the adoption of the version (by a passed round, or by consensus declared by the chair)."""
    services.adopt(
        db,
        user,
        group,
        document,
        version,
        form_id(data, "round"),
        field(data, "override_reason") or None,
        field(data, "title") or None,
    )
    url = request.app.route_reverse("versions", group=group, document=document)
    return Redirect(f"{url}?adopted={version}", status_code=303)


@action(VERSION + "/publish", name="version_publish", access=roles(Role.secretariat))
def version_publish(
    request: Request[Any, Any, Any],
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Id,
) -> Response[Any]:
    """Publish the adopted version in the public section."""
    services.publish(db, user, group, document, version)
    return Redirect(
        request.app.route_reverse("public_file", group=group, document=document, file=f"v{version}"), status_code=303
    )


PUBLISHING_ROUTES = [
    public_group,
    public_checkpoints,
    audit_key,
    public_document,
    public_file,
    version_adopt,
    version_publish,
]
