"""Who may hold which seat in a group: the rules for adding, inviting, changing and removing members.

Pure: the services load the facts (the seat asked for, the delegation's current head, how many
members the secretariat has) and the page flags ask the same questions, so a button is shown only
where the write path would accept it. Messages are msgids (marked with ``N_``) with their
placeholders as data: the caller translates them for the reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from consensus.core.groupfile import ROLES
from consensus.i18n import N_

CHAIR, SECRETARIAT, DELEGATE, OBSERVER = ROLES


@dataclass(frozen=True, slots=True)
class Seat:
    """What a membership gives, or an invitation will give: a role, a delegation, the voting right."""

    role: str
    delegation: str = ""
    """The delegation's code ('' when none)."""
    head: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a seat cannot be had or changed: the form field at fault and what to say."""

    field: str
    message: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def text(self, translate: Callable[[str], str]) -> str:
        return translate(self.message).format(**self.params)


def seat_problems(seat: Seat) -> list[Problem]:
    """What is inconsistent in a seat on its own (role, delegation and head flag together)."""
    problems = []
    if seat.role not in ROLES:
        problems.append(Problem("role", N_("Choose a role: chair, secretariat, delegate or observer.")))
    if seat.role == DELEGATE and not seat.delegation:
        problems.append(Problem("delegation", N_("A delegate belongs to a delegation: choose one.")))
    if seat.role in (CHAIR, SECRETARIAT) and seat.delegation:
        problems.append(
            Problem("delegation", N_("The chair and the secretariat act for the group, not for a delegation."))
        )
    if seat.head and seat.role != DELEGATE:
        problems.append(Problem("head", N_("Only a delegate can hold the delegation's voting right.")))
    return problems


def head_problem(seat: Seat, delegation_name: str, current_head: str | None) -> Problem | None:
    """A delegation has one head: refused when the seat claims the voting right another member holds.

    ``current_head`` is the name of the member who holds it now (not counting the one whose seat
    changes), or None.
    """
    if seat.head and current_head is not None:
        return Problem(
            "head",
            N_("{delegation} already has a head of delegation: {name}."),
            {"delegation": delegation_name, "name": current_head},
        )
    return None


def leaving_secretariat_problem(before: Seat, after: Seat | None, secretariat_members: int) -> Problem | None:
    """The group keeps at least one member of the secretariat: its last one cannot be removed or
    given another role (``after`` None means the member is removed)."""
    leaves = before.role == SECRETARIAT and (after is None or after.role != SECRETARIAT)
    if leaves and secretariat_members <= 1:
        return Problem(
            "role",
            N_("The group needs at least one member of the secretariat: name another one first."),
        )
    return None


def change_problems(
    before: Seat,
    after: Seat | None,
    *,
    secretariat_members: int,
    delegation_name: str = "",
    current_head: str | None = None,
) -> list[Problem]:
    """Everything that stands in the way of changing a member's seat (or removing them: ``after``
    None)."""
    problems = seat_problems(after) if after is not None else []
    if after is not None:
        problems += [p for p in [head_problem(after, delegation_name, current_head)] if p]
    problems += [p for p in [leaving_secretariat_problem(before, after, secretariat_members)] if p]
    return problems


def invitation_sets_password(*, has_password: bool, groups_with_a_seat: int, other_groups_inviting: int) -> bool:
    """Whether an invitation's link may set the account's password.

    Only for an account that has no password yet and that no group but the inviting one has
    touched (no seat anywhere, no other group's invitation): otherwise one group's secretariat,
    who holds the link, could take over an account someone else is about to use.
    """
    return not has_password and groups_with_a_seat == 0 and other_groups_inviting == 0
