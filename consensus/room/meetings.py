"""Finding a meeting of a group (until the meetings area's lookup lands in ``consensus.lookups``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.errors import NotFound
from consensus.i18n import _
from consensus.models import Meeting, WorkingGroup


def meeting_in_group(session: Session, group_slug: str, meeting_id: int) -> Meeting:
    """A meeting of this group."""
    row: Meeting | None = session.execute(
        select(Meeting)
        .join(WorkingGroup, col(WorkingGroup.id) == col(Meeting.group_id))
        .where(col(Meeting.id) == meeting_id, col(WorkingGroup.slug) == group_slug)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(_("There is no meeting {id} in this group.").format(id=meeting_id))
    return row


def group_of_meeting(session: Session, meeting_id: int) -> str | None:
    """The slug of the group a meeting belongs to (addresses such as /api/v1/meetings/{id} name no group)."""
    return session.execute(
        select(col(WorkingGroup.slug))
        .join(Meeting, col(Meeting.group_id) == col(WorkingGroup.id))
        .where(col(Meeting.id) == meeting_id)
    ).scalar_one_or_none()
