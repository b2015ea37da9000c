"""What may be done with a decided amendment now: reopening the chair's acceptance.

Two accepted amendments on one clause refuse consolidation for good unless one decision can be
undone: the chair reopens an accepted amendment (it is proposed again, to be decided anew) as
long as it has not been consolidated and its version is still the one under negotiation. Pure:
the amendment page's button and the write path ask the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_


@dataclass(frozen=True, slots=True)
class DecidedAmendment:
    """What reopening depends on."""

    id: int
    status: str
    version: int
    version_frozen: bool
    """Its version has been superseded or adopted."""
    applied_in: int | None = None
    """The version it was consolidated into, if any."""


def reopen_refusal(role: str, amendment: DecidedAmendment) -> Refusal | None:
    """Why ``role`` may not reopen the acceptance of ``amendment``, or None if they may."""
    values = {"id": str(amendment.id), "n": amendment.version}
    if role != "chair":
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
    if amendment.version_frozen:
        return Refusal(
            "conflict",
            Phrase(N_("Version {n} is frozen (superseded or adopted): its amendments can no longer change."), values),
        )
    return None
