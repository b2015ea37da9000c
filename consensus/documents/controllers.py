"""The document page: a version of a draft, clause by clause."""

from __future__ import annotations

from typing import Annotated

from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from consensus.documents import services as documents
from consensus.web.access import MEMBER
from consensus.web.deps import Db, Me
from consensus.web.routing import page


@page("/groups/{group:str}/documents/{document:str}", name="document", access=MEMBER)
def document_page(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    version: Annotated[int | None, QueryParameter(ge=1, description="Version number; the latest by default")] = None,
) -> Template:
    """Title, version, status and every clause with a stable anchor."""
    return Template(
        "documents/document.html",
        context={
            "document": documents.read_document(db, group, document, version),
            "membership": user.membership(group),
        },
    )


DOCUMENT_ROUTES = [document_page]
