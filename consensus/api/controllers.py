"""JSON endpoints: thin wrappers around the same services the pages use."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody

from consensus.api.paths import API, VERSION
from consensus.api.schemas import (
    AdoptIn,
    BallotIn,
    BallotOut,
    CustomRuleIn,
    PublicationOut,
    RoundIn,
    RoundOut,
)
from consensus.publishing import services as publishing
from consensus.voting import services as voting
from consensus.web.access import MEMBER, SIGNED_IN
from consensus.web.deps import Db, Id, Me
from consensus.web.routing import action, page, replace
from consensus.web.templating import interface_words

API_ROUTES: list[HTTPRouteHandler] = []


# --- voting --------------------------------------------------------------------------


def _round_out(view: voting.RoundView) -> RoundOut:
    return RoundOut(
        id=view.id,
        status=view.status,
        title=view.title,
        rule=view.rule.kind,
        rule_text=view.rule_text,
        quorum=view.quorum,
        secret=view.secret,
        document=view.document_slug,
        version=view.version,
        clause=view.clause_number,
        amendment=view.amendment_id,
        closes_at=view.closes_at,
        participated=view.participated if view.status != "draft" else None,
        result=view.result,
        secrecy_warning=interface_words().phrase(view.secrecy_warning) if view.secrecy_warning else None,
    )


@action(f"{API}/groups/{{group:str}}/rounds", name="api_round_create", access=MEMBER, tags=["rounds"], status_code=201)
def round_create(db: Db, user: Me, group: FromPath[str], data: JSONBody[RoundIn]) -> RoundOut:
    """The chair prepares a round (a draft) on a version, a clause or an amendment."""
    custom = data.rule if isinstance(data.rule, CustomRuleIn) else None
    round_id = voting.create_round(
        db,
        user,
        group,
        voting.RoundInput(
            document=data.document,
            title=data.title,
            rule="custom" if custom else str(data.rule),
            threshold=custom.threshold if custom else "",
            comparison=custom.comparison if custom else ">=",
            base=custom.base if custom else "cast",
            weighted=custom.weighted if custom else False,
            quorum=data.quorum or "0",
            secret=data.secret,
            clause=data.clause,
            amendment=data.amendment,
            closes_at=data.closes_at,
        ),
    )
    return _round_out(voting.read_round(db, user, group, round_id))


@page(f"{API}/rounds/{{round_id:int}}", name="api_round", access=SIGNED_IN, tags=["rounds"])
def round_detail(db: Db, user: Me, round_id: Id) -> RoundOut:
    """A round with its status and, once closed, its stored result (weights as decimal strings)."""
    group = voting.group_of_round(db, user, round_id)
    return _round_out(voting.read_round(db, user, group, round_id))


def _round_action(request: Request[Any, Any, Any], db: Db, user: Me, round_id: int, act: Any) -> RoundOut:
    group = voting.group_of_round(db, user, round_id)
    act(db, user, group, round_id)
    return _round_out(voting.read_round(db, user, group, round_id))


@action(
    f"{API}/rounds/{{round_id:int}}/open", name="api_round_open", access=SIGNED_IN, tags=["rounds"], status_code=200
)
def round_open(request: Request[Any, Any, Any], db: Db, user: Me, round_id: Id) -> RoundOut:
    """Open a draft round (chair): the electorate is frozen."""
    return _round_action(request, db, user, round_id, voting.open_round)


@action(
    f"{API}/rounds/{{round_id:int}}/close", name="api_round_close", access=SIGNED_IN, tags=["rounds"], status_code=200
)
def round_close(request: Request[Any, Any, Any], db: Db, user: Me, round_id: Id) -> RoundOut:
    """Close an open round (chair): the result is taken and stored with its reason."""
    return _round_action(request, db, user, round_id, voting.close_round)


@action(
    f"{API}/rounds/{{round_id:int}}/cancel", name="api_round_cancel", access=SIGNED_IN, tags=["rounds"], status_code=200
)
def round_cancel(request: Request[Any, Any, Any], db: Db, user: Me, round_id: Id) -> RoundOut:
    """Cancel a draft or open round (chair)."""
    return _round_action(request, db, user, round_id, voting.cancel_round)


@replace(f"{API}/rounds/{{round_id:int}}/ballot", name="api_ballot", access=SIGNED_IN, tags=["rounds"])
def ballot(request: Request[Any, Any, Any], db: Db, user: Me, round_id: Id, data: JSONBody[BallotIn]) -> BallotOut:
    """Cast or change your delegation's ballot (heads of eligible delegations; the same ballot twice
    is harmless). In a secret round, keep ``change_key`` to change the ballot later."""
    group = voting.group_of_round(db, user, round_id)
    receipt = voting.cast_ballot(db, user, group, round_id, data.choice, data.explanation, data.change_key)
    return BallotOut(receipt.receipt, receipt.choice, receipt.changed, receipt.change_key)


API_ROUTES += [
    round_create,
    round_detail,
    round_open,
    round_close,
    round_cancel,
    ballot,
]


# --- adoption and publication ---------------------------------------------------------------------------


@action(f"{VERSION}/adopt", name="api_adopt", access=MEMBER, tags=["publication"], status_code=200)
def adopt(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], version: Id, data: JSONBody[AdoptIn]
) -> Response[Any]:
    """Record the adoption of a version (chair or secretariat): by a passed round on the whole text,
    or by consensus declared by the chair. 409 names open clauses and undecided amendments unless the
    chair overrides with ``override_reason``."""
    try:
        publishing.adopt(db, user, group, document, version, data.round, data.override_reason)
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


API_ROUTES += [adopt, publish]
