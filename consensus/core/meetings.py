"""Meetings of a group: who may schedule and run them, valid times, what an agenda item may point
to, taking up an item, the roll call, and a round whose quorum counts the delegations present.

Pure: the service loads the meeting, its agenda and the facts below into plain values and asks
before writing; the meeting pages ask the same functions for their buttons. Messages are phrases,
put in the reader's language by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_
from consensus.labels import MEETING_STATUSES

MANAGERS = frozenset({"chair", "secretariat"})
"""Who schedules meetings, sets their agenda, runs them and takes the roll call."""
LONGEST = timedelta(days=31)
"""A meeting longer than this is a typing mistake (a session of several weeks is several meetings)."""
QUORUM_BASES = ("eligible", "present")

MeetingAction = Literal["change", "start", "close", "cancel", "run"]


def status_words(status: str) -> Phrase:
    """A meeting's status as said inside a sentence ("is cancelled")."""
    entry = MEETING_STATUSES.get(status)
    return Phrase(entry.in_sentence or entry.english) if entry is not None else Phrase(status)


def manage_refusal(role: str) -> Refusal | None:
    """Why a member with ``role`` may not schedule, change or run meetings, or None."""
    if role not in MANAGERS:
        return Refusal("forbidden", Phrase(N_("Only the secretariat and the chair schedule and run meetings.")))
    return None


def times_refusal(starts_at: datetime, ends_at: datetime) -> Refusal | None:
    """Why a meeting cannot run from ``starts_at`` to ``ends_at`` (both with their zone), or None."""
    if ends_at <= starts_at:
        return Refusal("invalid", Phrase(N_("The meeting must end after it starts.")), "ends_at")
    if ends_at - starts_at > LONGEST:
        return Refusal("invalid", Phrase(N_("A meeting lasts at most 31 days: check the dates.")), "ends_at")
    return None


_ALLOWED: dict[MeetingAction, frozenset[str]] = {
    "change": frozenset({"scheduled", "in_progress"}),
    "start": frozenset({"scheduled"}),
    "close": frozenset({"in_progress"}),
    "cancel": frozenset({"scheduled"}),
    "run": frozenset({"in_progress"}),
}
_STATUS_REFUSALS: dict[MeetingAction, str] = {
    "change": N_("The meeting is {status}: it can no longer be changed."),
    "start": N_("The meeting is {status}: only a scheduled meeting can be started."),
    "close": N_("The meeting is {status}: only a meeting in progress can be closed."),
    "cancel": N_("The meeting is {status}: only a scheduled meeting can be cancelled."),
    "run": N_("The meeting is {status}: start it before taking up an agenda item."),
}


def action_refusal(role: str, action: MeetingAction, status: str) -> Refusal | None:
    """Why a member with ``role`` may not do ``action`` to a meeting with ``status`` now, or None."""
    refusal = manage_refusal(role)
    if refusal is not None:
        return refusal
    if status not in _ALLOWED[action]:
        return Refusal("conflict", Phrase(_STATUS_REFUSALS[action], {"status": status_words(status)}))
    return None


# --- what an agenda item points to ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubjectAsked:
    """What an agenda item is asked to point to (any may be missing)."""

    document: str | None = None
    clause: str | None = None
    last_clause: str | None = None
    round: int | None = None


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    """What the group holds of it: whether the document is there, the clause numbers of its
    current version in order, and whether the round is one of the group's."""

    document_found: bool = False
    clause_numbers: Sequence[str] = ()
    round_found: bool = False


def subject_refusal(asked: SubjectAsked, facts: SubjectFacts) -> Refusal | None:
    """Why an agenda item cannot point to what is asked (naming the field), or None."""
    return _document_refusal(asked, facts) or _clauses_refusal(asked, facts) or _round_refusal(asked, facts)


def _document_refusal(asked: SubjectAsked, facts: SubjectFacts) -> Refusal | None:
    if asked.document and not facts.document_found:
        values = {"document": asked.document}
        return Refusal("invalid", Phrase(N_("There is no document {document} in this group."), values), "document")
    if (asked.clause or asked.last_clause) and not asked.document:
        field = "clause" if asked.clause else "last_clause"
        return Refusal("invalid", Phrase(N_("Name the document the clause is in.")), field)
    return None


