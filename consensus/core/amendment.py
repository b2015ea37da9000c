"""What may be done with an amendment now: proposing one, withdrawing it, co-sponsoring it, the
chair's decision on it, and reopening that decision.

A delegation proposes, withdraws and co-sponsors for itself, while the amendment is proposed and
its version may change; the chair decides on it then. Two accepted amendments on one clause refuse
consolidation for good unless one decision can be undone: the chair reopens an accepted amendment
(it is proposed again, to be decided anew) as long as it has not been consolidated and its version
is still the one under negotiation. Pure: the amendment page's buttons and the write paths ask the
same functions. ``frozen`` is what ``core.versions.frozen_refusal`` says of the amendment's version.
"""

from __future__ import annotations

from dataclasses import dataclass

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_
from consensus.labels import AMENDMENT_STATUSES

CHAIR, DELEGATE = "chair", "delegate"


@dataclass(frozen=True, slots=True)
class Member:
    """Who asks: their role in the group and the delegation they act for (None for the chair, the
    secretariat and observers)."""

    role: str
    delegation_id: int | None = None

    @property
    def delegate(self) -> bool:
        """A delegate acting for their delegation."""
        return self.role == DELEGATE and self.delegation_id is not None


@dataclass(frozen=True, slots=True)
class AmendmentFacts:
    """What the rules on one amendment depend on."""

    id: int
    status: str
    version: int
    frozen: Refusal | None = None
    """Why its version may no longer change (superseded or adopted), None while it may."""
    applied_in: int | None = None
    """The version it was consolidated into, if any."""
    delegation_id: int | None = None
    """The proposing delegation."""


def propose_refusal(member: Member, frozen: Refusal | None) -> Refusal | None:
    """Why ``member`` may not propose an amendment to the version now, or None if they may."""
    return _delegate_refusal(member, N_("propose amendments")) or frozen


def withdraw_refusal(member: Member, amendment: AmendmentFacts) -> Refusal | None:
    """Why ``member`` may not withdraw ``amendment``, or None: only its own delegation may."""
    refusal = _delegate_refusal(member, N_("withdraw amendments"))
    if refusal is None and amendment.delegation_id != member.delegation_id:
        refusal = Refusal(
            "forbidden",
            Phrase(N_("Only the proposing delegation can withdraw amendment {id}."), {"id": str(amendment.id)}),
        )
    return refusal or _proposed_refusal(amendment)


def sponsor_refusal(member: Member, amendment: AmendmentFacts) -> Refusal | None:
    """Why ``member`` may not co-sponsor ``amendment`` (or stop co-sponsoring it), or None: any
    delegation but the proposing one may."""
    refusal = _delegate_refusal(member, N_("co-sponsor amendments"))
    if refusal is None and amendment.delegation_id == member.delegation_id:
        refusal = Refusal(
            "conflict",
            Phrase(
                N_("Your delegation proposed amendment {id}: it cannot also co-sponsor it."), {"id": str(amendment.id)}
            ),
        )
    return refusal or _proposed_refusal(amendment)


def decide_refusal(role: str, amendment: AmendmentFacts) -> Refusal | None:
    """Why ``role`` may not accept or reject ``amendment`` now, or None if they may."""
    if role != CHAIR:
        return Refusal("forbidden", Phrase(N_("Only the chair decides on amendments.")))
    return _proposed_refusal(amendment)


def reopen_refusal(role: str, amendment: AmendmentFacts) -> Refusal | None:
    """Why ``role`` may not reopen the acceptance of ``amendment``, or None if they may."""
    values = {"id": str(amendment.id), "n": amendment.version}
    if role != CHAIR:
        return Refusal("forbidden", Phrase(N_("Only the chair reopens a decision on an amendment.")))
    if amendment.status != "accepted":
        return Refusal(
            "conflict",
            Phrase(N_("Amendment {id} has not been accepted: only an accepted one can be reopened."), values),
        )
    if amendment.applied_in is not None:
        return Refusal(
            "conflict",
            Phrase(
                N_("Amendment {id} has been consolidated into version {applied}: it can no longer be reopened."),
                {**values, "applied": amendment.applied_in},
            ),
        )
    if amendment.frozen is not None:
        return Refusal(
            "conflict",
            Phrase(N_("Version {n} is frozen (superseded or adopted): its amendments can no longer change."), values),
        )
    return None


def _delegate_refusal(member: Member, doing: str) -> Refusal | None:
    if member.delegate:
        return None
    return Refusal(
        "forbidden", Phrase(N_("Only delegates {doing}, for their own delegation."), {"doing": Phrase(doing)})
    )


def _proposed_refusal(amendment: AmendmentFacts) -> Refusal | None:
    """A decided or withdrawn amendment no longer changes, nor does any on a frozen version."""
    if amendment.status != "proposed":
        label = AMENDMENT_STATUSES.get(amendment.status)
        status = Phrase(label.in_sentence) if label is not None and label.in_sentence else amendment.status
        return Refusal(
            "conflict",
            Phrase(
                N_("Amendment {id} is {status}: it can no longer change."), {"id": str(amendment.id), "status": status}
            ),
        )
    return amendment.frozen
