"""The list of speakers of an agenda item: reading it, inscribing, giving the floor, reordering,
withdrawing and removing, opening and closing it, and the time each delegation spoke.

Each change is load → decide (``core.speakers``) → write, in one transaction with its audit event,
recorded on the meeting (``live.OBJECT_TYPE``): the meeting's live pages watch its newest event, and
the session's flush hook wakes them once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.audit import services as audit
from consensus.core import speakers as rules
from consensus.core.refusal import Refusal
from consensus.db import utcnow, write_transaction
from consensus.errors import Invalid, NotFound, refusal_error, refusal_text
from consensus.i18n import _
from consensus.models import AgendaItem, Delegation, Meeting, Speaker, WorkingGroup
from consensus.speakers.live import OBJECT_TYPE

UNCHANGED = object()
"""A setting left as it is (``set_list``)."""


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


@dataclass(frozen=True, slots=True)
class Place:
    """A meeting and one of its agenda items, with the group it belongs to and who asks there."""

    meeting: Meeting
    item: AgendaItem
    group_slug: str
    membership: GroupMembership

    @property
    def asker(self) -> rules.Asker:
        return rules.Asker(self.membership.role, self.membership.delegation_id)


def group_of_meeting(session: Session, user: CurrentUser, meeting_id: int) -> tuple[Meeting, str, GroupMembership]:
    """A meeting with its group's slug and the user's membership there (NotFound to non-members)."""
    found = session.execute(
        select(Meeting, col(WorkingGroup.slug))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Meeting.group_id))
        .where(col(Meeting.id) == meeting_id)
    ).first()
    membership = user.membership(found[1]) if found else None
    if found is None or membership is None:
        raise NotFound(_("There is no meeting {id}.").format(id=meeting_id))
    return found[0], found[1], membership


def item_of_meeting(session: Session, user: CurrentUser, meeting_id: int, item_id: int, *, lock: bool = False) -> Place:
    """An agenda item of a meeting the user's group holds; ``lock`` takes the item's row for the
    change of its list (one change of a list at a time)."""
    meeting, slug, membership = group_of_meeting(session, user, meeting_id)
    statement = select(AgendaItem).where(col(AgendaItem.id) == item_id, col(AgendaItem.meeting_id) == meeting_id)
    item = session.execute(statement.with_for_update() if lock else statement).scalar_one_or_none()
    if item is None:
        raise NotFound(_("There is no agenda item {item} in meeting {id}.").format(item=item_id, id=meeting_id))
    return Place(meeting, item, slug, membership)


def _facts_of_item(item: AgendaItem, meeting_status: str) -> rules.ItemFacts:
    assert item.id is not None
    return rules.ItemFacts(item.id, item.status, item.speakers_open, item.speaking_limit, meeting_status)


def _facts(row: Speaker) -> rules.SpeakerFacts:
    assert row.id is not None
    return rules.SpeakerFacts(
        row.id, row.delegation_id, row.kind, row.status, row.position, row.started_at, row.ended_at, row.seconds
    )


def _speakers(session: Session, item_ids: Sequence[int]) -> list[Speaker]:
    """Every inscription on these items, those taken off the list included (the rules pass over them)."""
    return list(
        session.execute(
            select(Speaker)
            .where(col(Speaker.item_id).in_(item_ids))
            .order_by(col(Speaker.item_id), col(Speaker.position), col(Speaker.id))
        ).scalars()
    )


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeakerView:
    """One speaker as the list shows it."""

    id: int
    code: str
    name: str
    kind: str
    status: str
    place: int | None
    """Its place among the waiting speakers, from 1 (None unless waiting)."""
    started_at: datetime | None
    ended_at: datetime | None
    seconds: int | None
    mine: bool
    """Of the reader's own delegation (they may withdraw it)."""


@dataclass(frozen=True, slots=True)
class SpokenTime:
    """The time one delegation spoke."""

    code: str
    name: str
    seconds: int


