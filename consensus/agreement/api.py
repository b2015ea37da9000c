"""Agreement in the JSON API: stating positions, marking clauses agreed, and where agreement stands."""

from __future__ import annotations

from litestar.params import FromPath, JSONBody

from consensus.agreement import services as agreement
from consensus.api.paths import CLAUSE, DOCUMENT
from consensus.api.schemas import (
    AgreementClauseOut,
    AgreementOut,
    ClausesStatusIn,
    ClausesStatusOut,
    ClauseStatusIn,
    ClauseStatusOut,
    PositionIn,
    PositionOut,
)
from consensus.web.access import MEMBER
from consensus.web.deps import Db, Me
from consensus.web.routing import action, read, replace


@replace(f"{CLAUSE}/position", name="api_position", access=MEMBER, tags=["agreement"])
def clause_position(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], number: FromPath[str], data: JSONBody[PositionIn]
) -> PositionOut:
    """The head of a delegation states its position on a clause of the latest version."""
    position_id = agreement.state_position(db, user, group, document, number, data.position, data.text)
    return PositionOut(position_id, data.position)


@replace(f"{DOCUMENT}/position", name="api_document_position", access=MEMBER, tags=["agreement"])
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


@action(f"{DOCUMENT}/clauses/status", name="api_clauses_status", access=MEMBER, tags=["agreement"], status_code=200)
def clauses_status(
    db: Db, user: Me, group: FromPath[str], document: FromPath[str], data: JSONBody[ClausesStatusIn]
) -> ClausesStatusOut:
    """The chair marks several clauses agreed ad referendum (or reopens them) at once: every one of
    them, or none when any one is refused (the refusal names them)."""
    changed = agreement.set_clauses_status(db, user, group, document, data.clauses, data.status)
    return ClausesStatusOut([ClauseStatusOut(number, status) for number, status in changed])


@read(f"{DOCUMENT}/agreement", name="api_agreement", access=MEMBER, tags=["agreement"])
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


AGREEMENT_API_ROUTES = [clause_position, document_position, clause_status, clauses_status, agreement_state]
