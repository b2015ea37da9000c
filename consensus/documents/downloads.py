"""The Word and PDF downloads of a document for its members: a comparison with tracked changes, a
clean version to edit, a version with its pending amendments (``documents.exports`` makes them)."""

from __future__ import annotations

from typing import Annotated, Any

from jinja2 import Environment
from litestar import Request, Response
from litestar.params import FromPath, QueryParameter

from consensus.documents import exports
from consensus.web.access import MEMBER
from consensus.web.deps import MAX_ID, Db, Id
from consensus.web.routing import page

DOCUMENT = "/groups/{group:str}/documents/{document:str}"
VERSION = DOCUMENT + "/versions/{version:int}"
From = Annotated[int, QueryParameter(name="from", ge=1, le=MAX_ID)]
To = Annotated[int, QueryParameter(name="to", ge=1, le=MAX_ID)]


def _send(download: exports.Download) -> Response[bytes]:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{download.filename}"',
            "Content-Language": download.language,
            "Cache-Control": "private, no-store",
        },
    )


def _templates(request: Request[Any, Any, Any]) -> Environment:
    engine = request.app.template_engine
    assert engine is not None, "the app is made with its templates"
    environment: Environment = engine.engine
    return environment


@page(DOCUMENT + "/compare.docx", name="compare_docx", access=MEMBER)
def compare_docx(db: Db, group: FromPath[str], document: FromPath[str], old: From, new: To) -> Response[bytes]:
    """The comparison of two versions as Word tracked changes, each by the delegation whose
    amendment made it (or the secretariat), dated by its decision or the consolidation."""
    return _send(exports.comparison_docx(db, group, document, old, new))


@page(DOCUMENT + "/compare.pdf", name="compare_pdf", access=MEMBER)
def compare_pdf(
    request: Request[Any, Any, Any], db: Db, group: FromPath[str], document: FromPath[str], old: From, new: To
) -> Response[bytes]:
    """The comparison for print: insertions underlined, deletions struck through, with a legend."""
    return _send(exports.comparison_pdf(db, group, document, old, new, _templates(request)))


@page(VERSION + "/text.docx", name="version_docx", access=MEMBER)
def version_docx(db: Db, group: FromPath[str], document: FromPath[str], version: Id) -> Response[bytes]:
    """A clean Word file of one version, to edit with tracked changes and send back."""
    return _send(exports.version_docx(db, group, document, version))


@page(VERSION + "/amendments.docx", name="amendments_docx", access=MEMBER)
def amendments_docx(db: Db, group: FromPath[str], document: FromPath[str], version: Id) -> Response[bytes]:
    """One version with its pending amendments as tracked changes, each with a comment."""
    return _send(exports.amendments_docx(db, group, document, version))


@page(VERSION + "/amendments.pdf", name="amendments_pdf", access=MEMBER)
def amendments_pdf(
    request: Request[Any, Any, Any], db: Db, group: FromPath[str], document: FromPath[str], version: Id
) -> Response[bytes]:
    """One version with its pending amendments, for print."""
    return _send(exports.amendments_pdf(db, group, document, version, _templates(request)))


DOWNLOAD_ROUTES = [compare_docx, compare_pdf, version_docx, amendments_docx, amendments_pdf]
