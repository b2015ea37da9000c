"""A meeting in the demo group, arranged straight in the tables (the room's tests read what the
meetings and speakers areas write): an agenda on clause 3.2 and on the whole draft, a roll call,
speakers who spoke, and a round held at the meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from consensus.db import utcnow
from consensus.models import (
    AgendaItem,
    Attendance,
    Clause,
    Delegation,
    Document,
    Meeting,
    Speaker,
    Version,
    WorkingGroup,
)

GROUP, DOCUMENT = "oewg-ict", "declaration"


@dataclass(frozen=True)
class Arranged:
    meeting: int
    items: list[int]


def arrange_meeting(db: Session, *, title: str = "Third session, morning", current: int | None = 0) -> Arranged:
    """A meeting under way: item 1 on clause 3.2 (``current`` when 0), item 2 on 3.3–3.4, item 3
    with no document. Kenya and India present, Brazil absent; Kenya spoke 190 s on item 1, India is
    speaking, Egypt, Japan, Mexico and Germany wait."""
    group = db.execute(select(WorkingGroup).where(WorkingGroup.slug == GROUP)).scalar_one()
    document = db.execute(select(Document).where(Document.group_id == group.id, Document.slug == DOCUMENT)).scalar_one()
    version = (
        db.execute(
            select(Version).where(Version.document_id == document.id).order_by(Version.number.desc())  # type: ignore[attr-defined]
        )
        .scalars()
        .first()
    )
    assert version is not None
    lineage = dict(
        db.execute(select(Clause.number, Clause.lineage).where(Clause.version_id == version.id)).all()  # type: ignore[call-overload]
    )
    code = dict(db.execute(select(Delegation.code, Delegation.id).where(Delegation.group_id == group.id)).all())  # type: ignore[call-overload]
    now = utcnow()
    meeting = Meeting(
        group_id=group.id,
        title=title,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        place="Conference Room 4",
        status="in_progress",
    )
    db.add(meeting)
    db.flush()
    items = [
        AgendaItem(
            meeting_id=meeting.id,
            position=0,
            title="Clause 3.2 on CERT cooperation",
            document_id=document.id,
            clause_lineage=lineage["3.2"],
            status="current" if current == 0 else "pending",
            speaking_limit=180,
            started_at=now - timedelta(minutes=30) if current == 0 else None,
        ),
        AgendaItem(
            meeting_id=meeting.id,
            position=1,
            title="Clauses 3.3 to 3.4",
            document_id=document.id,
            clause_lineage=lineage["3.3"],
            last_clause_lineage=lineage["3.4"],
        ),
        AgendaItem(meeting_id=meeting.id, position=2, title="Any other business"),
    ]
    db.add_all(items)
    db.flush()
    db.add_all(
        [
            Attendance(meeting_id=meeting.id, delegation_id=code["KEN"], present=True),
            Attendance(meeting_id=meeting.id, delegation_id=code["IND"], present=True),
            Attendance(meeting_id=meeting.id, delegation_id=code["BRA"], present=False),
        ]
    )
    first = items[0].id
    db.add_all(
        [
            Speaker(
                item_id=first,
                delegation_id=code["KEN"],
                position=0,
                status="done",
                started_at=now - timedelta(minutes=20),
                ended_at=now - timedelta(minutes=20) + timedelta(seconds=190),
                seconds=190,
            ),
            Speaker(
                item_id=first,
                delegation_id=code["IND"],
                kind="point_of_order",
                position=1,
                status="speaking",
                started_at=now - timedelta(seconds=30),
            ),
            *[
                Speaker(item_id=first, delegation_id=code[c], position=2 + n, status="waiting")
                for n, c in enumerate(["EGY", "JPN", "MEX", "DEU"])
            ],
        ]
    )
    db.commit()
    assert meeting.id is not None
    return Arranged(meeting.id, [i.id for i in items if i.id is not None])
