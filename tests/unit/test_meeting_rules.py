"""The pure rules of meetings: who may, valid times, agenda subjects, taking up items, the roll
call, the quorum base."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from consensus.core.meetings import (
    ItemState,
    Recorder,
    SubjectAsked,
    SubjectFacts,
    action_refusal,
    attendance_refusal,
    finish,
    manage_refusal,
    next_item,
    quorum_base_refusal,
    roll_call_refusal,
    subject_refusal,
    take_up,
    times_refusal,
)

NOON = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
NUMBERS = ("1", "1.1", "2", "3", "3.1", "3.2")


@pytest.mark.parametrize("role", ["chair", "secretariat"])
def test_the_chair_and_the_secretariat_run_meetings(role: str) -> None:
    assert manage_refusal(role) is None


@pytest.mark.parametrize("role", ["delegate", "observer"])
def test_delegates_and_observers_do_not_run_meetings(role: str) -> None:
    refusal = manage_refusal(role)
    assert refusal is not None and refusal.kind == "forbidden"


def test_a_meeting_ends_after_it_starts() -> None:
    assert times_refusal(NOON, NOON + timedelta(hours=3)) is None
    for end in (NOON, NOON - timedelta(minutes=1)):
        refusal = times_refusal(NOON, end)
        assert refusal is not None and refusal.field == "ends_at"


def test_a_meeting_of_several_months_is_refused_as_a_typing_mistake() -> None:
    assert times_refusal(NOON, NOON + timedelta(days=90)) is not None


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [
        ("start", "scheduled", True),
        ("start", "in_progress", False),
        ("close", "in_progress", True),
        ("close", "scheduled", False),
        ("cancel", "scheduled", True),
        ("cancel", "closed", False),
        ("change", "cancelled", False),
        ("run", "scheduled", False),
        ("run", "in_progress", True),
    ],
)
def test_what_a_meeting_allows_follows_its_status(action: str, status: str, allowed: bool) -> None:
    refusal = action_refusal("chair", action, status)  # type: ignore[arg-type]
    assert (refusal is None) is allowed
    if refusal is not None:
        assert refusal.kind == "conflict"


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        (SubjectAsked(document="charter"), "document"),
        (SubjectAsked(clause="3.2"), "clause"),
        (SubjectAsked(document="declaration", clause="9"), "clause"),
        (SubjectAsked(document="declaration", last_clause="3.2"), "clause"),
        (SubjectAsked(document="declaration", clause="3.2", last_clause="2"), "last_clause"),
        (SubjectAsked(document="declaration", clause="3.2", last_clause="3.2"), "last_clause"),
        (SubjectAsked(round=7), "round"),
    ],
)
def test_an_agenda_item_points_only_to_what_the_group_holds(asked: SubjectAsked, field: str) -> None:
    facts = SubjectFacts(document_found=asked.document == "declaration", clause_numbers=NUMBERS, round_found=False)
    refusal = subject_refusal(asked, facts)
    assert refusal is not None and refusal.kind == "invalid" and refusal.field == field


def test_an_agenda_item_may_point_to_a_range_of_clauses_and_a_round() -> None:
    asked = SubjectAsked("declaration", "1.1", "3.1", 7)
    assert subject_refusal(asked, SubjectFacts(True, NUMBERS, True)) is None
    assert subject_refusal(SubjectAsked(), SubjectFacts()) is None


def test_taking_up_an_item_ends_the_one_under_discussion() -> None:
    items = [ItemState(1, 0, "done"), ItemState(2, 1, "current"), ItemState(3, 2, "pending")]
    changes = take_up(items, 3)
    assert [(c.id, c.status, c.starts, c.ends) for c in changes] == [
        (2, "done", False, True),
        (3, "current", True, False),
    ]
    assert take_up(items, 2) == []


def test_the_next_item_is_the_first_to_come_after_the_current_one() -> None:
    assert next_item([ItemState(1, 0, "pending"), ItemState(2, 1, "pending")]) == 1
    assert next_item([ItemState(1, 0, "pending"), ItemState(2, 1, "current"), ItemState(3, 2, "pending")]) == 3
    assert next_item([ItemState(1, 0, "done"), ItemState(2, 1, "current")]) is None


def test_closing_the_meeting_ends_the_item_under_discussion() -> None:
    assert [(c.id, c.status) for c in finish([ItemState(1, 0, "current"), ItemState(2, 1, "pending")])] == [(1, "done")]


def test_a_head_records_only_its_own_delegation_and_the_secretariat_any() -> None:
    head = Recorder("delegate", delegation_id=5, is_head=True)
    assert attendance_refusal(head, 5, "scheduled") is None
    refused = attendance_refusal(head, 6, "scheduled")
    assert refused is not None and refused.kind == "forbidden"
    delegate = attendance_refusal(Recorder("delegate", delegation_id=5), 5, "scheduled")
    assert delegate is not None and delegate.kind == "forbidden"
    assert attendance_refusal(Recorder("secretariat"), 6, "in_progress") is None
    cancelled = attendance_refusal(Recorder("secretariat"), 6, "cancelled")
    assert cancelled is not None and cancelled.kind == "conflict"


def test_a_quorum_of_those_present_needs_a_meeting_and_its_roll_call() -> None:
    assert quorum_base_refusal("eligible", None) is None
    assert quorum_base_refusal("present", 3) is None
    alone = quorum_base_refusal("present", None)
    assert alone is not None and alone.field == "meeting"
    other = quorum_base_refusal("attending", 3)
    assert other is not None and other.field == "quorum_base"
    assert roll_call_refusal("present", 0) is not None
    assert roll_call_refusal("present", 4) is None and roll_call_refusal("eligible", 0) is None
