"""The audit chain: how an event is hashed, and how a chain of events is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A place in the chain published elsewhere (with a closed round or a published text)."""

    seq: int
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
    signed: int = 0
    """How many events carry a valid signature (the ones before signing began carry none)."""
    unsigned_before_signing: int = 0
    problems: tuple[str, ...] = field(default_factory=tuple)
    """Every disagreement found, beyond the first (``reason``)."""


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


SignatureCheck = Callable[[str, str], bool]
"""Whether a signature (hex) is the audit key's over an event hash."""


def verify_chain(
    events: Iterable[StoredEvent],
    head_seq: int,
    head_hash: str,
    signature_valid: SignatureCheck | None = None,
    checkpoints: Iterable[Checkpoint] = (),
) -> ChainReport:
    """Walk events in storage order and report the first one edited, removed or reordered.

    ``head_seq``/``head_hash`` are what the chain head recorded at the last append: they catch
    events removed from the end of the chain — unless whoever removed them moved the head too,
    which the checkpoints (published with closed rounds and texts) and the state catch. With
    ``signature_valid``, every event from the first signed one on must carry the audit key's
    signature, and a chain that has events must have a signed one: recomputing the hashes after an
    edit needs the key, which is not in the database.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = signed = unsigned = 0
    wanted = {checkpoint.seq: checkpoint for checkpoint in checkpoints}
    found: dict[int, str] = {}

    def broken(event: StoredEvent | None, seq: int, reason: str) -> ChainReport:
        return ChainReport(False, count, expected_prev, event.id if event else None, seq, reason, signed, unsigned)

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
        if signature_valid is not None:
            if event.signature is None:
                if signed:
                    return broken(event, seq, f"{where} is not signed, though events before it are: it was forged")
                unsigned += 1
            elif not signature_valid(event.hash, event.signature):
                return broken(
                    event, seq, f"{where} does not carry the audit key's signature: it was rewritten without the key"
                )
            else:
                signed += 1
        if seq in wanted:
            found[seq] = event.hash
        expected_prev = event.hash
        expected_seq += 1
    if count != head_seq or expected_prev != head_hash:
        return broken(
            None,
            count + 1,
            f"the chain ends at sequence {count} but its head records sequence {head_seq}: "
            "events were removed from the end",
        )
    if signature_valid is not None and count and not signed:
        return broken(None, count, "no event is signed by the audit key: the chain was rewritten or replaced")
    for seq, checkpoint in sorted(wanted.items()):
        if seq not in found:
            return broken(
                None, seq, f"checkpoint seq {seq} ({checkpoint.hash[:16]}…) is beyond the end of the chain: it was cut"
            )
        if found[seq] != checkpoint.hash:
            return broken(
                None, seq, f"checkpoint seq {seq} ({checkpoint.hash[:16]}…) no longer holds: the chain was rewritten"
            )
    return ChainReport(True, count, expected_prev, signed=signed, unsigned_before_signing=unsigned)


def content_digest(*parts: object) -> str:
    """A digest of what a row says, kept in its audit event so the row can be checked against it."""
    return hashlib.sha256(
        json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    ).hexdigest()
