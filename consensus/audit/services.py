"""Writing audit events in the caller's transaction, and verifying the chain."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from consensus.core.audit import (
    GENESIS_HASH,
    ChainReport,
    EventFields,
    StoredEvent,
    canonical_details,
    event_hash,
    verify_chain,
)
from consensus.db import utcnow
from consensus.models import AuditEvent, AuditHead


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a user (with the delegation they acted for) or a command-line operator."""

    user_id: int | None
    label: str
    delegation: str = ""

    @classmethod
    def command_line(cls) -> Actor:
        return cls(user_id=None, label="command line")


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    group_id: int | None = None,
    delegation: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's (write) transaction.

    The head row is locked (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already
    serialises writers) so two appends can never claim the same place in the chain.
    """
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    fields = EventFields(
        seq=head.last_seq + 1,
        at=utcnow(),
        user_id=actor.user_id,
        actor=actor.label,
        group_id=group_id,
        delegation=actor.delegation if delegation is None else delegation,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=canonical_details(details),
    )
    digest = event_hash(fields, head.last_hash)
    event = AuditEvent(**dataclasses.asdict(fields), prev_hash=head.last_hash, hash=digest)
    session.add(event)
    head.last_seq = fields.seq
    head.last_hash = digest
    session.add(head)
    session.flush()
    return event


def _fields_of(event: AuditEvent) -> EventFields:
    return EventFields(
        seq=event.seq,
        at=event.at,
        user_id=event.user_id,
        actor=event.actor,
        group_id=event.group_id,
        delegation=event.delegation,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        details=event.details,
    )


def _stored_events(session: Session, batch: int = 5000) -> Iterator[StoredEvent]:
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch))
    for event in rows.scalars():
        yield StoredEvent(id=event.id or 0, fields=_fields_of(event), prev_hash=event.prev_hash, hash=event.hash)


def verify(session: Session) -> ChainReport:
    """Walk the whole chain and report the first event edited, removed or reordered."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    return verify_chain(_stored_events(session), head_seq, head_hash)


def chain_head(session: Session) -> tuple[int, str]:
    """The sequence number and hash of the newest event."""
    head = session.get(AuditHead, 1)
    return (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
