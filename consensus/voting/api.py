"""Rounds in the JSON API: preparing, running and reading rounds, and casting ballots; the same
services as the round pages (which wake live pages themselves, once their transaction commits)."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody
from sqlmodel import Session

from consensus.accounts.identity import CurrentUser
from consensus.api.paths import GROUP, ROUND
from consensus.api.schemas import BallotIn, BallotOut, CustomRuleIn, OptionOut, RoundIn, RoundOut
from consensus.voting import services as voting
from consensus.web.access import MEMBER, SIGNED_IN
from consensus.web.deps import Db, Id, Me
from consensus.web.routing import action, read, replace
from consensus.web.templating import interface_words


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
        alternatives=view.alternatives,
        options=[OptionOut(o.choice, o.letter, o.text) for o in view.options] if view.alternatives else None,
        meeting=view.meeting_id,
        quorum_base=view.quorum_base,
    )


def _round_input(data: RoundIn) -> voting.RoundInput:
    custom = data.rule if isinstance(data.rule, CustomRuleIn) else None
    return voting.RoundInput(
        document=data.document,
        title=data.title,
        rule="custom" if custom else str(data.rule),
        threshold=custom.threshold if custom else "",
        comparison=custom.comparison if custom else ">=",
        base=custom.base if custom else "cast",
        weighted=custom.weighted if custom else data.weighted,
        quorum=data.quorum or "0",
        secret=data.secret,
        clause=data.clause,
        amendment=data.amendment,
        closes_at=data.closes_at,
        alternatives=data.alternatives,
        meeting=data.meeting,
        quorum_base=data.quorum_base,
    )


@action(f"{GROUP}/rounds", name="api_round_create", access=MEMBER, tags=["rounds"], status_code=201)
def round_create(db: Db, user: Me, group: FromPath[str], data: JSONBody[RoundIn]) -> RoundOut:
    """The chair prepares a round (a draft) on a version, a clause or an amendment. An options round
    puts one set of a clause's alternatives to the delegations: ``"rule": "most_support"`` or
    ``"consensus_on_one"``, ``"clause"`` and ``"alternatives": <set index, from 1>`` (and
    ``"weighted": true`` for most support by weight); its ballots are ``option:1``, ``option:2``, …
    or ``none``, it is never secret, and its result names the ``winner``."""
    round_id = voting.create_round(db, user, group, _round_input(data))
    return _round_out(voting.read_round(db, user, group, round_id))


@read(ROUND, name="api_round", access=SIGNED_IN, tags=["rounds"])
def round_detail(db: Db, user: Me, round_id: Id) -> RoundOut:
    """A round with its status and, once closed, its stored result (weights as decimal strings)."""
    group = voting.group_of_round(db, user, round_id)
    return _round_out(voting.read_round(db, user, group, round_id))


def _round_action(db: Session, user: CurrentUser, round_id: int, act: voting.RoundAction) -> RoundOut:
    group = voting.group_of_round(db, user, round_id)
    act(db, user, group, round_id)
    return _round_out(voting.read_round(db, user, group, round_id))


@action(f"{ROUND}/open", name="api_round_open", access=SIGNED_IN, tags=["rounds"], status_code=200)
def round_open(db: Db, user: Me, round_id: Id) -> RoundOut:
    """Open a draft round (chair): the electorate is frozen."""
    return _round_action(db, user, round_id, voting.open_round)


@action(f"{ROUND}/close", name="api_round_close", access=SIGNED_IN, tags=["rounds"], status_code=200)
def round_close(db: Db, user: Me, round_id: Id) -> RoundOut:
    """Close an open round (chair): the result is taken and stored with its reason."""
    return _round_action(db, user, round_id, voting.close_round)


@action(f"{ROUND}/cancel", name="api_round_cancel", access=SIGNED_IN, tags=["rounds"], status_code=200)
def round_cancel(db: Db, user: Me, round_id: Id) -> RoundOut:
    """Cancel a draft or open round (chair)."""
    return _round_action(db, user, round_id, voting.cancel_round)


@replace(f"{ROUND}/ballot", name="api_ballot", access=SIGNED_IN, tags=["rounds"])
def ballot(db: Db, user: Me, round_id: Id, data: JSONBody[BallotIn]) -> BallotOut:
    """Cast or change your delegation's ballot (heads of eligible delegations; the same ballot twice
    is harmless). In a secret round, keep ``change_key`` to change the ballot later."""
    group = voting.group_of_round(db, user, round_id)
    receipt = voting.cast_ballot(db, user, group, round_id, data.choice, data.explanation, data.change_key)
    return BallotOut(receipt.receipt, receipt.choice, receipt.changed, receipt.change_key)


VOTING_API_ROUTES: list[HTTPRouteHandler] = [
    round_create,
    round_detail,
    round_open,
    round_close,
    round_cancel,
    ballot,
]
