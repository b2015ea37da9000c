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
    walk = _Walk(signature_valid, {checkpoint.seq: checkpoint for checkpoint in checkpoints})
    for event in events:
        problem = walk.step(event)
        if problem:
            return walk.report(event, event.fields.seq, problem)
    if walk.count != head_seq or walk.previous != head_hash:
        return walk.report(
            None,
            walk.count + 1,
            f"the chain ends at sequence {walk.count} but its head records sequence {head_seq}: "
            "events were removed from the end",
        )
    if signature_valid is not None and walk.count and not walk.signed:
        return walk.report(None, walk.count, "no event is signed by the audit key: the chain was rewritten or replaced")
    for seq, checkpoint in sorted(walk.wanted.items()):
        problem = _checkpoint_problem(checkpoint, walk.found.get(seq))
        if problem:
            return walk.report(None, seq, problem)
    return ChainReport(True, walk.count, walk.previous, signed=walk.signed, unsigned_before_signing=walk.unsigned)


class _Walk:
    """Where a walk along the chain stands: the event expected next and what was seen so far."""

    def __init__(self, signature_valid: SignatureCheck | None, wanted: dict[int, Checkpoint]) -> None:
        self.signature_valid = signature_valid
        self.wanted = wanted
        self.found: dict[int, str] = {}
        self.previous = GENESIS_HASH
        self.count = self.signed = self.unsigned = 0

    def step(self, event: StoredEvent) -> str:
        """Check the next event; what is wrong with it ('' if nothing)."""
        self.count += 1
        seq, expected = event.fields.seq, self.count
        where = f"event #{event.id} (seq {seq}, {event.fields.action})"
        if seq != expected:
            what = "removed or reordered" if seq > expected else "reordered or duplicated"
            return f"{where} stands where sequence {expected} was expected: events were {what}"
        if event.prev_hash != self.previous:
            return f"{where} does not follow the event before it: an event was removed or reordered"
        if event_hash(event.fields, event.prev_hash) != event.hash:
            return f"{where} was edited: its content no longer matches its hash"
        problem = self._signature_problem(event, where)
        if problem:
            return problem
        if seq in self.wanted:
            self.found[seq] = event.hash
        self.previous = event.hash
        return ""

    def _signature_problem(self, event: StoredEvent, where: str) -> str:
        if self.signature_valid is None:
            return ""
        if event.signature is None:
            if self.signed:
                return f"{where} is not signed, though events before it are: it was forged"
            self.unsigned += 1
            return ""
        if not self.signature_valid(event.hash, event.signature):
            return f"{where} does not carry the audit key's signature: it was rewritten without the key"
        self.signed += 1
        return ""

    def report(self, event: StoredEvent | None, seq: int, reason: str) -> ChainReport:
        return ChainReport(
            False, self.count, self.previous, event.id if event else None, seq, reason, self.signed, self.unsigned
        )


def _checkpoint_problem(checkpoint: Checkpoint, found: str | None) -> str:
    name = f"checkpoint seq {checkpoint.seq} ({checkpoint.hash[:16]}…)"
    if found is None:
        return f"{name} is beyond the end of the chain: it was cut"
    if found != checkpoint.hash:
        return f"{name} no longer holds: the chain was rewritten"
    return ""


def content_digest(*parts: object) -> str:
    """A digest of what a row says, kept in its audit event so the row can be checked against it."""
    return hashlib.sha256(
        json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    ).hexdigest()
