"""Who may record the adoption of a version now, and how: by a passed round on the whole text, by
consensus declared by the chair, or with the chair's override of what is still unsettled; and who
may publish it once adopted (``publish_refusal``).

Pure: the service loads the facts into these values and asks ``adoption_refusal`` before writing;
the versions page asks ``adoption_choices`` (the same function, for each way there is) which
choices to offer, so nobody is shown a form the write path would refuse. Messages are phrases
(msgids with their values), put in the reader's language by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from consensus.core.documents import in_preparation_refusal
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_

CHAIR, SECRETARIAT = "chair", "secretariat"


@dataclass(frozen=True, slots=True)
class RoundFacts:
    """A round held on the version."""

    id: int
    title: str
    status: str
    """draft, open, closed or cancelled."""
    whole_text: bool
    """On the whole version, not on one clause or one amendment."""
    passed: bool


@dataclass(frozen=True, slots=True)
class VersionFacts:
    """What adoption depends on in a version."""

    number: int
    adopted: bool = False
    superseded: bool = False
    rounds: tuple[RoundFacts, ...] = ()
    """Every round on this version."""
    open_clauses: tuple[str, ...] = ()
    """Numbers of the clauses still open (bracketed)."""
    undecided: tuple[int, ...] = ()
    """Ids of the amendments still proposed."""
    preparation: bool = False
    """Its document is in preparation (not yet circulated)."""

    @property
    def unsettled(self) -> bool:
        return bool(self.open_clauses or self.undecided)


@dataclass(frozen=True, slots=True)
class AdoptionAsked:
    """How someone asks to record the adoption: by a round (its id) or by consensus (None),
    overriding what is unsettled (with a reason) or not."""

    round_id: int | None = None
    override: bool = False


@dataclass(frozen=True, slots=True)
class AdoptionChoices:
    """The ways one person may record the adoption as things stand: what the versions page offers."""

    rounds: tuple[int, ...] = ()
    """Ids of the rounds they may adopt by."""
    by_consensus: bool = False
    override: bool = False
    """Whether they must and may give a reason to override open clauses or undecided amendments."""
    blocked: Phrase | None = None
    """Why a chair or secretariat is offered nothing now (None when something is offered)."""

    @property
    def any(self) -> bool:
        return bool(self.rounds) or self.by_consensus


def adoption_refusal(role: str, version: VersionFacts, asked: AdoptionAsked) -> Refusal | None:
    """Why ``role`` may not record the adoption of ``version`` as ``asked``, or None if they may."""
    refusal = _who_refusal(role, asked) or _state_refusal(version)
    if refusal is None and asked.round_id is not None:
        refusal = _round_refusal(version, asked.round_id)
    return refusal or _running_refusal(version) or _unsettled_refusal(version, asked)


def adoption_choices(role: str, version: VersionFacts) -> AdoptionChoices:
    """Each way of adopting that ``adoption_refusal`` would accept from ``role`` now."""
    override = version.unsettled

    def allowed(round_id: int | None) -> bool:
        return adoption_refusal(role, version, AdoptionAsked(round_id, override)) is None

    rounds = tuple(r.id for r in _passed(version) if allowed(r.id))
    by_consensus = allowed(None)
    if rounds or by_consensus or role not in (CHAIR, SECRETARIAT):
        return AdoptionChoices(rounds, by_consensus, override and (bool(rounds) or by_consensus))
    return AdoptionChoices(blocked=_why_nothing(role, version))


def publish_refusal(role: str, version: VersionFacts | None = None) -> Refusal | None:
    """Why ``role`` may not publish ``version``, or None if they may: only the secretariat publishes,
    and only an adopted text. Without ``version``, whether ``role`` may publish at all (asked before
    the version is looked up). Publishing a published version again changes nothing."""
    if role != SECRETARIAT:
        return Refusal("forbidden", Phrase(N_("Only the secretariat publishes texts.")))
    if version is not None and not version.adopted:
        return Refusal(
            "conflict",
            Phrase(N_("Version {n} has not been adopted: only adopted texts are published."), {"n": version.number}),
        )
    return None


def _passed(version: VersionFacts) -> list[RoundFacts]:
    return [r for r in version.rounds if r.whole_text and r.status == "closed" and r.passed]


def _why_nothing(role: str, version: VersionFacts) -> Phrase:
    passed = _passed(version)
    if role == SECRETARIAT and not passed:
        return Phrase(
            N_(
                "The secretariat records an adoption by a round on the whole text that has passed: "
                "there is none on version {n} yet. The chair may declare adoption by consensus."
            ),
            {"n": version.number},
        )
    refusal = adoption_refusal(role, version, AdoptionAsked(passed[0].id if role == SECRETARIAT else None))
    assert refusal is not None, "nothing was allowed, so asking without an override is refused too"
    return refusal.phrase


def _who_refusal(role: str, asked: AdoptionAsked) -> Refusal | None:
    if role not in (CHAIR, SECRETARIAT):
        return Refusal("forbidden", Phrase(N_("Only the chair or the secretariat records an adoption.")))
    if asked.round_id is None and role != CHAIR:
        return Refusal(
            "forbidden",
            Phrase(N_("Only the chair declares adoption by consensus; the secretariat records a round's result.")),
        )
    if asked.override and role != CHAIR:
        return Refusal("forbidden", Phrase(N_("Only the chair can override open clauses or undecided amendments.")))
    return None


def _state_refusal(version: VersionFacts) -> Refusal | None:
    if version.preparation:
        return in_preparation_refusal()
    if version.adopted:
        return Refusal("conflict", Phrase(N_("Version {n} has already been adopted."), {"n": version.number}))
    if version.superseded:
        return Refusal(
            "conflict",
            Phrase(
                N_("Version {n} has been superseded: only the latest version can be adopted."), {"n": version.number}
            ),
        )
    return None


def _round_refusal(version: VersionFacts, round_id: int) -> Refusal | None:
    found = next((r for r in version.rounds if r.id == round_id), None)
    values = {"id": str(round_id), "n": version.number}
    if found is None:
        return Refusal("invalid", Phrase(N_("Round {id} is not a round on version {n}."), values), "round")
    if not found.whole_text:
        return Refusal(
            "invalid",
            Phrase(N_("Round {id} was on a clause or an amendment, not on the whole text."), values),
            "round",
        )
    if found.status != "closed" or not found.passed:
        return Refusal("invalid", Phrase(N_("Round {id} has not closed with a passing result."), values), "round")
    return None


def _running_refusal(version: VersionFacts) -> Refusal | None:
    running = [str(r.id) for r in version.rounds if r.status == "open"]
    if not running:
        return None
    return Refusal(
        "conflict",
        Phrase(
            N_("Rounds are still open on version {n} ({ids}): close or cancel them before adopting it."),
            {"n": version.number, "ids": ", ".join(running)},
        ),
    )


def _unsettled_refusal(version: VersionFacts, asked: AdoptionAsked) -> Refusal | None:
    if not version.unsettled or asked.override:
        return None
    parts = []
    if version.open_clauses:
        parts.append(Phrase(N_("clauses still open: {numbers}"), {"numbers": ", ".join(version.open_clauses)}))
    if version.undecided:
        parts.append(
            Phrase(N_("amendments not yet decided: {ids}"), {"ids": ", ".join(str(i) for i in version.undecided)})
        )
    # The parts joined as before ("; "); the joint is punctuation, not words to translate.
    what = parts[0] if len(parts) == 1 else Phrase("{first}; {second}", {"first": parts[0], "second": parts[1]})
    return Refusal(
        "unsettled",
        Phrase(
            N_("Version {n} cannot be adopted yet: {what}. The chair may override, giving a reason."),
            {"n": version.number, "what": what},
        ),
    )
