"""The documents of the JSON API: a version with its clauses, consolidation, and comparison."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import MediaType, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter

from consensus.api.paths import CLAUSE, DOCUMENT, GROUP
from consensus.api.schemas import (
    ClauseChangeOut,
    ClauseOut,
    ComparisonOut,
    ConflictOut,
    ConsolidateIn,
    CorrectionIn,
    CorrectionOut,
    DocumentIn,
    DocumentOut,
    SegmentOut,
    VersionCreated,
)
from consensus.core.clauses import Draft, DraftClause
from consensus.documents import corrections, intake, preparation, versions
from consensus.documents import services as documents
from consensus.models import Role
from consensus.web.access import MEMBER, roles
from consensus.web.deps import MAX_ID, Db, Me, VersionNumber
from consensus.web.forms import field
from consensus.web.routing import action, read, replace


def _document_out(view: documents.DocumentView) -> DocumentOut:
    return DocumentOut(
        slug=view.slug,
        title=view.title,
        status=view.status,
        version=view.version,
        clauses=[ClauseOut(c.number, c.heading, c.text, c.status) for c in view.clauses],
        language=view.language,
    )


@read(DOCUMENT, name="api_document", access=MEMBER, tags=["documents"])
def document_detail(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    version: VersionNumber = None,
) -> DocumentOut:
    """A document at one version (the latest by default) with its clauses in order. A document in
    preparation is found only by the secretariat and the chair (404 for everyone else)."""
    return _document_out(documents.read_document(db, group, document, version))


@action(
    f"{GROUP}/documents/import",
    name="api_document_import",
    access=roles(Role.secretariat),
    tags=["documents"],
    status_code=201,
)
def document_import(
    db: Db,
    user: Me,
    group: FromPath[str],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> DocumentOut:
    """The secretariat creates a document in preparation from a file (``file``: .docx, .odt, .md or
    .txt) or from pasted text (``text``), with its ``slug``, ``language`` and, optionally, a
    ``title`` (else the one found). 422 names the field at fault; nothing is written."""
    draft = intake.draft_from(
        intake.upload_of(data.get("file")), field(data, "text", strip=False), field(data, "title")
    )
    asked = preparation.NewDocument(field(data, "slug"), field(data, "language"), draft)
    slug = preparation.create_document(db, user, group, asked)
    return _document_out(documents.read_document(db, group, slug))


@replace(DOCUMENT, name="api_document_replace", access=roles(Role.secretariat), tags=["documents"])
def document_replace(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: JSONBody[DocumentIn]
) -> DocumentOut:
    """While the document is in preparation, the secretariat replaces its title, its clauses (in the
    order given: to move, delete or add a clause, send the list as it should be) and, when given,
    its language. 409 once it has been circulated; 422 names the field at fault
    (``clauses.2.number``)."""
    text = Draft(data.title, tuple(DraftClause(c.number, c.heading, c.text) for c in data.clauses))
    preparation.edit_document(db, user, group, document, lambda _before: text, "replace", language=data.language)
    return _document_out(documents.read_document(db, group, document))


@action(
    f"{DOCUMENT}/circulate",
    name="api_document_circulate",
    access=roles(Role.secretariat),
    tags=["documents"],
    status_code=200,
)
def document_circulate(db: Db, user: Me, group: FromPath[str], document: FromPath[str]) -> DocumentOut:
    """Circulate a document in preparation to the whole group: version 1 is frozen as it stands
    (its text then changes by amendment and consolidation). 409 if it was circulated already."""
    preparation.circulate(db, user, group, document)
    return _document_out(documents.read_document(db, group, document))


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
            "conflicts": [
                ConflictOut(c.first, c.second, c.clause, c.reason, str(c), c.parties) for c in refused.clashes
            ],
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


@action(
    f"{CLAUSE}/correction",
    name="api_clause_correct",
    access=roles(Role.secretariat),
    tags=["documents"],
    status_code=201,
)
def clause_correct(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], number: FromPath[str], data: JSONBody[CorrectionIn]
) -> CorrectionOut:
    """The secretariat corrects a typo in a clause of the latest version, in place: recorded with
    the words before and after and the reason, and shown to everyone. Refused (422) when it changes
    more than a few words, (409) on a superseded or adopted version, while a round on the clause or
    the whole text is prepared or open, or while amendments to the clause are pending."""
    done = corrections.correct_clause(db, user, group, document, number, data.text, data.reason, data.heading)
    return CorrectionOut(
        clause=done.number,
        version=done.version,
        old_heading=done.old_heading,
        new_heading=done.new_heading,
        old_text=done.old_text,
        new_text=done.new_text,
        reason=done.reason,
        corrected_by=done.corrected_by,
        corrected_at=done.corrected_at,
        words=done.words,
    )


DOCUMENT_API_ROUTES = [
    clause_correct,
    document_detail,
    document_import,
    document_replace,
    document_circulate,
    consolidate,
    compare,
]
