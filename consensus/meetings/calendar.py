"""The iCalendar feed of a group: its meetings (cancelled ones marked so) and the deadlines of its
open rounds, for calendar apps, with the session or through a member's private address."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from icalendar import Calendar, Event

from consensus.i18n import _
from consensus.meetings.services import Deadline, MeetingSummary
from consensus.models import MeetingStatus

PRODUCT = "-//Consensus//Meetings and deadlines//EN"
MEDIA_TYPE = "text/calendar"
"""Litestar names the charset of every text/* response (utf-8): naming it here too says it twice."""


def meeting_uid(group_slug: str, meeting_id: int) -> str:
    """The meeting's UID: the same in every feed and for ever, so calendar apps update the event."""
    return f"meeting-{meeting_id}.{group_slug}@consensus"


def deadline_uid(group_slug: str, round_id: int) -> str:
    return f"round-{round_id}-deadline.{group_slug}@consensus"


def _meeting_event(group_slug: str, meeting: MeetingSummary, url: str) -> Event:
    event = Event()
    event.add("uid", meeting_uid(group_slug, meeting.id))
    event.add("dtstamp", meeting.updated_at or meeting.starts_at)
    event.add("last-modified", meeting.updated_at or meeting.starts_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.cancelled else "CONFIRMED")
    location = ", ".join(part for part in (meeting.place, meeting.online_url) if part)
    if location:
        event.add("location", location)
    if meeting.online_url:
        event.add("description", meeting.online_url)
    return event


def _deadline_event(group_slug: str, deadline: Deadline, url: str) -> Event:
    event = Event()
    event.add("uid", deadline_uid(group_slug, deadline.round_id))
    event.add("dtstamp", deadline.opened_at or deadline.closes_at)
    event.add("dtstart", deadline.closes_at)
    event.add("dtend", deadline.closes_at + timedelta(minutes=15))
    event.add("summary", _("Deadline: {title}").format(title=deadline.title))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def feed(
    group_slug: str,
    group_name: str,
    meetings: Sequence[MeetingSummary],
    deadlines: Sequence[Deadline],
    meeting_url: Callable[[int], str],
    round_url: Callable[[int], str],
) -> bytes:
    """The group's calendar as iCalendar text (times in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", group_name)
    for meeting in meetings:
        calendar.add_component(_meeting_event(group_slug, meeting, meeting_url(meeting.id)))
    for deadline in deadlines:
        calendar.add_component(_deadline_event(group_slug, deadline, round_url(deadline.round_id)))
    return bytes(calendar.to_ical())
