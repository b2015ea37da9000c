"""Adoption and publication in the JSON API: the same services as the versions page's forms."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Response
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody

from consensus.api.paths import VERSION
from consensus.api.schemas import AdoptIn, PublicationOut
from consensus.publishing import services as publishing
from consensus.web.access import MEMBER
from consensus.web.deps import Db, Id, Me
from consensus.web.routing import action


@action(f"{VERSION}/adopt", name="api_adopt", access=MEMBER, tags=["publication"], status_code=200)
def adopt(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], version: Id, data: JSONBody[AdoptIn]
) -> Response[Any]:
    """Record the adoption of a version (chair or secretariat): by a passed round on the whole text,
    or by consensus declared by the chair. 409 names open clauses and undecided amendments unless the
    chair overrides with ``override_reason``."""
    try:
        publishing.adopt(db, user, group, document, version, data.round, data.override_reason, data.title)
    except publishing.AdoptionRefused as refused:
        body = {
            "status_code": 409,
            "detail": refused.message,
            "open_clauses": refused.open_clauses,
            "undecided_amendments": refused.undecided,
        }
        return Response(body, status_code=409, media_type=MediaType.JSON)
    return Response(PublicationOut(document, version, adopted=True, published=False), status_code=200)


@action(f"{VERSION}/publish", name="api_publish", access=MEMBER, tags=["publication"], status_code=200)
def publish(db: Db, user: Me, group: FromPath[str], document: FromPath[str], version: Id) -> PublicationOut:
    """Publish an adopted version (secretariat): it becomes readable at /p/{group}/{document}."""
    publishing.publish(db, user, group, document, version)
    return PublicationOut(document, version, adopted=True, published=True)


PUBLISHING_API_ROUTES: list[HTTPRouteHandler] = [adopt, publish]
