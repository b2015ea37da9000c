"""The audit chain, as pure values: hashing and the detection of tampering."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from consensus.core.audit import (
    GENESIS_HASH,
    EventFields,
    StoredEvent,
    canonical_details,
    event_hash,
    verify_chain,
)

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def build_chain(n: int) -> list[StoredEvent]:
    events = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        fields = EventFields(
            seq=i,
            at=T0 + timedelta(seconds=i),
            user_id=i % 3 or None,
            actor=f"user{i}@example.org",
            group_id=1,
            delegation="KEN" if i % 2 else "",
            action="comment.create",
            object_type="comment",
            object_id=str(i),
            details=canonical_details({"body": f"text {i}", "n": i}),
        )
        digest = event_hash(fields, prev)
        events.append(StoredEvent(id=100 + i, fields=fields, prev_hash=prev, hash=digest))
        prev = digest
    return events


def test_an_untouched_chain_verifies() -> None:
    chain = build_chain(5)
    report = verify_chain(chain, head_seq=5, head_hash=chain[-1].hash)
    assert report.ok
    assert report.events == 5
    assert report.head_hash == chain[-1].hash


def test_an_empty_chain_verifies_against_the_genesis_head() -> None:
    assert verify_chain([], head_seq=0, head_hash=GENESIS_HASH).ok


def test_the_hash_depends_on_every_field() -> None:
    fields = build_chain(1)[0].fields
    base = event_hash(fields, GENESIS_HASH)
    variants = [
        replace(fields, seq=2),
        replace(fields, at=fields.at + timedelta(microseconds=1)),
        replace(fields, user_id=99),
        replace(fields, actor="someone@else.org"),
        replace(fields, group_id=2),
        replace(fields, delegation="FRA"),
        replace(fields, action="comment.delete"),
        replace(fields, object_type="amendment"),
        replace(fields, object_id="2"),
        replace(fields, details='{"body":"other"}'),
    ]
    assert len({event_hash(v, GENESIS_HASH) for v in variants} | {base}) == len(variants) + 1
    assert event_hash(fields, "f" * 64) != base


def test_details_are_canonical_whatever_the_key_order() -> None:
    assert canonical_details({"b": 1, "a": "é"}) == canonical_details({"a": "é", "b": 1}) == '{"a":"é","b":1}'


def test_an_edited_event_is_named() -> None:
    chain = build_chain(5)
    chain[2] = replace(chain[2], fields=replace(chain[2].fields, details='{"body":"forged"}'))
    report = verify_chain(chain, 5, chain[-1].hash)
    assert not report.ok
    assert report.bad_event_id == chain[2].id
    assert "edited" in report.reason


def test_a_removed_event_is_found() -> None:
    chain = build_chain(5)
    del chain[1]
    report = verify_chain(chain, 5, chain[-1].hash)
    assert not report.ok
    assert report.bad_seq == 3
    assert "removed" in report.reason


def test_reordered_events_are_found() -> None:
    chain = build_chain(5)
    chain[1], chain[2] = chain[2], chain[1]
    report = verify_chain(chain, 5, chain[-1].hash)
    assert not report.ok
    assert report.bad_event_id == chain[1].id


def test_events_renumbered_to_hide_a_removal_break_the_links() -> None:
    chain = build_chain(4)
    del chain[1]
    renumbered = [chain[0]] + [replace(e, fields=replace(e.fields, seq=e.fields.seq - 1)) for e in chain[1:]]
    report = verify_chain(renumbered, 3, renumbered[-1].hash)
    assert not report.ok
    assert report.bad_event_id == renumbered[1].id


def test_events_removed_from_the_end_are_found_through_the_head() -> None:
    chain = build_chain(5)
    report = verify_chain(chain[:3], head_seq=5, head_hash=chain[-1].hash)
    assert not report.ok
    assert "removed from the end" in report.reason
