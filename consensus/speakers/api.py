"""The list of speakers in the JSON API: read it, inscribe, give the floor, reorder, withdraw or
remove, open and close it and set its speaking-time limit (the same services as the pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody

from consensus.api.paths import API
from consensus.speakers import services as speakers
from consensus.web.access import SIGNED_IN
from consensus.web.deps import Db, Id, Me
from consensus.web.routing import action, change, read, remove

ITEM = f"{API}/meetings/{{meeting_id:int}}/items/{{item_id:int}}"
SPEAKERS = f"{ITEM}/speakers"
SPEAKER = f"{SPEAKERS}/{{speaker_id:int}}"
TAGS = ["speakers"]


class InscriptionIn(msgspec.Struct, forbid_unknown_fields=True):
    delegation: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=16,
                description="The delegation's code; your own by default (the chair and secretariat: any).",
            ),
        ]
        | None
    ) = None
    kind: Literal["intervention", "point_of_order", "right_of_reply"] = "intervention"


class MoveIn(msgspec.Struct, forbid_unknown_fields=True):
    position: Annotated[int, msgspec.Meta(ge=1, le=100_000, description="The place among the waiting, from 1.")]


class ListSettingsIn(msgspec.Struct, forbid_unknown_fields=True):
    speakers_open: bool | None = None
    """Whether delegations may inscribe (a point of order is always taken)."""
    speaking_limit: Annotated[int, msgspec.Meta(ge=1, le=3600)] | msgspec.UnsetType | None = msgspec.UNSET
    """Seconds per intervention; null for no limit; left out to leave it as it is."""


@dataclass(frozen=True, slots=True)
class SpeakerOut:
    id: int
    delegation: str
    delegation_name: str
    kind: str
    status: str
    position: int | None
    """Place among the waiting speakers, from 1 (null unless waiting)."""
    started_at: datetime | None
    ended_at: datetime | None
    seconds: int | None


@dataclass(frozen=True, slots=True)
class CurrentSpeakerOut:
    speaker: SpeakerOut
    started_at: datetime
    speaking_limit: int | None
    elapsed: int
    remaining: int | None
    """Seconds left of the limit (negative once over; null without a limit)."""
    over_time: bool


@dataclass(frozen=True, slots=True)
class SpokenOut:
    delegation: str
    seconds: int


@dataclass(frozen=True, slots=True)
class SpeakersOut:
    meeting: int
    item: int
    speakers_open: bool
    speaking_limit: int | None
    current: CurrentSpeakerOut | None
    waiting: list[SpeakerOut]
    done: list[SpeakerOut]
    spoken: list[SpokenOut]
    """Seconds spoken on the item by each delegation that had the floor."""


@dataclass(frozen=True, slots=True)
class FloorOut:
    speaking: SpeakerOut | None
    """Who has the floor now (null: the list is empty)."""
    ended: int | None
    """The speaker who stopped, if one spoke."""
    seconds: int | None
    """How long they spoke."""
    list: SpeakersOut


def _speaker_out(view: speakers.SpeakerView) -> SpeakerOut:
    return SpeakerOut(
        view.id, view.code, view.name, view.kind, view.status, view.place, view.started_at, view.ended_at, view.seconds
    )


def _list_out(view: speakers.ListView) -> SpeakersOut:
    current = None
    if view.current is not None and view.countdown is not None and view.current.started_at is not None:
        current = CurrentSpeakerOut(
            _speaker_out(view.current),
            view.current.started_at,
            view.speaking_limit,
            view.countdown.elapsed,
            view.countdown.remaining,
            view.countdown.over,
        )
    return SpeakersOut(
        meeting=view.meeting_id,
        item=view.item_id,
        speakers_open=view.speakers_open,
        speaking_limit=view.speaking_limit,
        current=current,
        waiting=[_speaker_out(s) for s in view.waiting],
        done=[_speaker_out(s) for s in view.done],
        spoken=[SpokenOut(s.code, s.seconds) for s in view.spoken],
    )


@read(SPEAKERS, name="api_speakers", access=SIGNED_IN, tags=TAGS)
def speakers_list(db: Db, user: Me, meeting_id: Id, item_id: Id) -> SpeakersOut:
    """An agenda item's list of speakers (members of the meeting's group): the one speaking with when
    they started and the limit, those waiting in order, those done with the seconds they spoke."""
    return _list_out(speakers.read_list(db, user, meeting_id, item_id))


@action(SPEAKERS, name="api_speaker_inscribe", access=SIGNED_IN, tags=TAGS, status_code=201)
def speaker_inscribe(db: Db, user: Me, meeting_id: Id, item_id: Id, data: JSONBody[InscriptionIn]) -> SpeakerOut:
    """Inscribe a delegation (a delegate: their own; the chair or the secretariat: any). A point of
    order goes to the top, after earlier points of order, and is taken even when the list is closed;
    a right of reply goes at the end."""
    speaker_id = speakers.inscribe(db, user, meeting_id, item_id, data.delegation, data.kind)
    view = speakers.read_list(db, user, meeting_id, item_id)
    return next(_speaker_out(s) for s in view.waiting if s.id == speaker_id)


@action(f"{SPEAKERS}/next", name="api_speakers_next", access=SIGNED_IN, tags=TAGS, status_code=200)
def speakers_next(db: Db, user: Me, meeting_id: Id, item_id: Id) -> FloorOut:
    """Give the floor to the next waiting speaker (the chair or the secretariat): the one speaking
    stops and the seconds it spoke are recorded."""
    floor = speakers.give_floor(db, user, meeting_id, item_id)
    listing = _list_out(speakers.read_list(db, user, meeting_id, item_id))
    return FloorOut(listing.current.speaker if listing.current else None, floor.ended, floor.seconds, listing)


@change(SPEAKERS, name="api_speakers_settings", access=SIGNED_IN, tags=TAGS)
def speakers_settings(db: Db, user: Me, meeting_id: Id, item_id: Id, data: JSONBody[ListSettingsIn]) -> SpeakersOut:
    """Open or close the list (``speakers_open``) and set the speaking-time limit in seconds
    (``speaking_limit``, null for none): the chair or the secretariat."""
    limit: object = speakers.UNCHANGED if data.speaking_limit is msgspec.UNSET else data.speaking_limit
    speakers.set_list(db, user, meeting_id, item_id, speakers_open=data.speakers_open, speaking_limit=limit)
    return _list_out(speakers.read_list(db, user, meeting_id, item_id))


@change(SPEAKER, name="api_speaker_move", access=SIGNED_IN, tags=TAGS)
def speaker_move(db: Db, user: Me, meeting_id: Id, item_id: Id, speaker_id: Id, data: JSONBody[MoveIn]) -> SpeakersOut:
    """Move a waiting speaker to a place on the list (the chair or the secretariat)."""
    speakers.move(db, user, meeting_id, item_id, speaker_id, data.position)
    return _list_out(speakers.read_list(db, user, meeting_id, item_id))


@remove(SPEAKER, name="api_speaker_remove", access=SIGNED_IN, tags=TAGS)
def speaker_remove(db: Db, user: Me, meeting_id: Id, item_id: Id, speaker_id: Id) -> None:
    """Take a waiting speaker off the list: a delegation withdraws its own inscription, the chair or
    the secretariat removes any."""
    speakers.withdraw(db, user, meeting_id, item_id, speaker_id)


SPEAKER_API_ROUTES: list[HTTPRouteHandler] = [
    speakers_list,
    speaker_inscribe,
    speakers_next,
    speakers_settings,
    speaker_move,
    speaker_remove,
]
