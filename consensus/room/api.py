"""The summary of proceedings in the JSON API: read it, replace its text, publish it (the same
services as the pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import msgspec
from litestar.params import JSONBody
from sqlmodel import Session

from consensus.accounts.identity import CurrentUser
from consensus.api.paths import API
from consensus.core.proceedings import BODY_LIMIT
from consensus.errors import NotFound
from consensus.i18n import _
from consensus.lookups import group_of_meeting
from consensus.room import record as records
from consensus.web.access import SIGNED_IN
from consensus.web.deps import Db, Id, Me
from consensus.web.routing import action, read, replace

RECORD = f"{API}/meetings/{{meeting_id:int}}/record"
TAGS = ["meetings"]


@dataclass(frozen=True, slots=True)
class RecordOut:
    meeting: int
    body: str
    """The summary in Markdown."""
    saved: bool
    """False while nothing is kept: ``body`` is then the summary the record gives now."""
    edited_at: datetime | None
    published_at: datetime | None


class RecordIn(msgspec.Struct, forbid_unknown_fields=True):
    body: Annotated[str, msgspec.Meta(description=f"The summary in Markdown, at most {BODY_LIMIT} characters.")]


def _group(db: Session, user: CurrentUser, meeting_id: int) -> str:
    slug = group_of_meeting(db, meeting_id)
    if slug is None or user.membership(slug) is None:
        raise NotFound(_("There is no meeting {id}.").format(id=meeting_id))
    return slug


def _out(db: Session, user: CurrentUser, group: str, meeting_id: int) -> RecordOut:
    view = records.read_record(db, user, group, meeting_id)
    return RecordOut(meeting_id, view.body, view.saved, view.edited_at, view.published_at)


@read(RECORD, name="api_record", access=SIGNED_IN, tags=TAGS)
def record_read(db: Db, user: Me, meeting_id: Id) -> RecordOut:
    """A meeting's summary of proceedings (a draft only for the secretariat and the chair)."""
    return _out(db, user, _group(db, user, meeting_id), meeting_id)


@replace(RECORD, name="api_record_replace", access=SIGNED_IN, tags=TAGS)
def record_replace(db: Db, user: Me, meeting_id: Id, data: JSONBody[RecordIn]) -> RecordOut:
    """The secretariat replaces the draft summary's Markdown (``{"body"}``)."""
    group = _group(db, user, meeting_id)
    records.save_record(db, user, group, meeting_id, data.body)
    return _out(db, user, group, meeting_id)


@action(RECORD + "/publish", name="api_record_publish", access=SIGNED_IN, tags=TAGS, status_code=200)
def record_publish(db: Db, user: Me, meeting_id: Id) -> RecordOut:
    """The secretariat publishes the summary; it no longer changes."""
    group = _group(db, user, meeting_id)
    records.publish_record(db, user, group, meeting_id)
    return _out(db, user, group, meeting_id)


RECORD_API_ROUTES = [record_read, record_replace, record_publish]
