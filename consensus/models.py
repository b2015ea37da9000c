"""SQLModel tables: the persistent shape of working groups, drafts, accounts and the audit log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from consensus.db import ExactDecimal, UTCDateTime, utcnow

# Named constraints keep migrations (and SQLite's batch rebuilds) deterministic.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class VotingStatus(StrEnum):
    participating = "participating"
    observing = "observing"
    non_voting = "non_voting"


class Role(StrEnum):
    chair = "chair"
    secretariat = "secretariat"
    delegate = "delegate"
    observer = "observer"


class DocumentStatus(StrEnum):
    draft = "draft"
    preparation = "preparation"
    """Being written: only the secretariat and the chair see it, and its text is edited in place."""
    open = "open"
    adopted = "adopted"
    withdrawn = "withdrawn"


class CommentKind(StrEnum):
    general = "general"
    technical = "technical"
    editorial = "editorial"


class Disposition(StrEnum):
    accepted = "accepted"
    accepted_in_principle = "accepted_in_principle"
    noted = "noted"
    rejected = "rejected"


class AmendmentKind(StrEnum):
    replace = "replace"  # type: ignore[assignment]  # the domain's word; it shadows str.replace, unused here
    insert = "insert"
    delete = "delete"


class AmendmentStatus(StrEnum):
    proposed = "proposed"
    withdrawn = "withdrawn"
    accepted = "accepted"
    rejected = "rejected"
    superseded = "superseded"


class PositionKind(StrEnum):
    support = "support"
    accept = "accept"
    reservation = "reservation"
    objection = "objection"


class RoundStatus(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    cancelled = "cancelled"


class ClauseStatus(StrEnum):
    open = "open"
    agreed_ad_ref = "agreed_ad_ref"
    adopted = "adopted"


class MeetingStatus(StrEnum):
    scheduled = "scheduled"
    in_progress = "in_progress"
    closed = "closed"
    cancelled = "cancelled"


class AgendaItemStatus(StrEnum):
    pending = "pending"
    current = "current"
    """Under discussion now: at most one item of a meeting (checked in the service)."""
    done = "done"


class SpeakerKind(StrEnum):
    intervention = "intervention"
    point_of_order = "point_of_order"
    right_of_reply = "right_of_reply"


class SpeakerStatus(StrEnum):
    waiting = "waiting"
    speaking = "speaking"
    done = "done"
    removed = "removed"


# --- groups and people ------------------------------------------------------------------------


class WorkingGroup(SQLModel, table=True):
    """A forum with its delegations, members, documents and default rules."""

    __tablename__ = "working_group"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    observers_may_comment: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Delegation(SQLModel, table=True):
    """A member state or member body of one working group."""

    __tablename__ = "delegation"
    __table_args__ = (
        UniqueConstraint("group_id", "code"),
        _one_of("voting_status", VotingStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="working_group.id", ondelete="CASCADE", index=True)
    code: str = Field(max_length=16)
    name: str = Field(max_length=200)
    weight: Decimal = Field(default=Decimal(1), sa_type=ExactDecimal)
    voting_status: str = Field(default=VotingStatus.participating.value, max_length=16)


class User(SQLModel, table=True):
    """A person who can log in (once they have set a password)."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = Field(default=True)
    is_admin: bool = Field(default=False)
    """A site administrator: creates working groups and names their secretariat (the first account is one)."""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    language: str | None = Field(default=None, max_length=8)
    """The interface language chosen (None: follow the browser)."""
    time_zone: str | None = Field(default=None, max_length=64)
    """The IANA time zone chosen for dates and deadlines (None: UTC)."""


