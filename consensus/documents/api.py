"""The documents of the JSON API: a version with its clauses, consolidation, and comparison."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import MediaType, Response
from litestar.params import FromPath, JSONBody, QueryParameter

from consensus.api.paths import DOCUMENT
from consensus.api.schemas import (
    ClauseChangeOut,
    ClauseOut,
    ComparisonOut,
    ConflictOut,
    ConsolidateIn,
    DocumentOut,
    SegmentOut,
    VersionCreated,
)
from consensus.documents import services as documents
from consensus.documents import versions
from consensus.web.access import MEMBER
from consensus.web.deps import MAX_ID, Db, Me, VersionNumber
from consensus.web.routing import action, read


@read(DOCUMENT, name="api_document", access=MEMBER, tags=["documents"])
def document_detail(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    version: VersionNumber = None,
) -> DocumentOut:
    """A document at one version (the latest by default) with its clauses in order."""
    view = documents.read_document(db, group, document, version)
    return DocumentOut(
        slug=view.slug,
        title=view.title,
        status=view.status,
        version=view.version,
        clauses=[ClauseOut(c.number, c.heading, c.text, c.status) for c in view.clauses],
        language=view.language,
    )


@action(f"{DOCUMENT}/versions", name="api_consolidate", access=MEMBER, tags=["documents"], status_code=201)
def consolidate(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: JSONBody[ConsolidateIn | None] = None
) -> Response[Any]:
    """The secretariat builds the next version from the accepted amendments; 409 names every conflict."""
    try:
        number = versions.consolidate_version(db, user, group, document, data.note if data else "")
    except versions.ConsolidationRefused as refused:
        body = {
            "status_code": 409,
            "detail": refused.message,
            "conflicts": [ConflictOut(c.first, c.second, c.clause, c.reason, str(c)) for c in refused.clashes],
        }
        return Response(body, status_code=409, media_type=MediaType.JSON)
    return Response(VersionCreated(number), status_code=201)


@read(f"{DOCUMENT}/compare", name="api_compare", access=MEMBER, tags=["documents"])
def compare(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    old: Annotated[int, QueryParameter(name="from", ge=1, le=MAX_ID)],
    new: Annotated[int, QueryParameter(name="to", ge=1, le=MAX_ID)],
) -> ComparisonOut:
    """Two versions clause by clause, matched by lineage: word diffs, moves, renumbering."""
    result = versions.compare_versions(db, group, document, old, new)
    return ComparisonOut(
        document=document,
        from_version=result.old.number,
        to_version=result.new.number,
        changes=[
            ClauseChangeOut(
                lineage=c.lineage,
                change=c.change,
                old_number=c.old_number,
                new_number=c.new_number,
                renumbered=c.renumbered,
                moved=c.moved,
                old_heading=c.old_heading,
                new_heading=c.new_heading,
                diff=[SegmentOut(s.op, s.text) for s in c.text.segments] if c.text else None,
            )
            for c in result.comparison.changes
        ],
    )


DOCUMENT_API_ROUTES = [document_detail, consolidate, compare]