@dataclass(frozen=True, slots=True)
class ListView:
    """An agenda item's list of speakers as one reader sees it."""

    meeting_id: int
    meeting_title: str
    group_slug: str
    item_id: int
    item_title: str
    item_status: str
    speakers_open: bool
    speaking_limit: int | None
    waiting: list[SpeakerView]
    current: SpeakerView | None
    countdown: rules.Countdown | None
    done: list[SpeakerView]
    spoken: list[SpokenTime]
    runs_the_list: bool
    delegation_code: str
    """The reader's delegation (empty if none)."""
    may_inscribe: dict[str, str | None] = field(default_factory=dict)
    """For each kind of turn: None if the reader may inscribe their delegation for it now, or why not."""
    delegations: list[tuple[str, str]] = field(default_factory=list)
    """(code, name) of the group's delegations, for the chair's inscription form."""
    now: datetime | None = None


def _delegations(session: Session, group_id: int) -> dict[int, Delegation]:
    rows = session.execute(
        select(Delegation).where(col(Delegation.group_id) == group_id).order_by(col(Delegation.code))
    )
    return {row.id: row for row in rows.scalars() if row.id is not None}


def _view(row: Speaker, place: int | None, delegation: Delegation, mine_id: int | None) -> SpeakerView:
    assert row.id is not None
    return SpeakerView(
        row.id,
        delegation.code,
        delegation.name,
        row.kind,
        row.status,
        place,
        row.started_at,
        row.ended_at,
        row.seconds,
        mine_id is not None and row.delegation_id == mine_id,
    )


def _spoken(totals: dict[int, int], delegations: dict[int, Delegation]) -> list[SpokenTime]:
    return sorted(
        (SpokenTime(delegations[d].code, delegations[d].name, s) for d, s in totals.items()),
        key=lambda t: (-t.seconds, t.code),
    )


def read_list(session: Session, user: CurrentUser, meeting_id: int, item_id: int) -> ListView:
    """An agenda item's list of speakers: waiting in order, the one speaking with its countdown, those
    done with their time, the time per delegation, and what the reader may do. Three queries."""
    place = item_of_meeting(session, user, meeting_id, item_id)
    delegations = _delegations(session, place.meeting.group_id)
    rows = _speakers(session, [item_id])
    facts = [_facts(row) for row in rows]
    now = utcnow()
    mine = place.membership.delegation_id
    by_id = {row.id: row for row in rows}
    waiting = [
        _view(by_id[s.id], number, delegations[s.delegation_id], mine)
        for number, s in enumerate(rules.waiting(facts), start=1)
    ]
    current_facts = rules.speaking(facts)
    current = None
    countdown = None
    if current_facts is not None:
        current = _view(by_id[current_facts.id], None, delegations[current_facts.delegation_id], mine)
        countdown = rules.countdown(current_facts.started_at or now, place.item.speaking_limit, now)
    done = sorted(
        (_view(row, None, delegations[row.delegation_id], mine) for row in rows if row.status == "done"),
        key=lambda v: (v.started_at or now, v.id),
    )
    item_facts = _facts_of_item(place.item, place.meeting.status)
    may: dict[str, str | None] = {}
    if mine is not None:
        for kind in rules.KINDS:
            refusal = rules.inscribe_refusal(place.asker, item_facts, mine, kind, facts)
            may[kind] = None if refusal is None else refusal_text(refusal)
    return ListView(
        meeting_id=meeting_id,
        meeting_title=place.meeting.title,
        group_slug=place.group_slug,
        item_id=item_id,
        item_title=place.item.title,
        item_status=place.item.status,
        speakers_open=place.item.speakers_open,
        speaking_limit=place.item.speaking_limit,
        waiting=waiting,
        current=current,
        countdown=countdown,
        done=done,
        spoken=_spoken(rules.time_by_delegation(facts, now), delegations),
        runs_the_list=place.asker.runs_the_list,
        delegation_code=place.membership.delegation_code,
        may_inscribe=may,
        delegations=[(d.code, d.name) for d in delegations.values()] if place.asker.runs_the_list else [],
        now=now,
    )


@dataclass(frozen=True, slots=True)
class ItemTimes:
    """The time each delegation spoke on one agenda item."""

    item_id: int
    title: str
    spoken: list[SpokenTime]


