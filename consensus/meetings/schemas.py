"""Shapes of the meetings API's requests and responses (documented in the OpenAPI schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import msgspec

Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
Title = Annotated[str, msgspec.Meta(max_length=10_000)]
Reference = Annotated[str, msgspec.Meta(max_length=300)]


class AgendaItemIn(msgspec.Struct, forbid_unknown_fields=True):
    """An agenda item. In a change of the agenda, an item with its ``id`` is kept in this place
    (with its title, and what it points to, changed where given); one without is new; an item not
    listed is removed. ``clause`` (and ``last_clause`` for a range) are numbers in the current
    version of ``document``; ``round`` is a round of the group."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    id: Id | msgspec.UnsetType = msgspec.UNSET
    document: Reference | msgspec.UnsetType | None = msgspec.UNSET
    clause: Reference | msgspec.UnsetType | None = msgspec.UNSET
    last_clause: Reference | msgspec.UnsetType | None = msgspec.UNSET
    round: Id | msgspec.UnsetType | None = msgspec.UNSET


class MeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new meeting: times with their zone (stored in UTC), a place and/or an online link, and its
    agenda in order."""

    title: Title
    starts_at: datetime
    ends_at: datetime
    place: Title = ""
    online_url: Title = ""
    agenda: list[AgendaItemIn] = msgspec.field(default_factory=list)


class MeetingPatch(msgspec.Struct, forbid_unknown_fields=True):
    """A change of a meeting: what is given is changed; ``agenda``, when given, is the whole agenda
    in its new order."""

    title: Title | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: Title | None = None
    online_url: Title | None = None
    agenda: list[AgendaItemIn] | None = None


class AttendanceIn(msgspec.Struct, forbid_unknown_fields=True):
    present: bool


@dataclass(frozen=True, slots=True)
class AgendaItemOut:
    id: int
    position: int
    title: str
    status: str
    """pending, current (under discussion) or done."""
    document: str | None
    clause: str | None
    """The current number of the clause the item is about (it follows the clause into later versions)."""
    last_clause: str | None
    clause_gone: bool
    """The item named a clause the current version no longer has."""
    round: int | None
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class AttendanceOut:
    code: str
    name: str
    present: bool | None
    """None: not recorded yet."""


@dataclass(frozen=True, slots=True)
class MeetingOut:
    id: int
    group: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    status: str
    """scheduled, in_progress, closed or cancelled."""
    sequence: int
    """How many times it was changed after it was scheduled (what calendar apps compare)."""
    updated_at: datetime
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]


@dataclass(frozen=True, slots=True)
class MeetingSummaryOut:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    status: str
    items: int
