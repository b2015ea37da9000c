"""The amendments of the JSON API: proposing, listing, reading, deciding and reopening them; the
chair's compromise texts."""

from __future__ import annotations

from litestar.params import FromPath, FromQuery, JSONBody

from consensus.amendments import services as amendments
from consensus.api.paths import AMENDMENT, CLAUSE, DOCUMENT
from consensus.api.schemas import AmendmentIn, AmendmentOut, CompromiseIn, DecisionIn, ReopenIn
from consensus.models import Role
from consensus.web.access import MEMBER, SIGNED_IN, roles
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
        compromise=view.compromise,
        superseded_by=view.superseded_by,
        supersedes=[superseded.id for superseded in view.supersedes],
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


@action(
    f"{DOCUMENT}/compromises",
    name="api_compromise_create",
    access=roles(Role.chair, Role.secretariat),
    tags=["amendments"],
    status_code=201,
)
def compromise_create(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: JSONBody[CompromiseIn]
) -> AmendmentOut:
    """The chair (or the secretariat for the chair) proposes a compromise text on a clause of the
    latest version, superseding proposed amendments on it (``supersedes``): they become
    ``superseded`` and point at it (``superseded_by``) until it is decided. Rejected or withdrawn,
    it gives them back (proposed again). 422 names the field at fault."""
    compromise_id = amendments.propose_compromise(
        db,
        user,
        group,
        document,
        data.clause,
        amendments.CompromiseInput(data.text, data.rationale, tuple(data.supersedes), data.kind, data.heading),
    )
    return _amendment_out(amendments.read_amendment(db, user, group, compromise_id))


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
    """The chair reopens a decided (accepted or rejected) amendment not yet consolidated: it is
    proposed again, to be decided anew (409 once consolidated or when its version is frozen)."""
    group = amendments.group_of(db, user, amendment_id)
    amendments.reopen(db, user, group, amendment_id, data.reason if data else "")
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


AMENDMENT_API_ROUTES = [
    amendment_create,
    compromise_create,
    amendment_list,
    amendment_detail,
    amendment_decide,
    amendment_reopen,
]