@dataclass(frozen=True, slots=True)
class MeetingTimes:
    """The time each delegation spoke at a meeting: per item and in all."""

    meeting_id: int
    title: str
    group_slug: str
    items: list[ItemTimes]
    totals: list[SpokenTime]


def meeting_times(session: Session, user: CurrentUser, meeting_id: int) -> MeetingTimes:
    """The time each delegation spoke on each agenda item of a meeting and over the meeting."""
    meeting, slug, _membership = group_of_meeting(session, user, meeting_id)
    items = list(
        session.execute(
            select(AgendaItem)
            .where(col(AgendaItem.meeting_id) == meeting_id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        ).scalars()
    )
    delegations = _delegations(session, meeting.group_id)
    by_item: dict[int, list[rules.SpeakerFacts]] = {item.id: [] for item in items if item.id is not None}
    for row in _speakers(session, list(by_item)):
        by_item[row.item_id].append(_facts(row))
    table = rules.time_by_item_and_delegation(by_item, utcnow())
    return MeetingTimes(
        meeting_id,
        meeting.title,
        slug,
        [
            ItemTimes(item.id, item.title, _spoken(table[item.id], delegations))
            for item in items
            if item.id is not None and item.id in table
        ],
        _spoken(rules.meeting_totals(table), delegations),
    )


# --- changing the list --------------------------------------------------------------------------


def _record(session: Session, user: CurrentUser, place: Place, action: str, details: dict[str, object]) -> None:
    audit.record(
        session,
        user.actor(place.group_slug),
        action,
        OBJECT_TYPE,
        place.meeting.id,
        group_id=place.meeting.group_id,
        details={"item": place.item.id, **details},
    )


def _renumber(session: Session, rows: Sequence[Speaker], positions: dict[int, int]) -> None:
    for row in rows:
        if row.id in positions and row.position != positions[row.id]:
            row.position = positions[row.id]
            session.add(row)


def _delegation(session: Session, place: Place, code: str | None) -> Delegation:
    """The delegation to inscribe: the one named (by code, in the meeting's group), else the asker's."""
    if code is None or code == "":
        if place.membership.delegation_id is None:
            raise Invalid({"delegation": _("Name the delegation to inscribe.")})
        found = session.get(Delegation, place.membership.delegation_id)
    else:
        found = session.execute(
            select(Delegation).where(col(Delegation.group_id) == place.meeting.group_id, col(Delegation.code) == code)
        ).scalar_one_or_none()
    if found is None:
        raise Invalid({"delegation": _("There is no delegation {code} in this group.").format(code=code)})
    return found


def inscribe(
    session: Session, user: CurrentUser, meeting_id: int, item_id: int, delegation: str | None, kind: str
) -> int:
    """Inscribe a delegation on the item's list (a delegate their own, the chair or the secretariat
    any): an intervention, a point of order (to the top) or a right of reply (at the end). Returns
    the new speaker's id."""
    with write_transaction(session):
        place = item_of_meeting(session, user, meeting_id, item_id, lock=True)
        chosen = _delegation(session, place, delegation)
        assert chosen.id is not None
        rows = _speakers(session, [item_id])
        facts = [_facts(row) for row in rows]
        _refuse(
            rules.inscribe_refusal(
                place.asker, _facts_of_item(place.item, place.meeting.status), chosen.id, kind, facts
            )
        )
        row = Speaker(item_id=item_id, delegation_id=chosen.id, kind=kind, position=0, inscribed_by_id=user.id)
        session.add(row)
        session.flush()
        assert row.id is not None
        _renumber(session, [*rows, row], rules.inscribed(kind, facts, row.id))
        _record(session, user, place, "speaker.inscribe", {"speaker": row.id, "delegation": chosen.code, "kind": kind})
        return row.id


@dataclass(frozen=True, slots=True)
class FloorGiven:
    """Who stopped speaking (with their time) and who has the floor now."""

    ended: int | None
    seconds: int | None
    speaking: int | None


def give_floor(session: Session, user: CurrentUser, meeting_id: int, item_id: int) -> FloorGiven:
    """Give the floor to the next waiting speaker (the chair or the secretariat): the one speaking
    stops and its time is recorded."""
    with write_transaction(session):
        place = item_of_meeting(session, user, meeting_id, item_id, lock=True)
        rows = _speakers(session, [item_id])
        now = utcnow()
        floor = rules.next_floor(
            place.asker, _facts_of_item(place.item, place.meeting.status), [_facts(row) for row in rows], now
        )
        if isinstance(floor, Refusal):
            raise refusal_error(floor)
        by_id = {row.id: row for row in rows}
        if floor.ending is not None:
            ending = by_id[floor.ending]
            ending.status, ending.ended_at, ending.seconds = "done", now, floor.seconds
            session.add(ending)
        if floor.starting is not None:
            starting = by_id[floor.starting]
            starting.status, starting.started_at = "speaking", now
            session.add(starting)
        _record(
            session,
            user,
            place,
            "speaker.floor",
            {"ended": floor.ending, "seconds": floor.seconds, "speaking": floor.starting},
        )
        return FloorGiven(floor.ending, floor.seconds, floor.starting)


def _speaker_of(rows: Sequence[Speaker], speaker_id: int, place: Place) -> Speaker:
    for row in rows:
        if row.id == speaker_id:
            return row
    raise NotFound(_("There is no speaker {id} on this list.").format(id=speaker_id))


def move(session: Session, user: CurrentUser, meeting_id: int, item_id: int, speaker_id: int, position: int) -> None:
    """Move a waiting speaker to a place on the list (from 1; past the end means last)."""
    with write_transaction(session):
        place = item_of_meeting(session, user, meeting_id, item_id, lock=True)
        rows = _speakers(session, [item_id])
        row = _speaker_of(rows, speaker_id, place)
        facts = [_facts(r) for r in rows]
        _refuse(rules.move_refusal(place.asker, _facts(row), position))
        _renumber(session, rows, rules.moved(facts, speaker_id, position))
        _record(session, user, place, "speaker.move", {"speaker": speaker_id, "position": position})


def withdraw(session: Session, user: CurrentUser, meeting_id: int, item_id: int, speaker_id: int) -> None:
    """Take a waiting speaker off the list: its delegation withdraws, or the chair or the secretariat
    removes it."""
    with write_transaction(session):
        place = item_of_meeting(session, user, meeting_id, item_id, lock=True)
        rows = _speakers(session, [item_id])
        row = _speaker_of(rows, speaker_id, place)
        _refuse(rules.withdraw_refusal(place.asker, _facts(row)))
        row.status = "removed"
        session.add(row)
        remaining = [r for r in rows if r.id != speaker_id]
        _renumber(session, remaining, rules.positions([s.id for s in rules.waiting(_facts(r) for r in remaining)]))
        own = place.membership.delegation_id == row.delegation_id
        _record(session, user, place, "speaker.withdraw" if own else "speaker.remove", {"speaker": speaker_id})


def set_list(
    session: Session,
    user: CurrentUser,
    meeting_id: int,
    item_id: int,
    *,
    speakers_open: bool | None = None,
    speaking_limit: int | object | None = UNCHANGED,
) -> None:
    """Open or close the list and set its speaking-time limit (seconds; None: no limit)."""
    with write_transaction(session):
        place = item_of_meeting(session, user, meeting_id, item_id, lock=True)
        limit = place.item.speaking_limit if speaking_limit is UNCHANGED else speaking_limit
        assert limit is None or isinstance(limit, int)
        _refuse(rules.settings_refusal(place.asker, _facts_of_item(place.item, place.meeting.status), limit))
        changes: dict[str, object] = {}
        if speakers_open is not None and speakers_open != place.item.speakers_open:
            place.item.speakers_open = speakers_open
            changes["speakers_open"] = speakers_open
        if limit != place.item.speaking_limit:
            place.item.speaking_limit = limit
            changes["speaking_limit"] = limit
        if changes:
            session.add(place.item)
            _record(session, user, place, "speakers.settings", changes)
