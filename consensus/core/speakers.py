"""The list of speakers of an agenda item: who may inscribe and how, where an inscription goes, who
runs the list, giving the floor, and the time each delegation spoke.

Pure: the service loads the item and its speakers into these frozen values, asks the rules before
writing and stores what they return; the list's page asks the same functions for its buttons.

The order follows UN practice: a point of order is taken at once (it goes to the top of the waiting
speakers, after any earlier points of order, even when the list is closed); an intervention goes at
the end of the interventions; a right of reply is taken after every other speaker on the list, and
only by a delegation other than one that has spoken on the item (a reply answers someone). A
delegation waits at most once for each kind of turn on an item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_

Kind = Literal["intervention", "point_of_order", "right_of_reply"]
KINDS: tuple[Kind, ...] = ("intervention", "point_of_order", "right_of_reply")
RUNS_THE_LIST = frozenset({"chair", "secretariat"})
"""The roles that open and close the list, give the floor, reorder and remove speakers, and may
inscribe any delegation."""
LIMIT_MAX = 3600
"""The longest speaking-time limit one may set (an hour), in seconds."""


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks: their role in the group and their delegation, if they have one."""

    role: str
    delegation_id: int | None = None

    @property
    def runs_the_list(self) -> bool:
        return self.role in RUNS_THE_LIST


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What the rules ask of an agenda item."""

    id: int
    status: str
    """pending, current or done."""
    speakers_open: bool
    speaking_limit: int | None = None
    meeting_status: str = "in_progress"
    """scheduled, in_progress, closed or cancelled: the lists of a meeting that is over are kept as
    they were."""


@dataclass(frozen=True, slots=True)
class SpeakerFacts:
    """One inscription on the list."""

    id: int
    delegation_id: int
    kind: str
    status: str
    """waiting, speaking, done or removed."""
    position: int
    started_at: datetime | None = None
    ended_at: datetime | None = None
    seconds: int | None = None


def _forbidden(text: str, **values: object) -> Refusal:
    return Refusal("forbidden", Phrase(text, values))


def _conflict(text: str, **values: object) -> Refusal:
    return Refusal("conflict", Phrase(text, values))


def run_refusal(asker: Asker) -> Refusal | None:
    """Why this person may not run the list (only the chair and the secretariat may)."""
    if asker.runs_the_list:
        return None
    return _forbidden(N_("Only the chair or the secretariat runs the list of speakers."))


def _item_refusal(item: ItemFacts) -> Refusal | None:
    if item.meeting_status in ("closed", "cancelled"):
        return _conflict(N_("This meeting is over: its lists of speakers are kept as they were."))
    if item.status == "done":
        return _conflict(N_("This agenda item is over: its list of speakers is closed for good."))
    return None


def waiting(speakers: Iterable[SpeakerFacts]) -> list[SpeakerFacts]:
    """The waiting speakers in the order they will have the floor."""
    return sorted((s for s in speakers if s.status == "waiting"), key=lambda s: (s.position, s.id))


def speaking(speakers: Iterable[SpeakerFacts]) -> SpeakerFacts | None:
    """The speaker who has the floor now, if any."""
    return next((s for s in speakers if s.status == "speaking"), None)


def inscribe_refusal(
    asker: Asker, item: ItemFacts, delegation_id: int, kind: str, speakers: Sequence[SpeakerFacts]
) -> Refusal | None:
    """Why ``asker`` may not inscribe this delegation for this kind of turn now: a delegate inscribes
    their own delegation only (an observer none), the chair or the secretariat any; the list must be
    open except for a point of order; a delegation waits once per kind; a right of reply answers a
    delegation that has spoken."""
    if kind not in KINDS:
        return Refusal(
            "invalid",
            Phrase(N_("Choose an intervention, a point of order or a right of reply.")),
            "kind",
        )
    if not asker.runs_the_list and asker.delegation_id != delegation_id:
        if asker.delegation_id is None:
            return _forbidden(N_("Only a delegation's members, the chair or the secretariat inscribe speakers."))
        return _forbidden(N_("You may inscribe your own delegation only."))
    refusal = _item_refusal(item)
    if refusal is not None:
        return refusal
    if kind != "point_of_order" and not item.speakers_open:
        return _conflict(N_("The list of speakers is closed; only a point of order is taken."))
    if any(s.delegation_id == delegation_id and s.kind == kind for s in waiting(speakers)):
        return _conflict(N_("This delegation is already waiting on the list for this kind of turn."))
    if kind == "right_of_reply" and not any(
        s.status in ("speaking", "done") and s.delegation_id != delegation_id for s in speakers
    ):
        return _conflict(N_("A right of reply answers a delegation that has spoken on this item; none has yet."))
    return None


def insertion_index(kind: str, queue: Sequence[SpeakerFacts]) -> int:
    """Where a new inscription goes among the waiting speakers (``queue``, in order): a point of order
    after the points of order at the top, an intervention before the rights of reply at the end, a
    right of reply last."""
    if kind == "point_of_order":
        index = 0
        while index < len(queue) and queue[index].kind == "point_of_order":
            index += 1
        return index
    if kind == "intervention":
        index = len(queue)
        while index > 0 and queue[index - 1].kind == "right_of_reply":
            index -= 1
        return index
    return len(queue)


def positions(order: Sequence[int]) -> dict[int, int]:
    """The stored position of each waiting speaker (by id) for this order: 1, 2, 3, …"""
    return {speaker_id: number for number, speaker_id in enumerate(order, start=1)}


def inscribed(kind: str, speakers: Sequence[SpeakerFacts], new_id: int) -> dict[int, int]:
    """The positions of every waiting speaker once ``new_id`` (of ``kind``) is inscribed."""
    order = [s.id for s in waiting(speakers) if s.id != new_id]
    queue = [s for s in waiting(speakers) if s.id != new_id]
    order.insert(insertion_index(kind, queue), new_id)
    return positions(order)


def withdraw_refusal(asker: Asker, speaker: SpeakerFacts) -> Refusal | None:
    """Why this person may not take this inscription off the list: a delegation withdraws its own,
    the chair or the secretariat removes any; only a waiting speaker leaves the list."""
    if not asker.runs_the_list and asker.delegation_id != speaker.delegation_id:
        return _forbidden(N_("You may withdraw your own delegation's inscription only."))
    if speaker.status == "speaking":
        return _conflict(N_("This delegation has the floor: give the floor to the next speaker instead."))
    if speaker.status != "waiting":
        return _conflict(N_("This speaker is no longer waiting on the list."))
    return None


def move_refusal(asker: Asker, speaker: SpeakerFacts, position: int) -> Refusal | None:
    """Why this person may not move this speaker to ``position`` (from 1) among the waiting ones."""
    refusal = run_refusal(asker)
    if refusal is not None:
        return refusal
    if speaker.status != "waiting":
        return _conflict(N_("Only a waiting speaker can be moved; this one is no longer waiting."))
    if position < 1:
        return Refusal("invalid", Phrase(N_("Give a position from 1.")), "position")
    return None


def moved(speakers: Sequence[SpeakerFacts], speaker_id: int, position: int) -> dict[int, int]:
    """The positions of the waiting speakers once ``speaker_id`` is at ``position`` (from 1; past the
    end means last)."""
    order = [s.id for s in waiting(speakers) if s.id != speaker_id]
    order.insert(min(position, len(order) + 1) - 1, speaker_id)
    return positions(order)


def speaking_seconds(started_at: datetime, ended_at: datetime) -> int:
    """Whole seconds between the floor given and taken back (never negative: clocks step back)."""
    return max(0, int((ended_at - started_at).total_seconds()))


@dataclass(frozen=True, slots=True)
class Floor:
    """What giving the floor to the next speaker does: who stops (with the seconds they spoke) and
    who starts."""

    ending: int | None
    seconds: int | None
    starting: int | None


def next_floor(asker: Asker, item: ItemFacts, speakers: Sequence[SpeakerFacts], now: datetime) -> Floor | Refusal:
    """Give the floor to the next waiting speaker: the one speaking stops (its time recorded), the
    first waiting one starts. The chair or the secretariat; refused when nobody speaks or waits."""
    refusal = run_refusal(asker) or _item_refusal(item)
    if refusal is not None:
        return refusal
    current = speaking(speakers)
    queue = waiting(speakers)
    if current is None and not queue:
        return _conflict(N_("Nobody is waiting on the list of speakers."))
    seconds = None
    if current is not None:
        seconds = speaking_seconds(current.started_at or now, now)
    return Floor(current.id if current else None, seconds, queue[0].id if queue else None)


def settings_refusal(asker: Asker, item: ItemFacts, speaking_limit: int | None) -> Refusal | None:
    """Why this person may not open or close the list or set its speaking-time limit."""
    refusal = run_refusal(asker) or _item_refusal(item)
    if refusal is not None:
        return refusal
    if speaking_limit is not None and not 1 <= speaking_limit <= LIMIT_MAX:
        return Refusal(
            "invalid",
            Phrase(N_("Give a speaking-time limit from 1 to {max} seconds, or none."), {"max": LIMIT_MAX}),
            "speaking_limit",
        )
    return None


@dataclass(frozen=True, slots=True)
class Countdown:
    """The speaking time left to the speaker who has the floor."""

    elapsed: int
    limit: int | None
    remaining: int | None
    """Seconds left (negative once over); None without a limit."""

    @property
    def over(self) -> bool:
        return self.remaining is not None and self.remaining < 0


def countdown(started_at: datetime, limit: int | None, now: datetime) -> Countdown:
    """How long the speaker has spoken and how long is left of the limit."""
    elapsed = speaking_seconds(started_at, now)
    return Countdown(elapsed, limit, None if limit is None else limit - elapsed)


def seconds_spoken(speaker: SpeakerFacts, now: datetime) -> int:
    """The time a speaker has spoken: recorded once done, running while speaking, none otherwise."""
    if speaker.status == "done":
        if speaker.seconds is not None:
            return speaker.seconds
        if speaker.started_at is not None and speaker.ended_at is not None:
            return speaking_seconds(speaker.started_at, speaker.ended_at)
        return 0
    if speaker.status == "speaking" and speaker.started_at is not None:
        return speaking_seconds(speaker.started_at, now)
    return 0


def time_by_delegation(speakers: Iterable[SpeakerFacts], now: datetime) -> dict[int, int]:
    """Seconds spoken by each delegation that had the floor (done or speaking now)."""
    totals: dict[int, int] = {}
    for speaker in speakers:
        if speaker.status in ("done", "speaking"):
            totals[speaker.delegation_id] = totals.get(speaker.delegation_id, 0) + seconds_spoken(speaker, now)
    return totals


def time_by_item_and_delegation(
    speakers_by_item: Mapping[int, Iterable[SpeakerFacts]], now: datetime
) -> dict[int, dict[int, int]]:
    """For a meeting: the seconds each delegation spoke on each item (items without any omitted)."""
    table = {item_id: time_by_delegation(speakers, now) for item_id, speakers in speakers_by_item.items()}
    return {item_id: totals for item_id, totals in table.items() if totals}


def meeting_totals(table: Mapping[int, Mapping[int, int]]) -> dict[int, int]:
    """The seconds each delegation spoke over the whole meeting, from the per-item table."""
    totals: dict[int, int] = {}
    for per_item in table.values():
        for delegation_id, seconds in per_item.items():
            totals[delegation_id] = totals.get(delegation_id, 0) + seconds
    return totals
