"""Writing audit events in the caller's transaction, and verifying the chain."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.audit.consistency import state_problems
from consensus.audit.keys import key_of, signature_check
from consensus.core.audit import (
    GENESIS_HASH,
    ChainReport,
    Checkpoint,
    EventFields,
    SignatureCheck,
    StoredEvent,
    canonical_details,
    event_hash,
    verify_chain,
)
from consensus.db import utcnow, write_transaction
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One event to append: what was done to which object, with its details."""

    action: str
    object_type: str
    object_id: object = ""
    details: Mapping[str, Any] | None = None


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
    """Append one event to the chain, inside the caller's (write) transaction."""
    entry = Entry(action, object_type, object_id, details)
    return record_many(session, actor, [entry], group_id=group_id, delegation=delegation)[0]


def record_many(
    session: Session,
    actor: Actor,
    entries: Sequence[Entry],
    *,
    group_id: int | None = None,
    delegation: str | None = None,
) -> list[AuditEvent]:
    """Append events to the chain in order, inside the caller's (write) transaction: the head is
    read and moved once, however many there are (an import of a hundred rows is one lock, one flush).

    The head row is locked (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already
    serialises writers) so two appends can never claim the same place in the chain.
    """
    head = session.execute(select(AuditHead).where(col(AuditHead.id) == 1).with_for_update()).scalar_one()
    key = key_of(session.get_bind())
    at = utcnow()
    events = []
    for entry in entries:
        fields = EventFields(
            seq=head.last_seq + 1,
            at=at,
            user_id=actor.user_id,
            actor=actor.label,
            group_id=group_id,
            delegation=actor.delegation if delegation is None else delegation,
            action=entry.action,
            object_type=entry.object_type,
            object_id=str(entry.object_id),
            details=canonical_details(entry.details),
        )
        digest = event_hash(fields, head.last_hash)
        events.append(
            AuditEvent(
                **dataclasses.asdict(fields),
                prev_hash=head.last_hash,
                hash=digest,
                signature=key.sign(digest) if key else None,
            )
        )
        head.last_seq = fields.seq
        head.last_hash = digest
    session.add_all(events)
    session.add(head)
    session.flush()
    return events


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
    rows = session.execute(select(AuditEvent).order_by(col(AuditEvent.seq)).execution_options(yield_per=batch))
    for event in rows.scalars():
        yield StoredEvent(
            id=event.id or 0,
            fields=_fields_of(event),
            prev_hash=event.prev_hash,
            hash=event.hash,
            signature=event.signature,
        )


def verify(
    session: Session, signature_valid: SignatureCheck | None = None, checkpoints: Iterable[Checkpoint] = ()
) -> ChainReport:
    """Walk the whole chain and report the first event edited, removed, reordered or unsigned, and
    any checkpoint it no longer holds; then check that the state agrees with the last events about
    it (``audit.consistency``)."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    report = verify_chain(_stored_events(session), head_seq, head_hash, signature_valid, checkpoints)
    problems = state_problems(session)
    if not problems:
        return report
    if report.ok:
        return dataclasses.replace(report, ok=False, reason=problems[0], problems=tuple(problems[1:]))
    return dataclasses.replace(report, problems=tuple(problems))


def start_signing(session: Session) -> bool:
    """Sign the chain from now on. When the newest event was not signed by this process's key (it
    was written before there was a key, or under another key, say after a restore into a new data
    folder), an event naming the key is appended and signed: it seals everything before it, and
    `audit verify` then needs the earlier key too. True if one was appended."""
    key = key_of(session.get_bind())
    if key is None:
        return False
    with write_transaction(session):
        newest = session.execute(
            select(col(AuditEvent.hash), col(AuditEvent.signature)).order_by(col(AuditEvent.seq).desc()).limit(1)
        ).first()
        if newest is None or (newest[1] is not None and signature_check(key.public)(newest[0], newest[1])):
            return False
        record(
            session,
            Actor(user_id=None, label="audit key"),
            "audit.signing",
            "audit",
            details={"public_key": key.public_pem()},
        )
        return True
