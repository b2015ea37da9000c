"""Shapes of the JSON API's responses (documented in the OpenAPI schema)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from consensus.core.tally import BUILTIN_RULES, OPTION_RULES


@dataclass(frozen=True, slots=True)
class DelegationOut:
    code: str
    name: str
    weight: str
    """An exact decimal, as a string."""
    voting_status: str


@dataclass(frozen=True, slots=True)
class GroupOut:
    slug: str
    name: str
    delegations: list[DelegationOut]


@dataclass(frozen=True, slots=True)
class ClauseOut:
    number: str
    heading: str
    text: str
    status: str


@dataclass(frozen=True, slots=True)
class DocumentOut:
    slug: str
    title: str
    status: str
    version: int
    clauses: list[ClauseOut]
    language: str = "en"
    """The language the text is written in (BCP 47)."""


class DraftClauseIn(msgspec.Struct, forbid_unknown_fields=True):
    number: str
    text: str
    heading: str = ""


class DocumentIn(msgspec.Struct, forbid_unknown_fields=True):
    """The whole text of a document in preparation: its title, its clauses in order and, when
    given, its language. What is not listed is gone; clauses are matched by nothing but order."""

    title: str
    clauses: list[DraftClauseIn]
    language: str | None = None


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """An editorial correction of a clause of the latest version: its corrected text (and heading,
    when that is what is corrected), and why."""

    text: str
    reason: str
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class CorrectionOut:
    clause: str
    version: int
    old_heading: str
    new_heading: str
    old_text: str
    new_text: str
    reason: str
    corrected_by: str
    corrected_at: datetime
    words: int
    """How many words it changed."""


@dataclass(frozen=True, slots=True)
class MembershipOut:
    group: str
    role: str
    delegation: str | None
    head: bool


@dataclass(frozen=True, slots=True)
class MeOut:
    email: str
    name: str
    memberships: list[MembershipOut]


Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
"""An id in a request body: 32 bits at most."""


# --- deliberation ------------------------------------------------------------------------------------
# Requests are msgspec structs: unknown fields are refused, so nobody can slip in a delegation.


class CommentIn(msgspec.Struct, forbid_unknown_fields=True):
    body: str
    kind: Literal["general", "technical", "editorial"] = "general"
    proposed_change: str = ""
    paragraph: str = ""
    reply_to: Id | None = None


@dataclass(frozen=True, slots=True)
class Created:
    id: int


class AmendmentIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["replace", "insert", "delete"]
    text: str = ""
    rationale: str = ""
    heading: str | None = None


class CompromiseIn(msgspec.Struct, forbid_unknown_fields=True):
    clause: Annotated[str, msgspec.Meta(max_length=32)]
    """The number of the clause, in the latest version."""
    text: str
    supersedes: Annotated[list[Id], msgspec.Meta(max_length=200)]
    """The ids of the proposed amendments on that clause it supersedes (at least one)."""
    rationale: str = ""
    kind: Literal["replace", "insert"] = "replace"
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class AmendmentOut:
    id: int
    status: str
    kind: str
    clause: str
    version: int
    delegation: str | None
    """The proposing delegation's code; null for a compromise (the chair's)."""
    sponsors: list[str]
    text: str
    rationale: str
    decision_reason: str
    compromise: bool = False
    superseded_by: int | None = None
    """The compromise that superseded it (kept once that compromise was rejected or withdrawn)."""
    supersedes: list[int] = field(default_factory=list)
    """For a compromise: the ids of the amendments it superseded."""


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: Literal["accepted", "rejected"]
    reason: str = ""


class ReopenIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str = ""
    """Why the chair undoes the decision (recorded)."""


class ConsolidateIn(msgspec.Struct, forbid_unknown_fields=True):
    note: str = ""


@dataclass(frozen=True, slots=True)
class VersionCreated:
    version: int


@dataclass(frozen=True, slots=True)
class ConflictOut:
    first: int
    second: int
    clause: str
    reason: str
    message: str
    parties: tuple[str, str] = ("amendment", "amendment")
    """What ``first`` and ``second`` are: ``amendment``, or ``round`` for an options round whose
    chosen alternative cannot be written in."""


@dataclass(frozen=True, slots=True)
class SegmentOut:
    op: str
    text: str


@dataclass(frozen=True, slots=True)
class ClauseChangeOut:
    lineage: str
    change: str
    """unchanged, changed, added or deleted"""
    old_number: str | None
    new_number: str | None
    renumbered: bool
    moved: bool
    old_heading: str | None
    new_heading: str | None
    diff: list[SegmentOut] | None


@dataclass(frozen=True, slots=True)
class ComparisonOut:
    document: str
    from_version: int
    to_version: int
    changes: list[ClauseChangeOut]


@dataclass(frozen=True, slots=True)
class CommentOut:
    id: int
    version: int
    clause: str
    delegation: str | None
    kind: str
    paragraph: str
    body: str
    proposed_change: str
    disposition: str | None
    observation: str
    reply_to: int | None
    withdrawn: bool


# --- agreement and voting -----------------------------------------------------------------------------


class CustomRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    threshold: str
    comparison: Literal[">", ">="] = ">="
    base: Literal["cast", "present", "eligible"] = "cast"
    weighted: bool = False


RuleName = Annotated[
    str,
    msgspec.Meta(
        description="A built-in rule: " + ", ".join(BUILTIN_RULES) + f" ({', '.join(OPTION_RULES)} for an options "
        "round on a clause's alternatives, with `alternatives`); or a custom threshold object."
    ),
]


class RoundIn(msgspec.Struct, forbid_unknown_fields=True):
    document: str
    title: str
    rule: RuleName | CustomRuleIn = "consensus"
    clause: str | None = None
    amendment: Id | None = None
    quorum: str | None = None
    secret: bool = False
    closes_at: datetime | None = None
    alternatives: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1,
                le=10_000,
                description="An options round (rule most_support or consensus_on_one, on a clause): which set of the "
                "clause's alternatives (1 for the first) is put to the vote. Ballots are then option:1, option:2, … "
                "or none. Options rounds are recorded, never secret.",
            ),
        ]
        | None
    ) = None
    """An options round (``rule`` ``most_support`` or ``consensus_on_one``, on a ``clause``): the
    index (from 1) of the clause's set of alternatives put to the vote. Ballots are then
    ``option:1``, ``option:2``, … or ``none``."""
    weighted: Annotated[
        bool, msgspec.Meta(description="most_support only: the alternative with the most weight behind it wins.")
    ] = False
    """``most_support`` only: the alternative with the most weight behind it wins."""
    meeting: Annotated[Id | None, msgspec.Meta(description="The meeting the round is held at.")] = None
    quorum_base: Annotated[
        Literal["eligible", "present"],
        msgspec.Meta(
            description="What the quorum counts against: every eligible delegation, or those present at the "
            "meeting (its roll call, frozen when the round opens; needs meeting)."
        ),
    ] = "eligible"


@dataclass(frozen=True, slots=True)
class OptionOut:
    choice: str
    """The ballot choice that picks it (``option:1``, …)."""
    letter: str
    text: str


@dataclass(frozen=True, slots=True)
class RoundOut:
    id: int
    status: str
    title: str
    rule: str
    rule_text: str
    quorum: str
    secret: bool
    document: str
    version: int
    clause: str | None
    amendment: int | None
    closes_at: datetime | None
    participated: list[str] | None
    result: dict[str, Any] | None
    """The stored result; in a secret round, figures that would show a delegation's vote are None
    and named in ``withheld``."""
    secrecy_warning: str | None = None
    """For the chair of a secret round not yet closed: why its outcome alone may give ballots away."""
    alternatives: int | None = None
    """An options round: the index of the clause's set of alternatives it puts to the vote."""
    options: list[OptionOut] | None = None
    """An options round: the alternatives as voted on (the result's ``winner`` names the chosen one)."""
    meeting: int | None = None
    """The meeting the round is held at."""
    quorum_base: str = "eligible"
    """``eligible``, or ``present``: the quorum counts the delegations present at the meeting."""


