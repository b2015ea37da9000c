"""The audit chain: how an event is hashed, and how a chain of events is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class EventFields:
    """What an audit event says; its hash covers all of it plus its place in the chain."""

    seq: int
    at: datetime
    user_id: int | None
    actor: str
    group_id: int | None
    delegation: str
    action: str
    object_type: str
    object_id: str
    details: str


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from storage, with the hashes it was stored with."""

    id: int
    fields: EventFields
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of walking the chain: ``ok``, or the first bad event and why."""

    ok: bool
    events: int
    head_hash: str
    bad_event_id: int | None = None
    bad_seq: int | None = None
    reason: str = ""


def canonical_details(details: Mapping[str, Any] | None) -> str:
    """Details as canonical JSON text (sorted keys, no spaces), so the hash input is exact."""
    return json.dumps(details or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_time(at: datetime) -> str:
    """A timestamp as UTC ISO text with microseconds."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(fields: EventFields, prev_hash: str) -> str:
    """The SHA-256 of an event's fields and the hash of the event before it."""
    payload = [
        fields.seq,
        canonical_time(fields.at),
        fields.user_id,
        fields.actor,
        fields.group_id,
        fields.delegation,
        fields.action,
        fields.object_type,
        fields.object_id,
        fields.details,
        prev_hash,
    ]
    encoded = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def verify_chain(events: Iterable[StoredEvent], head_seq: int, head_hash: str) -> ChainReport:
    """Walk events in storage order and report the first one edited, removed or reordered.

    ``head_seq``/``head_hash`` are what the chain head recorded at the last append: they catch
    events removed from the end of the chain.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0

    def broken(event: StoredEvent | None, seq: int, reason: str) -> ChainReport:
        return ChainReport(False, count, expected_prev, event.id if event else None, seq, reason)

    for event in events:
        count += 1
        seq = event.fields.seq
        where = f"event #{event.id} (seq {seq}, {event.fields.action})"
        if seq != expected_seq:
            what = "removed or reordered" if seq > expected_seq else "reordered or duplicated"
            return broken(event, seq, f"{where} stands where sequence {expected_seq} was expected: events were {what}")
        if event.prev_hash != expected_prev:
            return broken(event, seq, f"{where} does not follow the event before it: an event was removed or reordered")
        if event_hash(event.fields, event.prev_hash) != event.hash:
            return broken(event, seq, f"{where} was edited: its content no longer matches its hash")
        expected_prev = event.hash
        expected_seq += 1
    if count != head_seq or expected_prev != head_hash:
        return broken(
            None,
            count + 1,
            f"the chain ends at sequence {count} but its head records sequence {head_seq}: "
            "events were removed from the end",
        )
    return ChainReport(True, count, expected_prev)
