"""The amendments of the JSON API: proposing, listing, reading, deciding and reopening them."""

from __future__ import annotations

from litestar.params import FromPath, FromQuery, JSONBody

from consensus.amendments import services as amendments
from consensus.api.paths import AMENDMENT, CLAUSE, DOCUMENT
from consensus.api.schemas import AmendmentIn, AmendmentOut, DecisionIn, ReopenIn
from consensus.web.access import MEMBER, SIGNED_IN
from consensus.web.deps import Db, Id, Me, VersionNumber
from consensus.web.routing import action, read


def _amendment_out(view: amendments.AmendmentView) -> AmendmentOut:
    return AmendmentOut(
        id=view.id,
        status=view.status,
        kind=view.kind,
        clause=view.clause_number,
        version=view.version,
        delegation=view.delegation_code,
        sponsors=[code for code, _name in view.sponsors],
        text=view.text,
        rationale=view.rationale,
        decision_reason=view.decision_reason,
    )


@action(f"{CLAUSE}/amendments", name="api_amendment_create", access=MEMBER, tags=["amendments"], status_code=201)
def amendment_create(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], number: FromPath[str], data: JSONBody[AmendmentIn]
) -> AmendmentOut:
    """Propose an amendment to a clause of the latest version, for your own delegation."""
    amendment_id = amendments.propose(
        db, user, group, document, number, amendments.AmendmentInput(data.kind, data.text, data.rationale, data.heading)
    )
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


@read(f"{DOCUMENT}/amendments", name="api_amendments", access=MEMBER, tags=["amendments"])
def amendment_list(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    status: FromQuery[str | None] = None,
    delegation: FromQuery[str | None] = None,
    clause: FromQuery[str | None] = None,
    version: VersionNumber = None,
) -> list[AmendmentOut]:
    """Amendments to a document, filtered by status, delegation, clause and version."""
    filters = amendments.AmendmentFilters(status or "", delegation or "", clause or "", version)
    return [_amendment_out(view) for view in amendments.list_amendments(db, user, group, document, filters).amendments]


@read(AMENDMENT, name="api_amendment", access=SIGNED_IN, tags=["amendments"])
def amendment_detail(db: Db, user: Me, amendment_id: Id) -> AmendmentOut:
    """One amendment (of a group you belong to)."""
    group = amendments.group_of(db, user, amendment_id)
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


@action(f"{AMENDMENT}/decision", name="api_amendment_decide", access=SIGNED_IN, tags=["amendments"], status_code=200)
def amendment_decide(db: Db, user: Me, amendment_id: Id, data: JSONBody[DecisionIn]) -> AmendmentOut:
    """The chair accepts or rejects a proposed amendment (a reason is required to reject)."""
    group = amendments.group_of(db, user, amendment_id)
    amendments.decide(db, user, group, amendment_id, data.decision, data.reason)
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


@action(f"{AMENDMENT}/reopen", name="api_amendment_reopen", access=SIGNED_IN, tags=["amendments"], status_code=200)
def amendment_reopen(db: Db, user: Me, amendment_id: Id, data: JSONBody[ReopenIn | None] = None) -> AmendmentOut:
    """The chair reopens an accepted amendment not yet consolidated: it is proposed again, to be
    decided anew (409 once consolidated or when its version is frozen)."""
    group = amendments.group_of(db, user, amendment_id)
    amendments.reopen(db, user, group, amendment_id, data.reason if data else "")
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


AMENDMENT_API_ROUTES = [amendment_create, amendment_list, amendment_detail, amendment_decide, amendment_reopen]
