"""Whether a version may still change: the rule every write to a version's text, comments,
amendments, positions or rounds asks first."""

from __future__ import annotations

from consensus.core.documents import in_preparation_refusal
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_


def frozen_refusal(
    number: int, latest: int, superseded: bool, adopted: bool, preparation: bool = False
) -> Refusal | None:
    """Why version ``number`` may not change (adopted: frozen; superseded: read-only; its document
    in preparation: it takes no comments, amendments, positions or rounds yet), or None."""
    if preparation:
        return in_preparation_refusal()
    if adopted:
        return Refusal(
            "conflict",
            Phrase(
                N_("Version {version} has been adopted and is frozen: nothing in it can change."), {"version": number}
            ),
        )
    if superseded:
        return Refusal(
            "conflict",
            Phrase(
                N_(
                    "Version {version} has been superseded by version {latest} and is read-only: "
                    "work on the latest version."
                ),
                {"version": number, "latest": latest},
            ),
        )
    return None
