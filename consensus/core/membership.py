"""Who may hold which seat in a group: the rules for adding, inviting, changing and removing members.

Pure: the services load the facts (the seat asked for, the delegation's current head, how many
members the secretariat has) and the page flags ask the same questions, so a button is shown only
where the write path would accept it. Each answer is a ``Refusal`` naming the form field at fault,
its words a msgid (marked with ``N_``) with their placeholders as data: the caller renders them in
the reader's language. A group file's checker asks the same rules of every user it lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_

ROLES = (CHAIR, SECRETARIAT, DELEGATE, OBSERVER) = ("chair", "secretariat", "delegate", "observer")

UNKNOWN_ROLE = N_("Choose a role: chair, secretariat, delegate or observer.")
DELEGATE_WITHOUT_DELEGATION = N_("A delegate belongs to a delegation: choose one.")
GROUP_ROLE_WITH_DELEGATION = N_("The chair and the secretariat act for the group, not for a delegation.")
HEAD_NOT_A_DELEGATE = N_("Only a delegate can hold the delegation's voting right.")


@dataclass(frozen=True, slots=True)
class Seat:
    """What a membership gives, or an invitation will give: a role, a delegation, the voting right."""

    role: str
    delegation: str = ""
    """The delegation's code ('' when none)."""
    head: bool = False


def seat_refusals(seat: Seat) -> list[Refusal]:
    """What is inconsistent in a seat on its own (role, delegation and head flag together)."""
    refusals = []
    if seat.role not in ROLES:
        refusals.append(Refusal("invalid", Phrase(UNKNOWN_ROLE), "role"))
    if seat.role == DELEGATE and not seat.delegation:
        refusals.append(Refusal("invalid", Phrase(DELEGATE_WITHOUT_DELEGATION), "delegation"))
    if seat.role in (CHAIR, SECRETARIAT) and seat.delegation:
        refusals.append(Refusal("invalid", Phrase(GROUP_ROLE_WITH_DELEGATION), "delegation"))
    if seat.head and seat.role != DELEGATE:
        refusals.append(Refusal("invalid", Phrase(HEAD_NOT_A_DELEGATE), "head"))
    return refusals


def head_refusal(seat: Seat, delegation_name: str, current_head: str | None) -> Refusal | None:
    """A delegation has one head: refused when the seat claims the voting right another member holds.

    ``current_head`` is the name of the member who holds it now (not counting the one whose seat
    changes), or None.
    """
    if seat.head and current_head is not None:
        return Refusal(
            "conflict",
            Phrase(
                N_("{delegation} already has a head of delegation: {name}."),
                {"delegation": delegation_name, "name": current_head},
            ),
            "head",
        )
    return None


def leaving_secretariat_refusal(before: Seat, after: Seat | None, secretariat_members: int) -> Refusal | None:
    """The group keeps at least one member of the secretariat: its last one cannot be removed or
    given another role (``after`` None means the member is removed)."""
    leaves = before.role == SECRETARIAT and (after is None or after.role != SECRETARIAT)
    if leaves and secretariat_members <= 1:
        return Refusal(
            "conflict",
            Phrase(N_("The group needs at least one member of the secretariat: name another one first.")),
            "role",
        )
    return None


def change_refusals(
    before: Seat | None,
    after: Seat | None,
    *,
    secretariat_members: int = 0,
    delegation_name: str = "",
    current_head: str | None = None,
) -> list[Refusal]:
    """Everything that stands in the way of giving a seat (``before`` None: a new member), changing
    it, or taking it away (``after`` None)."""
    refusals = seat_refusals(after) if after is not None else []
    if after is not None:
        refusals += [r for r in [head_refusal(after, delegation_name, current_head)] if r]
    if before is not None:
        refusals += [r for r in [leaving_secretariat_refusal(before, after, secretariat_members)] if r]
    return refusals


def invitation_sets_password(*, has_password: bool, groups_with_a_seat: int, other_groups_inviting: int) -> bool:
    """Whether an invitation's link may set the account's password.

    Only for an account that has no password yet and that no group but the inviting one has
    touched (no seat anywhere, no other group's invitation): otherwise one group's secretariat,
    who holds the link, could take over an account someone else is about to use.
    """
    return not has_password and groups_with_a_seat == 0 and other_groups_inviting == 0