class Membership(SQLModel, table=True):
    """A user's role in one working group; a delegate belongs to one delegation."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        _one_of("role", Role),
        CheckConstraint("role <> 'delegate' OR delegation_id IS NOT NULL", name="delegate_has_delegation"),
        CheckConstraint("NOT is_head OR role = 'delegate'", name="head_is_delegate"),
        # One head (the delegation's voting right) per delegation.
        Index(
            "uq_membership_head_per_delegation",
            "delegation_id",
            unique=True,
            sqlite_where=text("is_head"),
            postgresql_where=text("is_head"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="working_group.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    role: str = Field(max_length=16)
    delegation_id: int | None = Field(default=None, foreign_key="delegation.id", ondelete="CASCADE", index=True)
    is_head: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """A one-time link, valid for a limited time, to join a working group. Until it is accepted the
    invitee is not a member: the invitation carries the role, delegation and head flag they will
    have. The holder of an account the invitation created sets its password through the link; an
    existing account accepts it while signed in."""

    __tablename__ = "invitation"
    __table_args__ = (
        _one_of("role", Role),
        CheckConstraint("role <> 'delegate' OR delegation_id IS NOT NULL", name="delegate_has_delegation"),
        CheckConstraint("NOT is_head OR role = 'delegate'", name="head_is_delegate"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    group_id: int = Field(foreign_key="working_group.id", ondelete="CASCADE", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    name: str = Field(default="", max_length=200)
    """The name the secretariat typed (shown to the group; never the account holder's own name)."""
    role: str = Field(max_length=16)
    delegation_id: int | None = Field(default=None, foreign_key="delegation.id", ondelete="CASCADE", index=True)
    is_head: bool = Field(default=False)
    sets_password: bool = Field(default=False)
    """Whether the link sets the password: only for an account this invitation created."""


class AuthSession(SQLModel, table=True):
    """A server-side login session; the browser holds only a random id whose hash is stored."""

    __tablename__ = "auth_session"

    id: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginFailure(SQLModel, table=True):
    """A failed login, kept for a while to throttle guessing per account and per client address."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_account_at", "account", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=64)
    """A hash of the e-mail address tried (known or not)."""
    address: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    """After this the token opens nothing (90 days after it was made, unless set otherwise)."""


# --- drafts ----------------------------------------------------------------------------------


class Document(SQLModel, table=True):
    """A draft norm, declaration or standard negotiated by a group."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("group_id", "slug"),
        _one_of("status", DocumentStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="working_group.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=64)
    title: str = Field(max_length=300)
    status: str = Field(default=DocumentStatus.open.value, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    language: str = Field(default="en", max_length=16)
    """The language the text is written in (a BCP 47 tag such as ``en`` or ``fr``), whatever the
    language of the interface around it."""


class Version(SQLModel, table=True):
    """One numbered text of a document; immutable once superseded."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    number: int = Field(ge=1)
    note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Clause(SQLModel, table=True):
    """A numbered clause of one version; ``lineage`` follows the same clause across versions."""

    __tablename__ = "clause"
    __table_args__ = (
        UniqueConstraint("version_id", "number"),
        UniqueConstraint("version_id", "position"),
        UniqueConstraint("version_id", "lineage"),
        _one_of("status", ClauseStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="version.id", ondelete="CASCADE", index=True)
    position: int = Field(ge=0)
    number: str = Field(max_length=32)
    heading: str = Field(default="", max_length=300)
    text: str = Field(max_length=20_000)
    lineage: str = Field(max_length=36, index=True)
    status: str = Field(default=ClauseStatus.open.value, max_length=16)


class EditorialCorrection(SQLModel, table=True):
    """A correction of a typo made by the secretariat to a clause of a circulated version, in place:
    recorded with the text before and after, so that everyone can see what changed and why."""

    __tablename__ = "editorial_correction"

    id: int | None = Field(default=None, primary_key=True)
    clause_id: int = Field(foreign_key="clause.id", ondelete="CASCADE", index=True)
    version_id: int = Field(foreign_key="version.id", ondelete="CASCADE", index=True)
    lineage: str = Field(max_length=36)
    number: str = Field(max_length=32)
    """The clause's number when it was corrected."""
    old_heading: str = Field(default="", max_length=300)
    new_heading: str = Field(default="", max_length=300)
    old_text: str = Field(sa_type=Text)
    new_text: str = Field(sa_type=Text)
    reason: str = Field(sa_type=Text)
    corrected_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    corrected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- deliberation -----------------------------------------------------------------------------


class Comment(SQLModel, table=True):
    """A comment on a clause of one version, posted by a member for their delegation; replies
    point at the comment they answer."""

    __tablename__ = "comment"
    __table_args__ = (
        _one_of("kind", CommentKind),
        CheckConstraint(
            "disposition IS NULL OR disposition IN ('accepted', 'accepted_in_principle', 'noted', 'rejected')",
            name="disposition_allowed",
        ),
        Index("ix_comment_clause_parent", "clause_id", "parent_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    clause_id: int = Field(foreign_key="clause.id", ondelete="CASCADE", index=True)
    lineage: str = Field(max_length=36, index=True)
    """The clause's lineage, so later versions find what was said about earlier text."""
    parent_id: int | None = Field(default=None, foreign_key="comment.id", ondelete="CASCADE", index=True)
    author_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    delegation_id: int | None = Field(default=None, foreign_key="delegation.id", ondelete="SET NULL", index=True)
    role: str = Field(max_length=16)
    """The author's role when posting (a chair's or secretariat's comment has no delegation)."""
    kind: str = Field(default=CommentKind.general.value, max_length=16)
    paragraph: str = Field(default="", max_length=100)
    body: str = Field(sa_type=Text)
    proposed_change: str = Field(default="", sa_type=Text)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disposition: str | None = Field(default=None, max_length=32)
    observation: str = Field(default="", sa_type=Text)
    disposed_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    disposed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CommentRevision(SQLModel, table=True):
    """What a comment said before an edit (the history its author cannot rewrite)."""

    __tablename__ = "comment_revision"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    paragraph: str = Field(default="", max_length=100)
    body: str = Field(sa_type=Text)
    proposed_change: str = Field(default="", sa_type=Text)
    written_at: datetime = Field(sa_type=UTCDateTime)
    """When this text was written (the comment's creation or its previous edit)."""
    replaced_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Amendment(SQLModel, table=True):
    """A delegation's proposal to replace a clause's text, insert a clause after it, or delete it;
    or the chair's compromise text (``compromise``, no delegation), which supersedes competing
    amendments on the clause (each of them points at it through ``superseded_by_id``)."""

    __tablename__ = "amendment"
    __table_args__ = (
        _one_of("kind", AmendmentKind),
        _one_of("status", AmendmentStatus),
        CheckConstraint("kind = 'delete' OR length(text) > 0", name="text_unless_delete"),
        CheckConstraint(
            "(compromise AND delegation_id IS NULL) OR (NOT compromise AND delegation_id IS NOT NULL)",
            name="delegation_unless_compromise",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    clause_id: int = Field(foreign_key="clause.id", ondelete="CASCADE", index=True)
    version_id: int = Field(foreign_key="version.id", ondelete="CASCADE", index=True)
    lineage: str = Field(max_length=36, index=True)
    delegation_id: int | None = Field(default=None, foreign_key="delegation.id", ondelete="RESTRICT", index=True)
    """The proposing delegation; None for a compromise, which the chair proposes."""
    compromise: bool = Field(default=False)
    superseded_by_id: int | None = Field(default=None, foreign_key="amendment.id", ondelete="SET NULL", index=True)
    """The compromise that superseded this amendment. Kept when that compromise is rejected or
    withdrawn (the amendment is proposed again), so reopening the compromise can supersede it anew."""
    author_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    kind: str = Field(max_length=16)
    heading: str | None = Field(default=None, max_length=300)
    text: str = Field(default="", sa_type=Text)
    rationale: str = Field(default="", sa_type=Text)
    status: str = Field(default=AmendmentStatus.proposed.value, max_length=16, index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_reason: str = Field(default="", sa_type=Text)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    applied_in_version_id: int | None = Field(default=None, foreign_key="version.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AmendmentSponsor(SQLModel, table=True):
    """A delegation co-sponsoring another delegation's amendment."""

    __tablename__ = "amendment_sponsor"
    __table_args__ = (UniqueConstraint("amendment_id", "delegation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    amendment_id: int = Field(foreign_key="amendment.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- agreement and voting --------------------------------------------------------------------------


class Position(SQLModel, table=True):
    """A delegation's stated position on a clause (by lineage) or on the whole document (no
    lineage). Append-only: the latest statement counts, every earlier one is kept."""

    __tablename__ = "position"
    __table_args__ = (
        _one_of("position", PositionKind),
        Index("ix_position_latest", "document_id", "delegation_id", "lineage", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE", index=True)
    lineage: str | None = Field(default=None, max_length=36)
    version_id: int = Field(foreign_key="version.id", ondelete="CASCADE")
    """The version whose text the position was stated on (an older one makes it stale)."""
    clause_id: int | None = Field(default=None, foreign_key="clause.id", ondelete="CASCADE")
    position: str = Field(max_length=16)
    text: str = Field(default="", sa_type=Text)
    stated_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    stated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    round_id: int | None = Field(default=None, foreign_key="round.id", ondelete="SET NULL")
    """Set when the position was recorded by a ballot in a consensus round."""


class Round(SQLModel, table=True):
    """A voting or consensus round on a document version, a clause or an amendment."""

    __tablename__ = "round"
    __table_args__ = (_one_of("status", RoundStatus), Index("ix_round_due", "status", "closes_at"))

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="working_group.id", ondelete="CASCADE", index=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    version_id: int = Field(foreign_key="version.id", ondelete="CASCADE")
    clause_id: int | None = Field(default=None, foreign_key="clause.id", ondelete="CASCADE")
    amendment_id: int | None = Field(default=None, foreign_key="amendment.id", ondelete="CASCADE")
    title: str = Field(max_length=300)
    rule: str = Field(max_length=32)
    threshold: str | None = Field(default=None, max_length=32)
    comparison: str | None = Field(default=None, max_length=2)
    base: str | None = Field(default=None, max_length=16)
    weighted: bool = Field(default=False)
    quorum: str = Field(default="0", max_length=32)
    secret: bool = Field(default=False)
    status: str = Field(default=RoundStatus.draft.value, max_length=16)
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    passed: bool | None = Field(default=None)
    quorum_met: bool | None = Field(default=None)
    result: str | None = Field(default=None, sa_type=Text)
    """The stored result (JSON), written once when the round closes."""
    audit_head: str | None = Field(default=None, max_length=64)
    """The audit chain's head hash when the round closed, for checking the record later."""
    audit_seq: int | None = Field(default=None)
    """The sequence number of that head: with the hash, a checkpoint of the chain."""
    alternatives: int | None = Field(default=None)
    """An options round: the index (from 1) of the clause's set of alternatives it puts to the vote."""
    options: str | None = Field(default=None, sa_type=Text)
    """An options round: the set as voted on (JSON ``{"kind", "text", "options": [...]}``), taken
    when the round is prepared and again when it opens; a later correction cannot change it."""
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    """The meeting the round is held at, if any."""
    quorum_base: str = Field(default="eligible", max_length=16)
    """What the quorum counts against: ``eligible`` delegations, or those ``present`` at its
    meeting (frozen with the electorate when it opens)."""


class RoundElector(SQLModel, table=True):
    """A delegation of a round's electorate, frozen (weight and voting status) when it opened."""

    __tablename__ = "round_elector"
    __table_args__ = (UniqueConstraint("round_id", "delegation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE")
    code: str = Field(max_length=16)
    name: str = Field(max_length=200)
    weight: Decimal = Field(sa_type=ExactDecimal)
    voting_status: str = Field(max_length=16)
    present: bool | None = Field(default=None)
    """Whether the delegation was present at the round's meeting when it opened (a quorum base
    ``present``); None when the round's quorum does not count attendance."""


class Ballot(SQLModel, table=True):
    """A delegation's ballot in a recorded round; one per delegation per round."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("round_id", "delegation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE")
    choice: str = Field(max_length=16)
    explanation: str = Field(default="", sa_type=Text)
    cast_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    cast_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    receipt: str = Field(max_length=64, unique=True)


class SecretTally(SQLModel, table=True):
    """The running count of a secret round, in one row per round that every ballot updates: per
    group of voters (the voting status under ISO, else one group) and choice, how many ballots and
    (only under rules that weigh them) their weight. There is no ballot row, so no row order, id,
    time or weight can tie a delegation to its choice."""

    __tablename__ = "secret_tally"

    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", primary_key=True)
    counts: str = Field(default="{}", sa_type=Text)
    """JSON: {group: {choice: {"count": n, "weight": "exact decimal"}}}."""
    receipts: str = Field(default="[]", sa_type=Text)
    """JSON: the receipts of the ballots counted, sorted (so their order says nothing)."""


class Participation(SQLModel, table=True):
    """That a delegation took part in a round (and when): the one-ballot-per-delegation guard
    for secret rounds, and the roll of who voted."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("round_id", "delegation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE")
    first_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sealed: str | None = Field(default=None, max_length=200)
    """In a secret round: the delegation's current choice and receipt, encrypted with a key derived
    from the change key that only the browser that cast the ballot holds (same length whatever the
    choice). The server can neither read it nor tell choices apart."""


# --- adoption and publication ----------------------------------------------------------------------


class Adoption(SQLModel, table=True):
    """The adoption of a version: by a passed round on the whole text, or by consensus declared by
    the chair; an override of open clauses or undecided amendments is recorded with its reason."""

    __tablename__ = "adoption"
    __table_args__ = (CheckConstraint("method IN ('round', 'consensus')", name="method_allowed"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="version.id", ondelete="CASCADE", unique=True)
    method: str = Field(max_length=16)
    round_id: int | None = Field(default=None, foreign_key="round.id", ondelete="SET NULL")
    adopted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    adopted_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    override_reason: str = Field(default="", sa_type=Text)
    open_clauses: int = Field(default=0)
    undecided_amendments: int = Field(default=0)
    title: str | None = Field(default=None, max_length=300)
    """The title the text was adopted under, when the adoption gave it one (a draft declaration
    becomes the declaration); None: the document's title then."""


class Publication(SQLModel, table=True):
    """An adopted version made public: readable and downloadable without an account."""

    __tablename__ = "publication"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="version.id", ondelete="CASCADE", unique=True)
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    audit_seq: int | None = Field(default=None)
    """The audit chain's head when the text was published (a checkpoint, shown with the text)."""
    audit_head: str | None = Field(default=None, max_length=64)


# --- the room: meetings, agenda, attendance, speakers ------------------------------------------


class Meeting(SQLModel, table=True):
    """A meeting of a group: when and where, with an ordered agenda."""

    __tablename__ = "meeting"
    __table_args__ = (_one_of("status", MeetingStatus), CheckConstraint("ends_at > starts_at", name="ends_after_start"))

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="working_group.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    place: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=500)
    status: str = Field(default=MeetingStatus.scheduled.value, max_length=16)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    """When the meeting or its agenda last changed (an iCalendar feed's SEQUENCE/LAST-MODIFIED)."""
    sequence: int = Field(default=0)
    """How many times it was changed after it was scheduled (iCalendar SEQUENCE)."""


class AgendaItem(SQLModel, table=True):
    """One item of a meeting's agenda; it may point to a document, a clause or a range of clauses
    (by lineage, so it follows them into later versions), or a round."""

    __tablename__ = "agenda_item"
    __table_args__ = (_one_of("status", AgendaItemStatus),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    position: int = Field(ge=0)
    title: str = Field(max_length=300)
    document_id: int | None = Field(default=None, foreign_key="document.id", ondelete="SET NULL")
    clause_lineage: str | None = Field(default=None, max_length=36)
    """The first (or only) clause the item is about."""
    last_clause_lineage: str | None = Field(default=None, max_length=36)
    """The last clause of a range (None: one clause)."""
    round_id: int | None = Field(default=None, foreign_key="round.id", ondelete="SET NULL")
    status: str = Field(default=AgendaItemStatus.pending.value, max_length=16)
    speakers_open: bool = Field(default=True)
    """Whether delegations may still inscribe on the list of speakers."""
    speaking_limit: int | None = Field(default=None, ge=1)
    """Seconds per intervention (None: no limit)."""
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Attendance(SQLModel, table=True):
    """Whether a delegation is present at a meeting (the roll call), and who recorded it."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "delegation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE", index=True)
    present: bool
    recorded_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Speaker(SQLModel, table=True):
    """A delegation inscribed on an agenda item's list of speakers: its place, kind, and when it
    spoke. ``position`` orders the waiting speakers (a point of order goes to the top)."""

    __tablename__ = "speaker"
    __table_args__ = (_one_of("kind", SpeakerKind), _one_of("status", SpeakerStatus))

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="agenda_item.id", ondelete="CASCADE", index=True)
    delegation_id: int = Field(foreign_key="delegation.id", ondelete="CASCADE", index=True)
    kind: str = Field(default=SpeakerKind.intervention.value, max_length=16)
    position: int
    status: str = Field(default=SpeakerStatus.waiting.value, max_length=16)
    inscribed_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    inscribed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seconds: int | None = Field(default=None, ge=0)
    """The time it spoke, once it finished."""


class MeetingRecord(SQLModel, table=True):
    """The summary of proceedings of a meeting: generated from the record, edited by the
    secretariat, then published."""

    __tablename__ = "meeting_record"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", unique=True)
    body: str = Field(default="", sa_type=Text)
    edited_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    edited_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")


class CalendarFeed(SQLModel, table=True):
    """A private address for a member's calendar app to read a group's meetings and deadlines
    without signing in: only the token's hash is kept."""

    __tablename__ = "calendar_feed"
    __table_args__ = (UniqueConstraint("user_id", "group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    group_id: int = Field(foreign_key="working_group.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- audit -------------------------------------------------------------------------------------


class AuditEvent(SQLModel, table=True):
    """An append-only, hash-chained record of one change of state."""

    __tablename__ = "audit_event"
    # A round's newest event tells live pages that it changed (see ``voting.round_changes``).
    __table_args__ = (Index("ix_audit_event_object_seq", "object_type", "object_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, ge=1)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="RESTRICT")
    actor: str = Field(default="", max_length=254)
    group_id: int | None = Field(default=None, foreign_key="working_group.id", ondelete="RESTRICT")
    delegation: str = Field(default="", max_length=16)
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_id: str = Field(default="", max_length=64)
    details: str = Field(default="{}", sa_type=Text)
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)
    signature: str | None = Field(default=None, max_length=128)
    """The Ed25519 signature of ``hash`` by the audit key kept outside the database (hex); only
    events written before the key existed lack one."""


class AuditHead(SQLModel, table=True):
    """The single row that serialises appends to the audit chain (locked FOR UPDATE)."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_seq: int = Field(default=0)
    last_hash: str = Field(max_length=64)
