"""Positions and clause status: who may state a delegation's position or change a clause's status
now, and whether a stated position still speaks of the text in front of the reader.

Pure: the write paths and the pages' forms ask the same functions. ``frozen`` is what
``core.versions.frozen_refusal`` says of the version (None while it may change).
"""

from __future__ import annotations

from collections.abc import Sequence

from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_, Nn_

CHAIR, ADOPTED = "chair", "adopted"


def on_the_same_text(
    stated_version: int, stated_clause_text: str | None, version: int, clause_text: str | None
) -> bool:
    """Whether a position stated on version ``stated_version`` holds for ``version``.

    On a clause (``clause_text`` given): while the clause's words are those it was stated on, so a
    new version that left the clause alone, or only renumbered it, changes nothing. On the whole
    document (``clause_text`` None): for the version it was stated on only.
    """
    if clause_text is None:
        return stated_version == version
    return stated_clause_text == clause_text


def position_refusal(head: bool, frozen: Refusal | None) -> Refusal | None:
    """Why a member may not state their delegation's position now, or None: the head of a
    delegation (who holds its voting right) may, on a version that may still change."""
    if not head:
        return Refusal("forbidden", Phrase(N_("Only the head of a delegation states its position.")))
    return frozen


def clause_status_refusal(role: str, number: str, status: str, frozen: Refusal | None) -> Refusal | None:
    """Why ``role`` may not mark clause ``number`` (now ``status``) agreed ad referendum or reopen
    it, or None: the chair may, until the clause is adopted with the whole text."""
    if role != CHAIR:
        return Refusal("forbidden", Phrase(N_("Only the chair marks clauses agreed or reopens them.")))
    if frozen is not None:
        return frozen
    if status == ADOPTED:
        return Refusal("conflict", Phrase(N_("Clause {n} has been adopted with the whole text."), {"n": number}))
    return None


def clauses_status_refusal(
    role: str, clauses: Sequence[tuple[str, str]], missing: Sequence[str], frozen: Refusal | None
) -> Refusal | None:
    """Why ``role`` may not change the status of all ``clauses`` ((number, status) pairs) at once,
    or None. ``missing`` are the numbers asked for that the version does not hold. The batch is
    refused as a whole when any clause would be refused by ``clause_status_refusal``, naming them."""
    if not clauses and not missing:
        return Refusal("invalid", Phrase(N_("Choose at least one clause.")), "clauses")
    if missing:
        forms = Nn_("Clause {numbers} is not in this version.", "Clauses {numbers} are not in this version.")
        return Refusal("invalid", Phrase.counted(forms, len(missing), {"numbers": ", ".join(missing)}), "clauses")
    refused = [
        (number, refusal)
        for number, status in clauses
        if (refusal := clause_status_refusal(role, number, status, frozen)) is not None
    ]
    if not refused:
        return None
    first = refused[0][1]
    if first.kind == "forbidden" or first is frozen:
        return first  # the same answer for every clause
    forms = Nn_(
        "Nothing was changed: clause {numbers} may not be changed. {reason}",
        "Nothing was changed: clauses {numbers} may not be changed. {reason}",
    )
    numbers = ", ".join(number for number, _ in refused)
    return Refusal(first.kind, Phrase.counted(forms, len(refused), {"numbers": numbers, "reason": first.phrase}))
