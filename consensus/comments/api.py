"""The comments of the JSON API: posting one on a clause, and the rows of the comment table."""

from __future__ import annotations

from litestar.params import FromPath, FromQuery, JSONBody

from consensus.api.paths import CLAUSE, DOCUMENT
from consensus.api.schemas import CommentIn, CommentOut, Created
from consensus.comments import services as comments
from consensus.web.access import MEMBER
from consensus.web.deps import Db, Me, VersionNumber
from consensus.web.routing import action, read


@action(f"{CLAUSE}/comments", name="api_comment_create", access=MEMBER, tags=["comments"], status_code=201)
def comment_create(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], number: FromPath[str], data: JSONBody[CommentIn]
) -> Created:
    """Comment on a clause of the latest version, for your own delegation (``reply_to`` makes a reply)."""
    comment_id = comments.post_comment(
        db,
        user,
        group,
        document,
        number,
        comments.CommentInput(data.body, data.kind, data.proposed_change, data.paragraph, data.reply_to),
    )
    return Created(comment_id)


@read(f"{DOCUMENT}/comments", name="api_comments", access=MEMBER, tags=["comments"])
def comment_list(
    db: Db,
    group: FromPath[str],
    document: FromPath[str],
    clause: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    delegation: FromQuery[str | None] = None,
    disposition: FromQuery[str | None] = None,
    version: VersionNumber = None,
) -> list[CommentOut]:
    """Top-level comments of a document (the rows of the comment table), filtered."""
    filters = comments.TableFilters(clause or "", kind or "", delegation or "", disposition or "", version)
    return [
        CommentOut(
            id=row.id,
            version=row.version,
            clause=row.clause,
            delegation=row.delegation,
            kind=row.kind,
            paragraph=row.paragraph,
            body=row.comment,
            proposed_change=row.proposed_change,
            disposition=row.disposition,
            observation=row.observation,
            reply_to=None,
            withdrawn=False,
        )
        for row in comments.table_rows(db, group, document, filters)
    ]


COMMENT_API_ROUTES = [comment_create, comment_list]