class BallotIn(msgspec.Struct, forbid_unknown_fields=True):
    choice: Annotated[
        str,
        msgspec.Meta(
            description="yes, no or abstain in a vote; support, accept, reservation or objection in a consensus "
            "round; option:1, option:2, … or none in an options round."
        ),
    ]
    explanation: str = ""
    change_key: str | None = None
    """Secret rounds only: the key returned when the ballot was first cast."""


@dataclass(frozen=True, slots=True)
class BallotOut:
    receipt: str
    choice: str
    changed: bool
    change_key: str | None


class PositionIn(msgspec.Struct, forbid_unknown_fields=True):
    position: Literal["support", "accept", "reservation", "objection"]
    text: str = ""


@dataclass(frozen=True, slots=True)
class PositionOut:
    id: int
    position: str


class ClauseStatusIn(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["agreed_ad_ref", "open"]


@dataclass(frozen=True, slots=True)
class ClauseStatusOut:
    number: str
    status: str


class ClausesStatusIn(msgspec.Struct, forbid_unknown_fields=True):
    """Several clauses of the latest version marked agreed (or reopened) at once: all or none."""

    clauses: Annotated[list[Annotated[str, msgspec.Meta(max_length=32)]], msgspec.Meta(min_length=1, max_length=1000)]
    status: Literal["agreed_ad_ref", "open"]


@dataclass(frozen=True, slots=True)
class ClausesStatusOut:
    clauses: list[ClauseStatusOut]


@dataclass(frozen=True, slots=True)
class AgreementClauseOut:
    number: str
    status: str
    positions: dict[str, str]
    stale: list[str]


@dataclass(frozen=True, slots=True)
class AgreementOut:
    document: str
    version: int
    whole: dict[str, str]
    clauses: list[AgreementClauseOut]


class AdoptIn(msgspec.Struct, forbid_unknown_fields=True):
    round: Id | None = None
    override_reason: str | None = None
    title: str | None = None
    """A new title for the adopted text ("Draft declaration" becomes "Declaration"); None keeps it."""


@dataclass(frozen=True, slots=True)
class PublicationOut:
    document: str
    version: int
    adopted: bool
    published: bool


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    """Someone to invite to a seat in the group."""

    email: Annotated[str, msgspec.Meta(max_length=254)]
    name: Annotated[str, msgspec.Meta(max_length=200)]
    role: Literal["chair", "secretariat", "delegate", "observer"]
    delegation: Annotated[str, msgspec.Meta(max_length=16)] = ""
    head: bool = False


@dataclass(frozen=True, slots=True)
class InvitationOut:
    """An invitation prepared: the same answer whether or not the address already had an account."""

    email: str
    role: str
    delegation: str | None
    head: bool
    invitation_url: str
    """The one-time link to send (shown once: only its hash is kept)."""
    expires_at: datetime


class GroupIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new working group (site administrators). ``secretariat_email`` names its secretariat: the
    administrator's own address makes them its secretariat at once; any other gets an invitation."""

    slug: Annotated[str, msgspec.Meta(max_length=64)]
    name: Annotated[str, msgspec.Meta(max_length=200)]
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    observers_may_comment: bool = False
    secretariat_email: Annotated[str, msgspec.Meta(max_length=254)] = ""
    secretariat_name: Annotated[str, msgspec.Meta(max_length=200)] = ""


@dataclass(frozen=True, slots=True)
class GroupCreated:
    slug: str
    name: str
    description: str
    observers_may_comment: bool
    secretariat: InvitationOut | None
    """The secretariat's invitation (None when none was named, or the administrator joined at once)."""


class DelegationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new delegation: its code (capitals, digits, '-' or '_'), name, weight (an exact decimal, as a
    string or a number) and voting status."""

    code: Annotated[str, msgspec.Meta(max_length=16)]
    name: Annotated[str, msgspec.Meta(max_length=200)]
    weight: Annotated[str, msgspec.Meta(max_length=40)] | int = "1"
    voting_status: Literal["participating", "observing", "non_voting"] = "participating"


class DelegationPatch(msgspec.Struct, forbid_unknown_fields=True):
    """What changes in a delegation (its code never does); fields left out keep their value."""

    name: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    weight: Annotated[str, msgspec.Meta(max_length=40)] | int | None = None
    voting_status: Literal["participating", "observing", "non_voting"] | None = None
