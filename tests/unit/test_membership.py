"""The seat rules, as plain values: what a seat may be, one head per delegation, the group keeps a
member of the secretariat, and when an invitation may set a password."""

from __future__ import annotations

import pytest

from consensus.core.membership import (
    Seat,
    change_refusals,
    head_refusal,
    invitation_sets_password,
    leaving_secretariat_refusal,
    seat_refusals,
)
from consensus.core.refusal import Refusal
from consensus.core.tally import ENGLISH


def fields(refusals: list[Refusal]) -> set[str]:
    return {refusal.field for refusal in refusals}


@pytest.mark.parametrize(
    ("seat", "wrong"),
    [
        (Seat("delegate", "KEN", head=True), set()),
        (Seat("observer"), set()),
        (Seat("observer", "KEN"), set()),
        (Seat("emperor"), {"role"}),
        (Seat("delegate"), {"delegation"}),
        (Seat("chair", "KEN"), {"delegation"}),
        (Seat("secretariat", "KEN", head=True), {"delegation", "head"}),
        (Seat("observer", head=True), {"head"}),
    ],
)
def test_a_seat_names_what_is_inconsistent(seat: Seat, wrong: set[str]) -> None:
    assert fields(seat_refusals(seat)) == wrong


def test_a_delegation_has_one_head_and_the_refusal_names_them() -> None:
    refusal = head_refusal(Seat("delegate", "KEN", head=True), "Kenya", "Ms. A")
    assert refusal is not None and ENGLISH.phrase(refusal.phrase) == "Kenya already has a head of delegation: Ms. A."
    assert refusal.field == "head"
    assert head_refusal(Seat("delegate", "KEN", head=True), "Kenya", None) is None
    assert head_refusal(Seat("delegate", "KEN"), "Kenya", "Ms. A") is None


@pytest.mark.parametrize(
    ("after", "members", "refused"),
    [
        (None, 1, True),
        (Seat("observer"), 1, True),
        (Seat("secretariat"), 1, False),
        (None, 2, False),
        (Seat("observer"), 2, False),
    ],
)
def test_the_last_member_of_the_secretariat_stays(after: Seat | None, members: int, refused: bool) -> None:
    assert (leaving_secretariat_refusal(Seat("secretariat"), after, members) is not None) is refused
    assert leaving_secretariat_refusal(Seat("observer"), after, 1) is None


def test_a_change_gathers_every_problem() -> None:
    refusals = change_refusals(
        Seat("secretariat"), Seat("delegate", "", head=True), secretariat_members=1, delegation_name="Kenya"
    )
    assert fields(refusals) == {"delegation", "role"}


@pytest.mark.parametrize(
    ("has_password", "seats", "others", "sets"),
    [
        (False, 0, 0, True),  # a new account, or one this group invited before
        (True, 0, 0, False),  # its owner chose a password: they sign in
        (False, 1, 0, False),  # a group already counts on it
        (False, 0, 1, False),  # another group is waiting for it to be set
    ],
)
def test_only_an_untouched_account_has_its_password_set_by_a_link(
    has_password: bool, seats: int, others: int, sets: bool
) -> None:
    assert (
        invitation_sets_password(has_password=has_password, groups_with_a_seat=seats, other_groups_inviting=others)
        is sets
    )
