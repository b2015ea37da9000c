"""JSON endpoints: thin wrappers around the same services the pages use."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import MediaType, Request, Response
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from consensus.agreement import services as agreement
from consensus.amendments import services as amendments
from consensus.api.paths import API, CLAUSE, VERSION
from consensus.api.schemas import (
    AdoptIn,
    AgreementClauseOut,
    AgreementOut,
    AmendmentIn,
    AmendmentOut,
    BallotIn,
    BallotOut,
    ClauseChangeOut,
    ClauseOut,
    ClauseStatusIn,
    ClauseStatusOut,
    CommentIn,
    CommentOut,
    ComparisonOut,
    ConflictOut,
    ConsolidateIn,
    Created,
    CustomRuleIn,
    DecisionIn,
    DocumentOut,
    PositionIn,
    PositionOut,
    PublicationOut,
    ReopenIn,
    RoundIn,
    RoundOut,
    SegmentOut,
    VersionCreated,
)
from consensus.comments import services as comments
from consensus.documents import services as documents
from consensus.documents import versions
from consensus.publishing import services as publishing
from consensus.voting import services as voting
from consensus.web.access import MEMBER, SIGNED_IN
from consensus.web.deps import MAX_ID, Db, Id, Me, VersionNumber
from consensus.web.routing import action, page, replace
from consensus.web.templating import interface_words


@page(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}",
    name="api_document",
    access=MEMBER,
    tags=["documents"],
)
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


API_ROUTES = [document_detail]


# --- deliberation ----------------------------------------------------------------------------------


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


@page(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}/comments",
    name="api_comments",
    access=MEMBER,
    tags=["comments"],
)
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


@page(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}/amendments",
    name="api_amendments",
    access=MEMBER,
    tags=["amendments"],
)
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
    return [_amendment_out(view) for view in amendments.list_amendments(db, user, group, document, filters)[1]]


@page(f"{API}/amendments/{{amendment_id:int}}", name="api_amendment", access=SIGNED_IN, tags=["amendments"])
def amendment_detail(db: Db, user: Me, amendment_id: Id) -> AmendmentOut:
    """One amendment (of a group you belong to)."""
    group = amendments.group_of(db, user, amendment_id)
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


@action(
    f"{API}/amendments/{{amendment_id:int}}/decision",
    name="api_amendment_decide",
    access=SIGNED_IN,
    tags=["amendments"],
    status_code=200,
)
def amendment_decide(db: Db, user: Me, amendment_id: Id, data: JSONBody[DecisionIn]) -> AmendmentOut:
    """The chair accepts or rejects a proposed amendment (a reason is required to reject)."""
    group = amendments.group_of(db, user, amendment_id)
    amendments.decide(db, user, group, amendment_id, data.decision, data.reason)
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


@action(
    f"{API}/amendments/{{amendment_id:int}}/reopen",
    name="api_amendment_reopen",
    access=SIGNED_IN,
    tags=["amendments"],
    status_code=200,
)
def amendment_reopen(db: Db, user: Me, amendment_id: Id, data: JSONBody[ReopenIn | None] = None) -> AmendmentOut:
    """The chair reopens an accepted amendment not yet consolidated: it is proposed again, to be
    decided anew (409 once consolidated or when its version is frozen)."""
    group = amendments.group_of(db, user, amendment_id)
    amendments.reopen(db, user, group, amendment_id, data.reason if data else "")
    return _amendment_out(amendments.read_amendment(db, user, group, amendment_id))


@action(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}/versions",
    name="api_consolidate",
    access=MEMBER,
    tags=["documents"],
    status_code=201,
)
def consolidate(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: JSONBody[ConsolidateIn | None] = None
) -> Response[Any]:
    """The secretariat builds the next version from the accepted amendments; 409 names every conflict."""
    try:
        number = versions.consolidate_version(db, user, group, document, data.note if data else "")
    except versions.ConsolidationConflicts as refused:
        body = {
            "status_code": 409,
            "detail": refused.message,
            "conflicts": [ConflictOut(c.first, c.second, c.clause, c.reason, str(c)) for c in refused.conflicts],
        }
        return Response(body, status_code=409, media_type=MediaType.JSON)
    return Response(VersionCreated(number), status_code=201)


@page(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}/compare",
    name="api_compare",
    access=MEMBER,
    tags=["documents"],
)
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


API_ROUTES += [
    comment_create,
    comment_list,
    amendment_create,
    amendment_list,
    amendment_detail,
    amendment_decide,
    amendment_reopen,
    consolidate,
    compare,
]


# --- agreement and voting --------------------------------------------------------------------------


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
    request.app.state.watcher.notify(round_id)
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
    request.app.state.watcher.notify(round_id)
    return BallotOut(receipt.receipt, receipt.choice, receipt.changed, receipt.change_key)


@replace(f"{CLAUSE}/position", name="api_position", access=MEMBER, tags=["agreement"])
def clause_position(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], number: FromPath[str], data: JSONBody[PositionIn]
) -> PositionOut:
    """The head of a delegation states its position on a clause of the latest version."""
    position_id = agreement.state_position(db, user, group, document, number, data.position, data.text)
    return PositionOut(position_id, data.position)


@replace(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}/position",
    name="api_document_position",
    access=MEMBER,
    tags=["agreement"],
)
def document_position(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: JSONBody[PositionIn]
) -> PositionOut:
    """The head of a delegation states its position on the whole document."""
    position_id = agreement.state_position(db, user, group, document, None, data.position, data.text)
    return PositionOut(position_id, data.position)


@replace(f"{CLAUSE}/status", name="api_clause_status", access=MEMBER, tags=["agreement"])
def clause_status(
    db: Db,
    user: Me,
    group: FromPath[str],
    document: FromPath[str],
    number: FromPath[str],
    data: JSONBody[ClauseStatusIn],
) -> ClauseStatusOut:
    """The chair marks a clause agreed ad referendum, or reopens it."""
    return ClauseStatusOut(number, agreement.set_clause_status(db, user, group, document, number, data.status))


@page(
    f"{API}/groups/{{group:str}}/documents/{{document:str}}/agreement",
    name="api_agreement",
    access=MEMBER,
    tags=["agreement"],
)
def agreement_state(db: Db, group: FromPath[str], document: FromPath[str]) -> AgreementOut:
    """Every delegation's latest position on every clause of the latest version (and stale ones)."""
    matrix = agreement.agreement_matrix(db, group, document)
    return AgreementOut(
        document=document,
        version=matrix.version.number,
        whole={row.code: row.cells[""].position for row in matrix.rows if "" in row.cells},
        clauses=[
            AgreementClauseOut(
                number=c.number,
                status=c.status,
                positions={row.code: row.cells[c.lineage].position for row in matrix.rows if c.lineage in row.cells},
                stale=[row.code for row in matrix.rows if c.lineage in row.cells and row.cells[c.lineage].stale],
            )
            for c in matrix.clauses
        ],
    )


API_ROUTES += [
    round_create,
    round_detail,
    round_open,
    round_close,
    round_cancel,
    ballot,
    clause_position,
    document_position,
    clause_status,
    agreement_state,
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