def _clauses_refusal(asked: SubjectAsked, facts: SubjectFacts) -> Refusal | None:
    if asked.last_clause and not asked.clause:
        return Refusal("invalid", Phrase(N_("A range of clauses needs its first clause too.")), "clause")
    for field, number in (("clause", asked.clause), ("last_clause", asked.last_clause)):
        if number and number not in facts.clause_numbers:
            values = {"document": asked.document or "", "number": number}
            return Refusal("invalid", Phrase(N_("The document {document} has no clause {number}."), values), field)
    if asked.clause and asked.last_clause:
        numbers = list(facts.clause_numbers)
        if numbers.index(asked.last_clause) <= numbers.index(asked.clause):
            values = {"first": asked.clause, "last": asked.last_clause}
            return Refusal(
                "invalid", Phrase(N_("Clause {last} does not come after clause {first}."), values), "last_clause"
            )
    return None


def _round_refusal(asked: SubjectAsked, facts: SubjectFacts) -> Refusal | None:
    if asked.round is not None and not facts.round_found:
        return Refusal(
            "invalid", Phrase(N_("There is no round {id} in this group."), {"id": str(asked.round)}), "round"
        )
    return None


# --- running the meeting ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemState:
    """An agenda item as taking one up needs it."""

    id: int
    position: int
    status: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    """An agenda item that moves: its new status, and whether it starts or ends now."""

    id: int
    status: str
    starts: bool = False
    ends: bool = False


def take_up(items: Sequence[ItemState], item_id: int) -> list[ItemChange]:
    """What changes when the chair takes up ``item_id``: it becomes current, the item current
    before is done. Taking up the current item changes nothing."""
    changes = [
        ItemChange(item.id, "done", ends=True) for item in items if item.status == "current" and item.id != item_id
    ]
    if not any(item.id == item_id and item.status == "current" for item in items):
        changes.append(ItemChange(item_id, "current", starts=True))
    return changes


def finish(items: Sequence[ItemState]) -> list[ItemChange]:
    """What changes when the meeting closes: the item under discussion is done."""
    return [ItemChange(item.id, "done", ends=True) for item in items if item.status == "current"]


def next_item(items: Sequence[ItemState]) -> int | None:
    """The item to take up next: the first one still to come after the current one (or the first
    one to come when none is current), or None at the end of the agenda."""
    ordered = sorted(items, key=lambda item: item.position)
    current = next((item.position for item in ordered if item.status == "current"), None)
    after = [item for item in ordered if item.status == "pending" and (current is None or item.position > current)]
    return after[0].id if after else None


def end_of_agenda_refusal(item_id: int | None) -> Refusal | None:
    """Why there is no next item to take up, or None."""
    if item_id is None:
        return Refusal("conflict", Phrase(N_("No agenda item is left to take up.")))
    return None


# --- the roll call ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recorder:
    """Who records attendance: their role, and their delegation if they head one."""

    role: str
    delegation_id: int | None = None
    is_head: bool = False


def attendance_refusal(recorder: Recorder, delegation_id: int, status: str) -> Refusal | None:
    """Why ``recorder`` may not record the attendance of ``delegation_id`` at a meeting with
    ``status`` now (the secretariat and the chair for any delegation; a head for its own), or None."""
    own = recorder.is_head and recorder.delegation_id == delegation_id
    if recorder.role not in MANAGERS and not own:
        return Refusal(
            "forbidden",
            Phrase(N_("Only the secretariat, the chair or the head of the delegation records its attendance.")),
        )
    if status == "cancelled":
        return Refusal("conflict", Phrase(N_("The meeting is cancelled: there is no roll call.")))
    return None


def may_check_in(recorder: Recorder, status: str) -> bool:
    """Whether the page offers a head to check their own delegation in."""
    return recorder.is_head and recorder.delegation_id is not None and status in ("scheduled", "in_progress")


# --- a round's quorum counted against those present ---------------------------------------------------


def quorum_base_refusal(base: str, meeting_id: int | None) -> Refusal | None:
    """Why a round cannot take its quorum against ``base`` (``eligible`` or ``present``), or None."""
    if base not in QUORUM_BASES:
        return Refusal("invalid", Phrase(N_("The quorum base must be one of: eligible, present.")), "quorum_base")
    if base == "present" and meeting_id is None:
        return Refusal(
            "invalid",
            Phrase(N_("A quorum of the delegations present needs the meeting the round is held at.")),
            "meeting",
        )
    return None


def roll_call_refusal(base: str, recorded: int) -> Refusal | None:
    """Why a round counting its quorum against those present cannot open while its meeting has
    ``recorded`` attendance entries, or None."""
    if base == "present" and recorded == 0:
        return Refusal(
            "conflict",
            Phrase(
                N_(
                    "The round counts its quorum against the delegations present, and its meeting has "
                    "no roll call yet: take the roll call first."
                )
            ),
        )
    return None
