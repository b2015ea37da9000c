"""What the room sees of a meeting: the item under discussion, its clauses with their brackets and
alternatives, who has the floor and who is next, and the round open on it (the projector); and what
the chair runs it with (the console: the agenda, the positions on each clause)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.agreement import services as agreement
from consensus.audit import services as audit
from consensus.core.alternatives import AlternativeSet, find_alternatives
from consensus.core.chart import panels
from consensus.db import utcnow, write_transaction
from consensus.lookups import VersionRef, meeting_in_group, version_in_group
from consensus.models import (
    AgendaItem,
    Clause,
    Delegation,
    Document,
    Meeting,
    Round,
    RoundStatus,
    Speaker,
    SpeakerStatus,
)
from consensus.room.record import clause_range
from consensus.speakers.live import OBJECT_TYPE, announce_meeting
from consensus.voting import services as voting

NEXT_SHOWN = 3
"""How many of the waiting speakers the projector names."""


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of a clause's text; ``bracketed`` when it is inside a set of alternatives."""

    text: str
    bracketed: bool


@dataclass(frozen=True, slots=True)
class ClauseOnScreen:
    """A clause under discussion, in the current version's words."""

    id: int
    number: str
    heading: str
    text: str
    status: str
    lineage: str
    passages: tuple[Passage, ...]
    alternatives: tuple[AlternativeSet, ...]
    positions: agreement.ClausePositions | None = None
    """Where the delegations stand on it (the console only)."""


@dataclass(frozen=True, slots=True)
class OnTheList:
    """A delegation on the list of speakers."""

    id: int
    code: str
    name: str
    kind: str
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Floor:
    """Who has the floor on the item, since when, with what limit, and who waits."""

    speaking: OnTheList | None
    waiting: list[OnTheList]
    limit: int | None
    now: datetime

    @property
    def next(self) -> list[OnTheList]:
        return self.waiting[:NEXT_SHOWN]

    @property
    def elapsed(self) -> int:
        started = self.speaking.started_at if self.speaking else None
        return max(0, int((self.now - started).total_seconds())) if started else 0

    @property
    def remaining(self) -> int | None:
        """Seconds left of the speaking time (negative once over), or None without a limit."""
        return None if self.limit is None or self.speaking is None else self.limit - self.elapsed


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    id: int
    position: int
    title: str
    status: str


@dataclass(slots=True)
class RoomView:
    """A meeting as the room's screen and the chair's console show it."""

    group_slug: str
    meeting_id: int
    title: str
    status: str
    agenda: list[AgendaEntry]
    current: AgendaEntry | None
    version: VersionRef | None = None
    clauses: list[ClauseOnScreen] = field(default_factory=list)
    floor: Floor | None = None
    round: voting.RoundView | None = None
    chart: Any = None

    @property
    def clause(self) -> ClauseOnScreen | None:
        """The clause a round or a gavel would be on: the item's first."""
        return self.clauses[0] if self.clauses else None


def passages(text: str, sets: tuple[AlternativeSet, ...]) -> tuple[Passage, ...]:
    """The clause's text cut where its sets of alternatives start and end."""
    cut: list[Passage] = []
    at = 0
    for found in sorted(sets, key=lambda s: s.start):
        if found.start < at:
            continue
        if found.start > at:
            cut.append(Passage(text[at : found.start], False))
        cut.append(Passage(text[found.start : found.end], True))
        at = found.end
    if at < len(text):
        cut.append(Passage(text[at:], False))
    return tuple(cut)


def _agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.execute(
            select(AgendaItem).where(col(AgendaItem.meeting_id) == meeting_id).order_by(col(AgendaItem.position))
        ).scalars()
    )


def _entry(item: AgendaItem) -> AgendaEntry:
    assert item.id is not None
    return AgendaEntry(item.id, item.position, item.title, item.status)


def _clauses(session: Session, group_slug: str, item: AgendaItem) -> tuple[VersionRef | None, list[ClauseOnScreen]]:
    """The item's document (newest version) and its clause or range, in that version's words."""
    if item.document_id is None:
        return None, []
    slug = session.execute(select(col(Document.slug)).where(col(Document.id) == item.document_id)).scalar_one()
    ref = version_in_group(session, group_slug, slug)
    rows = list(
        session.execute(
            select(Clause).where(col(Clause.version_id) == ref.version_id).order_by(col(Clause.position))
        ).scalars()
    )
    chosen = {
        lineage
        for lineage, _ in clause_range(
            [(r.lineage, r.number) for r in rows], item.clause_lineage, item.last_clause_lineage
        )
    }
    shown = []
    for row in rows:
        if row.lineage not in chosen or row.id is None:
            continue
        sets = find_alternatives(row.text)
        shown.append(
            ClauseOnScreen(
                row.id, row.number, row.heading, row.text, row.status, row.lineage, passages(row.text, sets), sets
            )
        )
    return ref, shown


