"""Who may do what with a round now: run it (the chair), open, close or cancel it (by its status),
cast a ballot in it (the head of a delegation in its electorate); and who that electorate is.

Pure: the service loads the round and its electorate (snapshotted when it opened) into these values
and asks before writing; the round page asks the same functions for its flags (``can_vote``, the
chair's buttons) and shows the refusal as the reason. Messages are phrases (msgids with their
values), put in the reader's language by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from consensus.core.alternatives import AlternativeSet, find_alternatives
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase, Rule, Voter, electorate_of
from consensus.i18n import N_
from consensus.labels import ROUND_STATUSES

CHAIR = "chair"
Action = Literal["open", "close", "cancel"]
ACTIONS: tuple[Action, ...] = ("open", "close", "cancel")


@dataclass(frozen=True, slots=True)
class Elector:
    """A delegation as the round's electorate was snapshotted when it opened."""

    delegation_id: int
    code: str
    name: str
    weight: Decimal
    voting_status: str

    @property
    def voter(self) -> Voter:
        return Voter(self.code, self.weight, self.voting_status, self.name)


@dataclass(frozen=True, slots=True)
class Electorate:
    """The delegations snapshotted for a round, and those of them its rule lets vote."""

    electors: tuple[Elector, ...] = ()
    """Everyone snapshotted, in the order given."""
    eligible: tuple[Voter, ...] = ()
    """Those who may vote, as the tally counts them."""
    eligible_ids: frozenset[int] = frozenset()
    """Their delegations' ids."""
    by_delegation: Mapping[int, Elector] = field(default_factory=dict)

    def includes(self, delegation_id: int | None) -> bool:
        """Whether this delegation may vote in the round."""
        return delegation_id in self.eligible_ids


def electorate_under(rule: Rule, electors: Iterable[Elector]) -> Electorate:
    """Who of ``electors`` may vote under ``rule`` (participating delegations, and observing ones
    where the rule counts them): the one place a round's eligibility is worked out, for its tally,
    its page and its ballots."""
    listed = tuple(electors)
    eligible = tuple(electorate_of(rule, [e.voter for e in listed]))
    codes = {voter.code for voter in eligible}
    return Electorate(
        listed,
        eligible,
        frozenset(e.delegation_id for e in listed if e.code in codes),
        {e.delegation_id: e for e in listed},
    )


@dataclass(frozen=True, slots=True)
class RoundFacts:
    """What the rules ask of a round."""

    id: int
    status: str
    """draft, open, closed or cancelled."""
    closes_at: datetime | None = None
    version_adopted: bool = False
    version_superseded: bool = False


@dataclass(frozen=True, slots=True)
class Caster:
    """Who asks to cast a ballot: their delegation, if they have one, and whether they hold its
    voting right (the head)."""

    delegation_id: int | None
    delegation_name: str = ""
    is_head: bool = False


def status_words(status: str) -> Phrase:
    """A round's status as said inside a sentence ("is in preparation")."""
    entry = ROUND_STATUSES.get(status)
    return Phrase(entry.in_sentence or entry.english) if entry is not None else Phrase(status)


# --- running a round ------------------------------------------------------------------------------


def chair_refusal(role: str) -> Refusal | None:
    """Why a member with ``role`` may not run rounds (only the chair does), or None."""
    if role != CHAIR:
        return Refusal("forbidden", Phrase(N_("Only the chair runs rounds.")))
    return None


def status_refusal(action: Action, round: RoundFacts) -> Refusal | None:
    """Why the round's status does not allow ``action`` (the chair's buttons follow it), or None."""
    values = {"id": str(round.id), "status": status_words(round.status)}
    if action == "open" and round.status != "draft":
        return Refusal("conflict", Phrase(N_("Round {id} is {status}: only a draft can be opened."), values))
    if action == "close" and round.status != "open":
        return Refusal("conflict", Phrase(N_("Round {id} is {status}: only an open round can be closed."), values))
    if action == "cancel" and round.status not in ("draft", "open"):
        return Refusal("conflict", Phrase(N_("Round {id} is already {status}."), values))
    return None


def version_refusal(round: RoundFacts) -> Refusal | None:
    """Why no work may be done on a round any more because its version has been adopted (frozen)
    or superseded, or None."""
    if round.version_adopted:
        return Refusal("conflict", Phrase(N_("The version this round is on has been adopted and is frozen.")))
    if round.version_superseded:
        return Refusal("conflict", Phrase(N_("The version this round is on has been superseded.")))
    return None


