"""What may be done with an amendment now: proposing one, withdrawing it, co-sponsoring it, the
chair's decision on it, and reopening that decision.

A delegation proposes, withdraws and co-sponsors for itself, while the amendment is proposed and
its version may change; the chair decides on it then. Two accepted amendments on one clause refuse
consolidation for good unless one decision can be undone: the chair reopens an accepted amendment
(it is proposed again, to be decided anew) as long as it has not been consolidated and its version
is still the one under negotiation. The chair may likewise reopen a rejected one.

A compromise is the chair's text (the secretariat may propose it for the chair) that supersedes
competing proposed amendments on one clause: they are set aside, marked superseded, while it is
decided like any amendment. The chair or the secretariat may withdraw it; a compromise rejected or
withdrawn gives the amendments it superseded back to the delegations (they are proposed again),
because setting them aside was only worth the compromise; reopening a rejected compromise sets them
aside again. Pure: the amendment page's buttons and the write paths ask the same functions.
``frozen`` is what ``core.versions.frozen_refusal`` says of the amendment's version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_
from consensus.labels import AMENDMENT_STATUSES

CHAIR, DELEGATE, SECRETARIAT = "chair", "delegate", "secretariat"
COMPROMISE_KINDS = ("replace", "insert")
"""A compromise is a text: a new text for the clause, or a new clause after it."""
DECIDED = ("accepted", "rejected")


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
    """The proposing delegation (None for a compromise)."""
    compromise: bool = False
    clause_id: int = 0
    """The clause of its version it amends."""
    open_round: bool = False
    """A round on it is open: the delegations are voting on it."""


def propose_refusal(member: Member, frozen: Refusal | None) -> Refusal | None:
    """Why ``member`` may not propose an amendment to the version now, or None if they may."""
    return _delegate_refusal(member, N_("propose amendments")) or frozen


def compromise_refusal(
    role: str, frozen: Refusal | None, clause_id: int, supersedes: Sequence[AmendmentFacts]
) -> Refusal | None:
    """Why ``role`` may not propose a compromise on the clause ``clause_id`` of a version that
    supersedes the amendments ``supersedes``, or None. It supersedes at least one amendment, each
    still proposed on that very clause of that version: a compromise reconciles texts that compete."""
    if role not in (CHAIR, SECRETARIAT):
        return Refusal(
            "forbidden", Phrase(N_("Only the chair, or the secretariat for the chair, proposes a compromise."))
        )
    if frozen is not None:
        return frozen
    if not supersedes:
        return Refusal(
            "invalid", Phrase(N_("Choose the amendments the compromise supersedes: at least one.")), "supersedes"
        )
    for amendment in supersedes:
        values = {"id": str(amendment.id)}
        if amendment.clause_id != clause_id:
            return Refusal(
                "invalid",
                Phrase(
                    N_("Amendment {id} is on another clause: a compromise supersedes amendments on its own clause."),
                    values,
                ),
                "supersedes",
            )
        if amendment.status != "proposed":
            return Refusal(
                "invalid",
                Phrase(
                    N_("Amendment {id} is {status}: only proposed amendments can be superseded."),
                    {**values, "status": _status(amendment.status)},
                ),
                "supersedes",
            )
        if amendment.open_round:
            return Refusal(
                "invalid",
                Phrase(
                    N_("A round on amendment {id} is open: close or cancel it before a compromise supersedes it."),
                    values,
                ),
                "supersedes",
            )
    return None


def withdraw_refusal(member: Member, amendment: AmendmentFacts) -> Refusal | None:
    """Why ``member`` may not withdraw ``amendment``, or None: only its own delegation may, and for
    a compromise the chair or the secretariat."""
    if amendment.compromise:
        if member.role not in (CHAIR, SECRETARIAT):
            return Refusal(
                "forbidden", Phrase(N_("Only the chair, or the secretariat for the chair, withdraws a compromise."))
            )
        return _proposed_refusal(amendment)
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
    if refusal is None and amendment.compromise:
        refusal = Refusal(
            "conflict",
            Phrase(
                N_(
                    "Amendment {id} is the chair's compromise: delegations state their position on it, "
                    "they do not co-sponsor it."
                ),
                {"id": str(amendment.id)},
            ),
        )
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
    """Why ``role`` may not reopen the decision on ``amendment`` (accepted or rejected), or None if
    they may."""
    values = {"id": str(amendment.id), "n": amendment.version}
    if role != CHAIR:
        return Refusal("forbidden", Phrase(N_("Only the chair reopens a decision on an amendment.")))
    if amendment.status not in DECIDED:
        return Refusal(
            "conflict",
            Phrase(
                N_("Amendment {id} is {status}: only an accepted or rejected one can be reopened."),
                {**values, "status": _status(amendment.status)},
            ),
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
        return Refusal(
            "conflict",
            Phrase(
                N_("Amendment {id} is {status}: it can no longer change."),
                {"id": str(amendment.id), "status": _status(amendment.status)},
            ),
        )
    return amendment.frozen


def _status(status: str) -> Phrase | str:
    """A status as it reads inside a sentence ("is superseded by a compromise")."""
    label = AMENDMENT_STATUSES.get(status)
    return Phrase(label.in_sentence) if label is not None and label.in_sentence else status