def _floor(session: Session, item: AgendaItem) -> Floor:
    rows = session.execute(
        select(Speaker, col(Delegation.code), col(Delegation.name))
        .join(Delegation, col(Delegation.id) == col(Speaker.delegation_id))
        .where(
            col(Speaker.item_id) == item.id,
            col(Speaker.status).in_([SpeakerStatus.waiting.value, SpeakerStatus.speaking.value]),
        )
        .order_by(col(Speaker.position), col(Speaker.id))
    ).all()
    speaking, waiting = None, []
    for row, code, name in rows:
        assert row.id is not None
        entry = OnTheList(row.id, code, name, row.kind, row.started_at)
        if row.status == SpeakerStatus.speaking.value:
            speaking = entry
        else:
            waiting.append(entry)
    return Floor(speaking, waiting, item.speaking_limit, utcnow())


def _round_of(session: Session, meeting_id: int, item: AgendaItem, clauses: list[ClauseOnScreen]) -> int | None:
    """The round to show with the item: one open on it (held at this meeting on one of its clauses,
    or the round the item points to), else the round the item points to."""
    clause_ids = [c.id for c in clauses]
    conditions = col(Round.id) == item.round_id if item.round_id else None
    if clause_ids:
        on_clauses = (col(Round.meeting_id) == meeting_id) & col(Round.clause_id).in_(clause_ids)
        conditions = on_clauses if conditions is None else (conditions | on_clauses)
    if conditions is None:
        return None
    found = session.execute(
        select(col(Round.id))
        .where(conditions, col(Round.status) == RoundStatus.open.value)
        .order_by(col(Round.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    return found if found is not None else item.round_id


def read_room(
    session: Session, user: CurrentUser, group_slug: str, meeting_id: int, *, positions: bool = False
) -> RoomView:
    """The meeting as the room sees it now (a fixed number of queries, whatever the length of the
    agenda, of the list of speakers or of the range of clauses); with ``positions``, where the
    delegations stand on each clause under discussion (the console)."""
    user.member_of(group_slug)
    meeting: Meeting = meeting_in_group(session, group_slug, meeting_id)
    items = _agenda(session, meeting_id)
    current = next((i for i in items if i.status == "current"), None)
    view = RoomView(group_slug, meeting_id, meeting.title, meeting.status, [_entry(i) for i in items], None)
    if current is None:
        return view
    view.current = _entry(current)
    view.version, view.clauses = _clauses(session, group_slug, current)
    if positions and view.version is not None and view.clauses:
        standing = agreement.positions_on(session, view.version, {c.lineage: c.text for c in view.clauses})
        view.clauses = [replace(c, positions=standing.get(c.lineage)) for c in view.clauses]
    view.floor = _floor(session, current)
    round_id = _round_of(session, meeting_id, current, view.clauses)
    if round_id is not None:
        view.round = voting.read_round(session, user, group_slug, round_id)
        view.chart = panels(view.round.result, view.round.rule.choices) if view.round.result else None
    return view


def gavel(
    session: Session, user: CurrentUser, group_slug: str, meeting_id: int, document_slug: str, number: str, status: str
) -> str:
    """The chair, at the console, marks a clause under discussion agreed ad referendum (or reopens
    it): the agreement area's change, and in the same transaction a change of the meeting, so that
    its live pages (the projector first) show the new status at once."""
    with write_transaction(session):
        status, changed = agreement.change_clause_status(session, user, group_slug, document_slug, number, status)
        if changed:
            meeting = meeting_in_group(session, group_slug, meeting_id)
            audit.record(
                session,
                user.actor(group_slug),
                "meeting.gavel",
                OBJECT_TYPE,
                meeting_id,
                group_id=meeting.group_id,
                details={"document": document_slug, "clause": number, "to": status},
            )
            announce_meeting(session, meeting_id)
    return status