def action_refusal(role: str, action: Action, round: RoundFacts, now: datetime) -> Refusal | None:
    """Why a member with ``role`` may not ``action`` the round now, or None: only the chair runs
    rounds, each action from its statuses, and a round opens only before its deadline and while
    its version may still change."""
    refusal = chair_refusal(role) or status_refusal(action, round)
    if refusal is None and action == "open":
        refusal = _deadline_refusal(round, now) or version_refusal(round)
    return refusal


def past_deadline(round: RoundFacts, now: datetime) -> bool:
    """An open round whose deadline has come: it closes (the silence procedure) before anything else."""
    return round.status == "open" and round.closes_at is not None and round.closes_at <= now


def _deadline_refusal(round: RoundFacts, now: datetime) -> Refusal | None:
    if round.closes_at is not None and round.closes_at <= now:
        return Refusal(
            "conflict",
            Phrase(
                N_("The deadline of round {id} has passed: set a new one before opening it."), {"id": str(round.id)}
            ),
        )
    return None


# --- ballots ----------------------------------------------------------------------------------------------


def caster_refusal(caster: Caster, *, on_page: bool = False) -> Refusal | None:
    """Why ``caster`` may cast no ballot in any round (only the head of a delegation does), or None."""
    if caster.delegation_id is not None and caster.is_head:
        return None
    return Refusal(
        "forbidden",
        _worded(
            on_page,
            error=Phrase(N_("Only the head of a delegation casts its ballot.")),
            page=Phrase(
                N_("Ballots are cast by heads of delegation.")
                if caster.delegation_id is None
                else N_("Only the head of your delegation casts its ballot.")
            ),
        ),
    )


def ballot_refusal(
    caster: Caster, round: RoundFacts, electorate: Electorate, *, on_page: bool = False
) -> Refusal | None:
    """Why ``caster`` may not cast (or change) a ballot in ``round`` now, or None if they may: only
    the head of a delegation votes, only while the round is open and its version may change, and
    only for a delegation the round's rule lets vote (``electorate``, which may hold only the
    caster's own elector).

    ``on_page`` words the refusal for the caster's own round page ("your delegation"), as the page
    has always said it; otherwise it is the error the write path gives."""
    refusal = caster_refusal(caster, on_page=on_page)
    if refusal is None and round.status != "open":
        refusal = Refusal("conflict", _worded(on_page, error=_not_open(round), page=_not_open_on_page(round)))
    refusal = refusal or version_refusal(round)
    if refusal is None and not electorate.includes(caster.delegation_id):
        refusal = Refusal(
            "forbidden",
            _worded(
                on_page,
                error=Phrase(
                    N_("{delegation} is not in the electorate of this round."), {"delegation": caster.delegation_name}
                ),
                page=Phrase(N_("Your delegation is not in the electorate of this round.")),
            ),
        )
    return refusal


def _worded(on_page: bool, *, error: Phrase, page: Phrase) -> Phrase:
    return page if on_page else error


def _not_open(round: RoundFacts) -> Phrase:
    return Phrase(
        N_("Round {id} is {status}: ballots are taken only while it is open."),
        {"id": str(round.id), "status": status_words(round.status)},
    )


def _not_open_on_page(round: RoundFacts) -> Phrase:
    if round.status == "draft":
        return Phrase(N_("The round has not been opened yet."))
    return Phrase(N_("The round is {status}."), {"status": status_words(round.status)})


# --- options rounds -----------------------------------------------------------------------------------


def alternatives_refusal(clause_number: str, text: str, index: int) -> Refusal | None:
    """Why set ``index`` of a clause's alternatives cannot be put to an options round, or None: the
    clause must hold alternatives (``core.alternatives``), and that set among them."""
    sets = find_alternatives(text)
    if not sets:
        return Refusal(
            "invalid",
            Phrase(N_("Clause {clause} has no alternatives to choose between."), {"clause": clause_number}),
            "alternatives",
        )
    if not 1 <= index <= len(sets):
        return Refusal(
            "invalid",
            Phrase(
                N_("Clause {clause} has alternatives 1 to {n}: there is no set {index}."),
                {"clause": clause_number, "n": len(sets), "index": str(index)},
            ),
            "alternatives",
        )
    return None


def options_snapshot(text: str, alternatives: AlternativeSet) -> dict[str, object]:
    """A set as an options round keeps it (what was voted on): its kind, its text in the clause and
    its options' texts."""
    return {
        "kind": alternatives.kind,
        "text": text[alternatives.start : alternatives.end],
        "options": [option.text for option in alternatives.options],
    }
