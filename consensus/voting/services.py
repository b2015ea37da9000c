"""Creating, opening, closing and cancelling rounds; casting ballots; reading rounds and results.

Each write loads the round, asks the rules of ``core.rounds`` (who may do what now, who is in the
electorate), then writes; the round page asks the same rules for its flags."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser, GroupMembership
from consensus.agreement.services import NEEDS_TEXT, record_position
from consensus.audit import services as audit
from consensus.audit.services import Actor
from consensus.core.alternatives import set_in
from consensus.core.audit import content_digest
from consensus.core.disclosure import disclose, secrecy_warning
from consensus.core.meetings import quorum_base_refusal, roll_call_refusal
from consensus.core.numbers import fraction_text
from consensus.core.refusal import Refusal
from consensus.core.rounds import (
    ACTIONS,
    Action,
    Caster,
    Elector,
    Electorate,
    RoundFacts,
    action_refusal,
    alternatives_refusal,
    ballot_refusal,
    caster_refusal,
    chair_refusal,
    electorate_under,
    options_snapshot,
    past_deadline,
    status_refusal,
)
from consensus.core.sealing import SealedChoice, seal, unseal
from consensus.core.tally import (
    OPTION_RULES,
    RULE_NAMES,
    Phrase,
    Result,
    Rule,
    RuleError,
    Share,
    Voter,
    builtin_rule,
    custom_rule,
    dump_counts,
    group_of,
    load_counts,
    option_letter,
    options_rule,
    parse_fraction,
    result_to_dict,
    tally,
    tally_counts,
)
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, Invalid, NotFound, refusal_error, refusal_text
from consensus.i18n import _
from consensus.lookups import (
    clause_in_group,
    group_by_slug,
    meeting_in_group,
    require_current,
    round_in_group,
    version_in_group,
)
from consensus.lookups import group_of_round as group_slug_of_round
from consensus.meetings.services import present_at, roll_call_count
from consensus.models import (
    Adoption,
    Amendment,
    AmendmentStatus,
    AuditEvent,
    Ballot,
    Clause,
    Delegation,
    Document,
    Meeting,
    Participation,
    Round,
    RoundElector,
    RoundStatus,
    SecretTally,
    Version,
)
from consensus.validation import BODY_LIMIT, HEADING_LIMIT, Fields
from consensus.voting import live

DEADLINE = Actor(user_id=None, label="deadline")


# --- rules ---------------------------------------------------------------------------------------------


def rule_of(row: Round) -> Rule:
    if row.rule in OPTION_RULES:
        return options_rule(row.rule, len(options_of(row)), row.weighted)
    if row.rule == "custom":
        return custom_rule(row.threshold or "0", row.comparison or ">=", row.base or "cast", row.weighted)
    return builtin_rule(row.rule)


def options_of(row: Round) -> list[str]:
    """The texts of the alternatives an options round puts to the vote, as it keeps them."""
    options = json.loads(row.options or "{}").get("options", [])
    return [str(option) for option in options]


def _refuse(refusal: Refusal | None) -> None:
    """Raise the error for a refusal of one of the rules in ``core.rounds`` (nothing for None)."""
    if refusal is not None:
        raise refusal_error(refusal)


def _chair(user: CurrentUser, group_slug: str) -> GroupMembership:
    membership = user.member_of(group_slug)
    _refuse(chair_refusal(membership.role))
    return membership


def _id(row: Round) -> int:
    assert row.id is not None, "a stored round has an id"
    return row.id


def _facts(row: Round, session: Session | None = None) -> RoundFacts:
    """The round as the rules in ``core.rounds`` ask about it; with ``session``, also whether its
    version may still change (adopted or superseded)."""
    if session is None:
        return RoundFacts(_id(row), row.status, row.closes_at)
    superseded_at, adoption_id = session.execute(
        select(col(Version.superseded_at), col(Adoption.id))
        .outerjoin(Adoption, col(Adoption.version_id) == col(Version.id))
        .where(col(Version.id) == row.version_id)
    ).one()
    return RoundFacts(_id(row), row.status, row.closes_at, adoption_id is not None, superseded_at is not None)


def _caster(membership: GroupMembership) -> Caster:
    return Caster(membership.delegation_id, membership.delegation_name, membership.is_head)


def _electorate(session: Session, row: Round, rule: Rule, delegation_id: int | None = None) -> Electorate:
    """The round's electorate, as snapshotted when it opened, under its rule (only one delegation's
    elector when ``delegation_id`` is given: all a ballot needs)."""
    statement = select(RoundElector).where(col(RoundElector.round_id) == row.id)
    if delegation_id is not None:
        statement = statement.where(col(RoundElector.delegation_id) == delegation_id)
    electors = session.execute(statement.order_by(col(RoundElector.name))).scalars()
    return electorate_under(
        rule, (Elector(e.delegation_id, e.code, e.name, e.weight, e.voting_status) for e in electors)
    )


# --- creating and running rounds -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundInput:
    """What the chair asks for: the subject, the rule, the quorum, secrecy and a deadline."""

    document: str
    title: str
    rule: str = "consensus"
    """A built-in rule name, or ``custom`` with the four fields below."""
    threshold: str = ""
    comparison: str = ">="
    base: str = "cast"
    weighted: bool = False
    quorum: str = "0"
    secret: bool = False
    clause: str | None = None
    amendment: int | None = None
    closes_at: datetime | None = None
    alternatives: int | None = None
    """An options round: the index (from 1) of the clause's set of alternatives put to the vote."""
    meeting: int | None = None
    """The meeting the round is held at."""
    quorum_base: str = "eligible"
    """``eligible``, or ``present``: the quorum counts the delegations present at the meeting."""


@dataclass(frozen=True, slots=True)
class CheckedRound:
    """A round asked for, every field checked."""

    rule: Rule
    quorum: Fraction
    title: str


def _check_round(data: RoundInput) -> CheckedRound:
    fields = Fields()
    title = fields.text("title", data.title, _("The title"), required=True, limit=HEADING_LIMIT)
    rule = _checked_rule(fields, data)
    quorum = _checked_quorum(fields, data.quorum)
    _check_deadline(fields, data.closes_at)
    if rule is not None and rule.is_consensus and data.secret:
        fields.fail("secret", _("A consensus round is never secret: positions are stated openly."))
    base_refusal = quorum_base_refusal(data.quorum_base, data.meeting)
    if base_refusal is not None:
        fields.fail(base_refusal.field, refusal_text(base_refusal))
    _check_options(fields, rule, data)
    fields.done()
    assert rule is not None
    return CheckedRound(rule, quorum, title)


def _check_options(fields: Fields, rule: Rule | None, data: RoundInput) -> None:
    """An options round is on one set of a clause's alternatives, and recorded; a set is put to no
    other rule."""
    if rule is None:
        return
    if data.weighted and rule.kind not in ("custom", "most_support"):
        fields.fail(
            "weighted",
            _("Only a custom rule or most support counts weights: {rule} does not.").format(
                rule=_(RULE_NAMES[rule.kind])
            ),
        )
    if not rule.is_options:
        if data.alternatives is not None:
            fields.fail(
                "alternatives", _("Alternatives are put to an options round: choose most support or consensus on one.")
            )
        return
    if data.amendment is not None or not data.clause:
        fields.fail(
            "clause", _("An options round is on a clause: give the clause whose alternatives are put to the vote.")
        )
    if data.alternatives is None:
        fields.fail(
            "alternatives", _("Give the number of the set of alternatives to put to the vote (1 for the first).")
        )
    if data.secret:
        # The disclosure check does not know rules with a choice per alternative: refused rather than guessed.
        fields.fail("secret", _("An options round is recorded: a secret one is not offered."))


def _checked_rule(fields: Fields, data: RoundInput) -> Rule | None:
    try:
        if data.rule == "custom":
            return custom_rule(data.threshold, data.comparison, data.base, data.weighted)
        if data.rule in OPTION_RULES:
            return options_rule(data.rule, 0, data.weighted)
        return builtin_rule(data.rule)
    except RuleError as problem:
        name = problem.field if problem.field in ("threshold", "comparison", "base") else "rule"
        fields.fail(name, _(problem.text).format(**problem.values))
        return None


def _checked_quorum(fields: Fields, quorum: str) -> Fraction:
    try:
        return parse_fraction(quorum or "0")
    except RuleError as problem:
        fields.fail("quorum", _(problem.text).format(**problem.values))
        return Fraction(0)


def _check_deadline(fields: Fields, closes_at: datetime | None) -> None:
    if closes_at is None:
        return
    if closes_at.tzinfo is None:
        fields.fail("closes_at", _("Give the deadline with its time zone (for example 2026-12-01T17:00:00Z)."))
        return
    try:
        deadline: datetime | None = closes_at.astimezone(UTC)
    except OverflowError:
        deadline = None
    if deadline is None or deadline.year > 2200:
        fields.fail("closes_at", _("Give a deadline within the next two centuries."))
    elif deadline <= utcnow():
        fields.fail("closes_at", _("The deadline has already passed."))


@dataclass(frozen=True, slots=True)
class RoundSubject:
    """What a new round is on, beyond its version: a clause, an amendment (and its clause), or
    neither (the whole text)."""

    clause_id: int | None = None
    amendment_id: int | None = None
    options: str | None = None
    """An options round: the set of alternatives as voted on (JSON, ``core.rounds.options_snapshot``)."""


def _options_on(clause_number: str, text: str, index: int) -> str:
    """The snapshot of set ``index`` of a clause's alternatives, once ``core.rounds`` allows it."""
    _refuse(alternatives_refusal(clause_number, text, index))
    alternatives = set_in(text, index)
    assert alternatives is not None, "alternatives_refusal: the set exists"
    return json.dumps(options_snapshot(text, alternatives), ensure_ascii=False, sort_keys=True)


def _new_subject(session: Session, group_slug: str, version_id: int, data: RoundInput) -> RoundSubject:
    if data.amendment is not None:
        amendment = session.execute(
            select(Amendment).where(col(Amendment.id) == data.amendment, col(Amendment.version_id) == version_id)
        ).scalar_one_or_none()
        if amendment is None:
            raise Invalid(
                {"amendment": _("There is no amendment {id} to the current version.").format(id=data.amendment)}
            )
        if amendment.status != AmendmentStatus.proposed:
            raise Invalid({"amendment": _("Amendment {id} is no longer proposed.").format(id=data.amendment)})
        return RoundSubject(amendment.clause_id, amendment.id)
    if data.clause:
        try:
            clause = clause_in_group(session, group_slug, data.document, data.clause)
        except NotFound as missing:
            raise Invalid({"clause": missing.message}) from None
        if data.alternatives is None:
            return RoundSubject(clause.clause_id)
        return RoundSubject(clause.clause_id, None, _options_on(clause.number, clause.text, data.alternatives))
    return RoundSubject()


def create_round(session: Session, user: CurrentUser, group_slug: str, data: RoundInput) -> int:
    """The chair prepares a round (a draft) on a version, a clause or an amendment."""
    _chair(user, group_slug)
    checked = _check_round(data)
    rule, quorum = checked.rule, checked.quorum
    with write_transaction(session):
        ref = version_in_group(session, group_slug, data.document)
        require_current(ref)
        subject = _new_subject(session, group_slug, ref.version_id, data)
        meeting_id = _meeting_of(session, group_slug, data.meeting)
        row = Round(
            group_id=ref.group_id,
            document_id=ref.document_id,
            version_id=ref.version_id,
            clause_id=subject.clause_id,
            amendment_id=subject.amendment_id,
            title=checked.title,
            rule=rule.kind,
            threshold=fraction_text(rule.threshold) if rule.threshold is not None else None,
            comparison=rule.comparison if rule.kind == "custom" else None,
            base=rule.base if rule.kind == "custom" else None,
            weighted=rule.weighted,
            quorum=fraction_text(quorum),
            secret=data.secret,
            closes_at=data.closes_at,
            created_by_id=user.id,
            alternatives=data.alternatives if subject.options else None,
            options=subject.options,
            meeting_id=meeting_id,
            quorum_base=data.quorum_base,
        )
        session.add(row)
        session.flush()
        details: dict[str, object] = {
            "title": checked.title,
            "rule": rule.kind,
            "quorum": fraction_text(quorum),
            "secret": data.secret,
        }
        if subject.options:
            details |= {"alternatives": data.alternatives, "options": json.loads(subject.options)}
        if meeting_id is not None:
            details |= {"meeting": meeting_id, "quorum_base": data.quorum_base}
        audit.record(
            session, user.actor(group_slug), "round.create", "round", row.id, group_id=ref.group_id, details=details
        )
        return _id(row)


def _meeting_of(session: Session, group_slug: str, meeting_id: int | None) -> int | None:
    """The meeting a new round is held at: one of the group's (an unknown one is refused on ``meeting``)."""
    if meeting_id is None:
        return None
    try:
        return _meeting_id(meeting_in_group(session, group_slug, meeting_id))
    except NotFound as missing:
        raise Invalid({"meeting": missing.message}) from None


def _meeting_id(meeting: Meeting) -> int:
    assert meeting.id is not None, "a stored meeting has an id"
    return meeting.id


def _presence(session: Session, row: Round) -> set[int] | None:
    """For a round counting its quorum against those present: the delegations present at its
    meeting now (what opening freezes); None for a round counting every eligible delegation. A
    meeting without a roll call is refused."""
    if row.quorum_base != "present":
        return None
    meeting_id = row.meeting_id
    recorded = roll_call_count(session, meeting_id) if meeting_id is not None else 0
    _refuse(roll_call_refusal(row.quorum_base, recorded))
    assert meeting_id is not None, "roll_call_refusal: a roll call is of a meeting"
    return present_at(session, meeting_id)


def _held(session: Session, membership: GroupMembership, round_id: int, action: Action) -> Round:
    """The round, locked for the chair's ``action``, once ``core.rounds`` allows that action now."""
    row = round_in_group(session, membership.group_slug, round_id, lock="update")
    facts = _facts(row, session) if action == "open" else _facts(row)
    _refuse(action_refusal(membership.role, action, facts, utcnow()))
    return row


def _changed(session: Session, row: Round) -> None:
    """Announce a change of the round: every live page showing it is woken once the transaction
    commits (``live.announce``). What changed is in the audit chain, and the round's newest event is
    what live pages watch (``round_changes``)."""
    session.add(row)
    live.announce(session, _id(row))


def group_of_round(session: Session, user: CurrentUser, round_id: int) -> str:
    """The slug of the group a round belongs to, if the user is a member."""
    slug = group_slug_of_round(session, round_id)
    if slug is None or user.membership(slug) is None:
        raise NotFound(_("There is no round {id}.").format(id=round_id))
    return slug


RoundAction = Callable[[Session, CurrentUser, str, int], None]
"""What the chair does to a round: ``open_round``, ``close_round`` or ``cancel_round``."""


def open_round(session: Session, user: CurrentUser, group_slug: str, round_id: int) -> None:
    """Open a draft round: its electorate (delegations, weights, voting status) is frozen now."""
    membership = _chair(user, group_slug)
    with write_transaction(session):
        row = _held(session, membership, round_id, "open")
        present = _presence(session, row)
        session.add_all(
            RoundElector(
                round_id=round_id,
                delegation_id=delegation.id,
                code=delegation.code,
                name=delegation.name,
                weight=delegation.weight,
                voting_status=delegation.voting_status,
                present=None if present is None else delegation.id in present,
            )
            for delegation in session.execute(
                select(Delegation).where(col(Delegation.group_id) == row.group_id)
            ).scalars()
        )
        if row.secret:
            session.add(SecretTally(round_id=round_id))
        details = _options_at_opening(session, row)
        if present is not None:
            details = (details or {}) | {"present": len(present)}
        row.status = RoundStatus.open.value
        row.opened_at = utcnow()
        _changed(session, row)
        audit.record(
            session, user.actor(group_slug), "round.open", "round", round_id, group_id=row.group_id, details=details
        )


def _options_at_opening(session: Session, row: Round) -> dict[str, object] | None:
    """An options round takes its set again as the clause stands when it opens (a correction may
    have been made to the draft round's clause): what the ballots are on from now on."""
    if row.alternatives is None or row.clause_id is None:
        return None
    number, text = session.execute(
        select(col(Clause.number), col(Clause.text)).where(col(Clause.id) == row.clause_id)
    ).one()
    try:
        row.options = _options_on(number, text, row.alternatives)
    except Invalid as gone:
        raise Conflict(
            _("The alternatives of this round are no longer in clause {clause}: {why} Cancel the round.").format(
                clause=number, why=gone.errors.get("alternatives", "")
            )
        ) from None
    return {"options": json.loads(row.options)}


def cancel_round(session: Session, user: CurrentUser, group_slug: str, round_id: int) -> None:
    """Cancel a draft or open round: no result is recorded."""
    membership = _chair(user, group_slug)
    with write_transaction(session):
        row = _held(session, membership, round_id, "cancel")
        row.status = RoundStatus.cancelled.value
        row.closed_at = utcnow()
        row.closed_by_id = user.id
        _changed(session, row)
        audit.record(session, user.actor(group_slug), "round.cancel", "round", round_id, group_id=row.group_id)


def _secret_tally(session: Session, round_id: int, *, lock: bool = False) -> SecretTally:
    statement = select(SecretTally).where(col(SecretTally.round_id) == round_id)
    row = session.execute(statement.with_for_update() if lock else statement).scalar_one_or_none()
    if row is None:  # a round opened before its counters existed cannot lose its ballots to this
        row = SecretTally(round_id=round_id)
        session.add(row)
    return row


@dataclass(frozen=True, slots=True)
class Counted:
    """A round's tally with the delegations it was taken over (what the disclosure check needs)."""

    result: Result
    electorate: list[Voter]
    participants: list[Voter]
    """The delegations of the electorate that took part (public, even in a secret round)."""
    present: frozenset[str] | None = None
    """A quorum counted against those present: the codes of the delegations present at the round's
    meeting when it opened."""


def _count(session: Session, row: Round, electorate: Electorate | None = None) -> Counted:
    """The tally of the ballots cast so far, over the round's electorate (loaded unless given). A
    secret round is counted from its counters: there is nothing else."""
    rule = rule_of(row)
    electorate = electorate or _electorate(session, row, rule)
    voters = list(electorate.eligible)
    code_of = {e.delegation_id: e.code for e in electorate.electors}
    present = _frozen_presence(session, row)
    if not row.secret:
        ballots = {
            code_of[delegation_id]: choice
            for delegation_id, choice in session.execute(
                select(col(Ballot.delegation_id), col(Ballot.choice)).where(col(Ballot.round_id) == row.id)
            ).all()
        }
        result = tally(rule, voters, ballots, Fraction(row.quorum), present)
        return Counted(result, voters, [v for v in voters if v.code in ballots], present)
    took_part = {code_of[delegation_id] for delegation_id in _participants(session, row)}
    counts = load_counts(_secret_tally(session, _id(row)).counts)
    result = tally_counts(rule, voters, took_part, counts, Fraction(row.quorum), present=present)
    return Counted(result, voters, [v for v in voters if v.code in took_part], present)


def _frozen_presence(session: Session, row: Round) -> frozenset[str] | None:
    """The delegations present at the round's meeting as frozen when it opened (a quorum base
    ``present``); None otherwise. Attendance recorded later changes nothing."""
    if row.quorum_base != "present":
        return None
    return frozenset(
        session.execute(
            select(col(RoundElector.code)).where(
                col(RoundElector.round_id) == row.id, col(RoundElector.present).is_(True)
            )
        ).scalars()
    )


def _participants(session: Session, row: Round) -> set[int]:
    """The delegations that have cast a ballot in the round (public, even in a secret round)."""
    return set(
        session.execute(select(col(Participation.delegation_id)).where(col(Participation.round_id) == row.id)).scalars()
    )


def running_tally(session: Session, row: Round) -> Result:
    """The tally of the ballots cast so far (the result if the round closed now)."""
    return _count(session, row).result


def stored_result(row: Round, counted: Counted) -> dict[str, object]:
    """The result as it is kept and shown: in a secret round, only the figures that leave every
    delegation's choice open (``disclosure.disclose``)."""
    rule = rule_of(row)
    quorum = Fraction(row.quorum)
    if not row.secret:
        return result_to_dict(counted.result, rule, quorum)
    disclosure = disclose(rule, counted.electorate, counted.participants, counted.result, quorum, counted.present)
    return result_to_dict(counted.result, rule, quorum, shown=disclosure.shown)


def _close(session: Session, row: Round, actor: Actor, user_id: int | None) -> None:
    counted = _count(session, row)
    result = counted.result
    row.status = RoundStatus.closed.value
    row.closed_at = utcnow()
    row.closed_by_id = user_id
    row.passed = result.passed
    row.quorum_met = result.quorum_met
    row.result = json.dumps(stored_result(row, counted), ensure_ascii=False, sort_keys=True)
    _changed(session, row)
    details: dict[str, object] = {
        "passed": result.passed,
        "quorum_met": result.quorum_met,
        "result_sha256": hashlib.sha256(row.result.encode()).hexdigest(),
    }
    if row.secret:
        # What the counters held when the round closed, so `audit verify` can tell if they moved since.
        details["counts"] = dump_counts(result.counts)
    event = audit.record(session, actor, "round.close", "round", row.id, group_id=row.group_id, details=details)
    row.audit_head, row.audit_seq = event.hash, event.seq
    session.add(row)


def close_round(session: Session, user: CurrentUser, group_slug: str, round_id: int) -> None:
    """Close an open round: the tally is taken and stored, once, with its reason."""
    membership = _chair(user, group_slug)
    with write_transaction(session):
        row = _held(session, membership, round_id, "close")
        _close(session, row, user.actor(group_slug), user.id)


def close_due_rounds(session: Session) -> list[int]:
    """Close every open round whose deadline has passed (the silence procedure). Each closes in its
    own transaction, and only if it is still open then, so several workers close it once."""
    due = list(
        session.execute(
            select(col(Round.id)).where(col(Round.status) == RoundStatus.open.value, col(Round.closes_at) <= utcnow())
        ).scalars()
    )
    session.rollback()
    return [round_id for round_id in due if _close_at_deadline(session, round_id)]


def _close_at_deadline(session: Session, round_id: int) -> bool:
    """Close one round whose deadline has passed, in its own transaction, unless another worker or
    request got there first. True if this call closed it."""
    with write_transaction(session):
        row = session.execute(select(Round).where(col(Round.id) == round_id).with_for_update()).scalar_one()
        if not past_deadline(_facts(row), utcnow()):
            return False
        _close(session, row, DEADLINE, None)
        return True


# --- ballots -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BallotReceipt:
    """What the delegation keeps: the receipt (a hash of the ballot as stored), and in a secret round
    the key that lets it change its ballot (the server keeps only the key's hash)."""

    receipt: str
    choice: str
    changed: bool
    change_key: str | None = None


def _receipt(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def cast_ballot(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    round_id: int,
    choice: str,
    explanation: str = "",
    change_key: str | None = None,
) -> BallotReceipt:
    """The head of an eligible delegation casts (or changes) its ballot in an open round.

    Casting the same ballot again (a double click, a retry) changes nothing and returns the same
    receipt. One ballot per delegation per round is also a database constraint.
    """
    membership = user.member_of(group_slug)
    _refuse(caster_refusal(_caster(membership)))  # before any round is looked up, as ever
    for attempt in range(2):
        try:
            return _cast(session, user, membership, group_slug, round_id, choice, explanation, change_key)
        except IntegrityError:
            # Two first ballots of one delegation raced; the database kept one. Try again as a change.
            session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _cast(
    session: Session,
    user: CurrentUser,
    membership: GroupMembership,
    group_slug: str,
    round_id: int,
    choice: str,
    explanation: str,
    change_key: str | None,
) -> BallotReceipt:
    with write_transaction(session):
        # A shared lock: ballots of one round go ahead side by side, while closing (which locks the
        # round for update) waits for those under way, and ballots that come later wait for it.
        row = round_in_group(session, group_slug, round_id, lock="share")
        if not past_deadline(_facts(row), utcnow()):
            return _cast_into(session, user, membership, row, choice, explanation, change_key)
    _close_at_deadline(session, round_id)  # whoever gets there first closes it, once
    raise Conflict(_("The deadline of round {id} has passed: it is closed.").format(id=round_id))


@dataclass(frozen=True, slots=True)
class CheckedBallot:
    """A ballot's choice and explanation, checked against the round's rule."""

    choice: str
    explanation: str


def _check_ballot(rule: Rule, choice: str, explanation: str) -> CheckedBallot:
    fields = Fields()
    choice = fields.choice("choice", choice, _("The choice"), list(rule.choices))
    # A reservation or an objection is a position too, and a position of that kind says why.
    needs_text = rule.is_consensus and choice in NEEDS_TEXT
    label = _("The text of the reservation or objection") if needs_text else _("The explanation")
    explanation = fields.text("explanation", explanation, label, required=needs_text, limit=BODY_LIMIT)
    fields.done()
    return CheckedBallot(choice, explanation)


def _cast_into(
    session: Session,
    user: CurrentUser,
    membership: GroupMembership,
    row: Round,
    choice: str,
    explanation: str,
    change_key: str | None,
) -> BallotReceipt:
    """The ballot, inside the caller's transaction (which holds the round): load, decide, write."""
    rule = rule_of(row)
    electorate = _electorate(session, row, rule, membership.delegation_id)
    _refuse(ballot_refusal(_caster(membership), _facts(row, session), electorate))
    ballot = _check_ballot(rule, choice, explanation)
    now = utcnow()
    if row.secret:
        assert membership.delegation_id is not None, "ballot_refusal: the caster heads a delegation"
        elector = electorate.by_delegation[membership.delegation_id]
        result = _cast_secret(session, row, elector, ballot.choice, change_key, now)
    else:
        result = _cast_recorded(session, row, user, membership, ballot, now)
    if not result.changed and result.receipt and not result.change_key:
        return result
    _changed(session, row)
    _record_consensus_position(session, user, membership, row, rule, ballot)
    audit.record(
        session,
        user.actor(membership.group_slug),
        "ballot.cast",
        "round",
        _id(row),
        group_id=row.group_id,
        details={"secret": True}
        if row.secret
        else {"choice": ballot.choice, "receipt": result.receipt, "explanation": content_digest(ballot.explanation)},
    )
    return result


def _record_consensus_position(
    session: Session, user: CurrentUser, membership: GroupMembership, row: Round, rule: Rule, ballot: CheckedBallot
) -> None:
    """A consensus ballot on a clause or the whole text is also the delegation's position on it
    (not on an amendment: objecting to an amendment is not objecting to the clause)."""
    if not rule.is_consensus or row.amendment_id is not None:
        return
    assert membership.delegation_id is not None, "ballot_refusal: the caster heads a delegation"
    record_position(
        session,
        document_id=row.document_id,
        delegation_id=membership.delegation_id,
        version_id=row.version_id,
        lineage=_lineage_of(session, row.clause_id),
        clause_id=row.clause_id,
        position=ballot.choice,
        text=ballot.explanation,
        user_id=user.id,
        round_id=row.id,
    )


def _lineage_of(session: Session, clause_id: int | None) -> str | None:
    if clause_id is None:
        return None
    lineage: str = session.execute(select(col(Clause.lineage)).where(col(Clause.id) == clause_id)).scalar_one()
    return lineage


def _cast_recorded(
    session: Session,
    row: Round,
    user: CurrentUser,
    membership: GroupMembership,
    ballot: CheckedBallot,
    now: datetime,
) -> BallotReceipt:
    choice, explanation = ballot.choice, ballot.explanation
    delegation_id = membership.delegation_id
    assert delegation_id is not None, "ballot_refusal: the caster heads a delegation"
    existing = session.execute(
        select(Ballot).where(col(Ballot.round_id) == row.id, col(Ballot.delegation_id) == delegation_id)
    ).scalar_one_or_none()
    if existing is not None and existing.choice == choice and existing.explanation == explanation:
        return BallotReceipt(existing.receipt, choice, changed=False)
    receipt = _receipt(row.id, membership.delegation_code, choice, explanation, now.isoformat(), secrets.token_hex(8))
    if existing is None:
        session.add(
            Ballot(
                round_id=_id(row),
                delegation_id=delegation_id,
                choice=choice,
                explanation=explanation,
                cast_by_id=user.id,
                cast_at=now,
                receipt=receipt,
            )
        )
        session.add(Participation(round_id=_id(row), delegation_id=delegation_id, first_at=now))
    else:
        existing.choice, existing.explanation, existing.cast_by_id = choice, explanation, user.id
        existing.cast_at, existing.receipt = now, receipt
        session.add(existing)
    session.flush()
    return BallotReceipt(receipt, choice, changed=True)


def _cast_secret(
    session: Session,
    row: Round,
    elector: Elector,
    choice: str,
    change_key: str | None,
    now: datetime,
) -> BallotReceipt:
    """Count a secret ballot into the round's counters. What the delegation chose is kept only
    sealed under its change key, so that it alone can change it."""
    round_id, delegation_id = _id(row), elector.delegation_id
    rule = rule_of(row)
    took_part = session.execute(
        select(Participation).where(
            col(Participation.round_id) == round_id, col(Participation.delegation_id) == delegation_id
        )
    ).scalar_one_or_none()
    previous = None
    if took_part is not None:
        previous = (
            unseal(took_part.sealed, change_key, round_id, delegation_id) if change_key and took_part.sealed else None
        )
        if previous is None:
            raise Conflict(
                _(
                    "Your delegation has already voted in this secret round. A secret ballot can only be "
                    "changed with the key given when it was cast (kept by the browser that cast it)."
                )
            )
        if previous.choice == choice:
            return BallotReceipt(previous.receipt, choice, changed=False)
    key = change_key if previous is not None else secrets.token_urlsafe(24)
    assert key is not None
    receipt = _receipt(round_id, secrets.token_hex(16))
    # Unweighted rules never need the weight, and a weight can name a delegation.
    share = Share(1, Fraction(elector.weight) if rule.uses_weights else Fraction(0))
    group = group_of(rule, elector.voting_status)
    counters = _secret_tally(session, round_id, lock=True)
    counts = load_counts(counters.counts)
    receipts = set(json.loads(counters.receipts))
    choices = counts.setdefault(group, {})
    if previous is not None:
        before = choices[previous.choice]
        choices[previous.choice] = Share(before.count - share.count, before.weight - share.weight)
        receipts.discard(previous.receipt)
    choices[choice] = choices.get(choice, Share()) + share
    receipts.add(receipt)
    counters.counts, counters.receipts = dump_counts(counts), json.dumps(sorted(receipts))
    sealed = seal(SealedChoice(choice, receipt), key, round_id, delegation_id)
    if took_part is None:
        session.add(Participation(round_id=round_id, delegation_id=delegation_id, first_at=now, sealed=sealed))
    else:
        took_part.sealed = sealed
        session.add(took_part)
    session.add(counters)
    session.flush()
    return BallotReceipt(receipt, choice, changed=True, change_key=key)


# --- reading ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RollCallEntry:
    code: str
    name: str
    weight: Decimal
    voting_status: str
    choice: str | None
    explanation: str
    eligible: bool


@dataclass(frozen=True, slots=True)
class OptionView:
    """One alternative of an options round: its ballot choice, its letter and its text."""

    choice: str
    letter: str
    text: str


def option_views(row: Round) -> list[OptionView]:
    return [
        OptionView(f"option:{number}", option_letter(number), text)
        for number, text in enumerate(options_of(row), start=1)
    ]


@dataclass(slots=True)
class RoundView:
    id: int
    title: str
    status: str
    rule: Rule
    rule_text: str
    quorum: str
    secret: bool
    closes_at: datetime | None
    opened_at: datetime | None
    closed_at: datetime | None
    closed_by_deadline: bool
    document_slug: str
    document_title: str
    version: int
    clause_number: str | None
    amendment_id: int | None
    group_slug: str
    result: dict[str, Any] | None
    audit_head: str | None
    audit_seq: int | None
    electorate: list[RollCallEntry] = field(default_factory=list)
    participated: list[str] = field(default_factory=list)
    my_choice: str | None = None
    my_explanation: str = ""
    my_receipt: str | None = None
    can_vote: bool = False
    why_not: Phrase | None = None
    """Why the viewer's delegation may not vote now (``core.rounds.ballot_refusal``, as the page says it)."""
    is_chair: bool = False
    actions: frozenset[str] = frozenset()
    """What the chair may do with the round in its status: open, close, cancel."""
    live: Result | None = None
    secrecy_warning: Phrase | None = None
    """For the chair of a secret round not yet closed: why its outcome alone may give ballots away."""
    alternatives: int | None = None
    """An options round: the index of the clause's set of alternatives it puts to the vote."""
    options: list[OptionView] = field(default_factory=list)
    """An options round: the alternatives as voted on."""
    meeting_id: int | None = None
    quorum_base: str = "eligible"

    @property
    def winner(self) -> OptionView | None:
        """The alternative a closed options round chose, if it chose one."""
        chosen = (self.result or {}).get("winner")
        return next((option for option in self.options if option.choice == chosen), None)

    @property
    def subject(self) -> str:
        if self.alternatives is not None:
            return _("alternatives {index} of clause {n}").format(index=self.alternatives, n=self.clause_number)
        if self.amendment_id is not None:
            return _("amendment {id} (clause {n})").format(id=self.amendment_id, n=self.clause_number)
        if self.clause_number:
            return _("clause {n}").format(n=self.clause_number)
        return _("the whole text")

    @property
    def not_voted(self) -> list[RollCallEntry]:
        participated = set(self.participated)
        return [e for e in self.electorate if e.eligible and e.code not in participated]


@dataclass(frozen=True, slots=True)
class RoundPlace:
    """Where a round stands: its document and version (and whether that version may still change),
    and the clause it is on."""

    document_slug: str
    document_title: str
    version: int
    clause_number: str | None
    version_adopted: bool
    version_superseded: bool


@dataclass(frozen=True, slots=True)
class RecordedBallot:
    choice: str
    explanation: str
    receipt: str


def read_round(session: Session, viewer: CurrentUser, group_slug: str, round_id: int) -> RoundView:
    """A round as the viewer may see it: the chair sees the running tally and who has not voted;
    a head sees its own ballot; everyone sees the result and (recorded rounds) the roll-call once
    it closes. A round past its deadline is closed first."""
    membership = viewer.member_of(group_slug)
    row = _current_round(session, group_slug, round_id)
    place = _place_of(session, row)
    rule = rule_of(row)
    facts = RoundFacts(_id(row), row.status, row.closes_at, place.version_adopted, place.version_superseded)
    view = _view(row, rule, place, group_slug)
    electorate = Electorate() if row.status == RoundStatus.draft else _electorate(session, row, rule)
    refusal = ballot_refusal(_caster(membership), facts, electorate, on_page=True)
    view.can_vote, view.why_not = refusal is None, refusal.phrase if refusal is not None else None
    if chair_refusal(membership.role) is None:
        _fill_for_the_chair(session, view, row, rule, facts, electorate)
    if row.status == RoundStatus.draft:
        return view
    _fill_roll_call(session, view, row, electorate, membership)
    # A secret round shows no running tally: ballots arriving one by one would name their voters.
    if row.status == RoundStatus.open and membership.sees_the_running_tally and not row.secret:
        view.live = _count(session, row, electorate).result
    return view


def _fill_for_the_chair(
    session: Session, view: RoundView, row: Round, rule: Rule, facts: RoundFacts, electorate: Electorate
) -> None:
    """The chair's buttons (what the round's status allows), and for a secret round not yet closed
    why its outcome alone may give ballots away (over the group's delegations while it is a draft)."""
    view.is_chair = True
    view.actions = frozenset(action for action in ACTIONS if status_refusal(action, facts) is None)
    if not row.secret or row.status not in (RoundStatus.draft, RoundStatus.open):
        return
    voters = _delegations_now(session, row) if row.status == RoundStatus.draft else list(electorate.eligible)
    view.secrecy_warning = secrecy_warning(rule, voters, Fraction(row.quorum))


def _current_round(session: Session, group_slug: str, round_id: int) -> Round:
    """The round, closed first if its deadline has passed before the deadline loop noticed."""
    row = round_in_group(session, group_slug, round_id)
    if past_deadline(_facts(row), utcnow()):
        _close_at_deadline(session, round_id)
        row = round_in_group(session, group_slug, round_id)
    return row


def _place_of(session: Session, row: Round) -> RoundPlace:
    slug, title, number, superseded_at, adoption_id = session.execute(
        select(
            col(Document.slug), col(Document.title), col(Version.number), col(Version.superseded_at), col(Adoption.id)
        )
        .join(Version, col(Version.document_id) == col(Document.id))
        .outerjoin(Adoption, col(Adoption.version_id) == col(Version.id))
        .where(col(Version.id) == row.version_id)
    ).one()
    clause_number = (
        session.execute(select(col(Clause.number)).where(col(Clause.id) == row.clause_id)).scalar_one()
        if row.clause_id
        else None
    )
    return RoundPlace(slug, title, number, clause_number, adoption_id is not None, superseded_at is not None)


def _view(row: Round, rule: Rule, place: RoundPlace, group_slug: str) -> RoundView:
    """What every member sees of a round."""
    return RoundView(
        id=_id(row),
        title=row.title,
        status=row.status,
        rule=rule,
        rule_text=rule.describe(),
        quorum=row.quorum,
        secret=row.secret,
        closes_at=row.closes_at,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        closed_by_deadline=row.status == RoundStatus.closed and row.closed_by_id is None,
        document_slug=place.document_slug,
        document_title=place.document_title,
        version=place.version,
        clause_number=place.clause_number,
        amendment_id=row.amendment_id,
        group_slug=group_slug,
        result=json.loads(row.result) if row.result else None,
        audit_head=row.audit_head,
        audit_seq=row.audit_seq,
        alternatives=row.alternatives,
        options=option_views(row),
        meeting_id=row.meeting_id,
        quorum_base=row.quorum_base,
    )


def _delegations_now(session: Session, row: Round) -> list[Voter]:
    """The group's delegations as they stand (a draft round has no electorate yet)."""
    return [
        Voter(*delegation)
        for delegation in session.execute(
            select(col(Delegation.code), col(Delegation.weight), col(Delegation.voting_status)).where(
                col(Delegation.group_id) == row.group_id
            )
        ).all()
    ]


def _fill_roll_call(
    session: Session, view: RoundView, row: Round, electorate: Electorate, membership: GroupMembership
) -> None:
    """Who has voted, the roll-call (choices shown once a recorded round closes, or to those who see
    the running tally), and the viewer's own recorded ballot."""
    participated = _participants(session, row)
    view.participated = [e.code for e in electorate.electors if e.delegation_id in participated]
    recorded = {} if row.secret else _recorded_ballots(session, row)
    show_choices = not row.secret and (row.status == RoundStatus.closed or membership.sees_the_running_tally)
    for e in electorate.electors:
        shown = recorded.get(e.delegation_id) if show_choices else None
        view.electorate.append(
            RollCallEntry(
                e.code,
                e.name,
                e.weight,
                e.voting_status,
                shown.choice if shown is not None else None,
                shown.explanation if shown is not None else "",
                electorate.includes(e.delegation_id),
            )
        )
    mine = recorded.get(membership.delegation_id) if membership.delegation_id is not None else None
    if mine is not None:
        view.my_choice, view.my_explanation, view.my_receipt = mine.choice, mine.explanation, mine.receipt


def _recorded_ballots(session: Session, row: Round) -> dict[int, RecordedBallot]:
    return {
        delegation_id: RecordedBallot(choice, explanation, receipt)
        for delegation_id, choice, explanation, receipt in session.execute(
            select(col(Ballot.delegation_id), col(Ballot.choice), col(Ballot.explanation), col(Ballot.receipt)).where(
                col(Ballot.round_id) == row.id
            )
        ).all()
    }


@dataclass(frozen=True, slots=True)
class RoundSummary:
    id: int
    title: str
    status: str
    rule: Rule
    document_title: str
    subject: str
    closes_at: datetime | None
    passed: bool | None
    secret: bool


def list_rounds(session: Session, group_slug: str) -> list[RoundSummary]:
    """Every round of the group, newest first."""
    group = group_by_slug(session, group_slug)
    rows = session.execute(
        select(Round, col(Document.title), col(Clause.number))
        .join(Document, col(Document.id) == col(Round.document_id))
        .outerjoin(Clause, col(Clause.id) == col(Round.clause_id))
        .where(col(Round.group_id) == group.id)
        .order_by(col(Round.id).desc())
    ).all()
    summaries = []
    for row, title, number in rows:
        if row.alternatives is not None:
            subject = _("alternatives {index} of clause {n}").format(index=row.alternatives, n=number)
        elif row.amendment_id:
            subject = _("amendment {id}").format(id=row.amendment_id)
        elif number:
            subject = _("clause {n}").format(n=number)
        else:
            subject = _("the whole text")
        summaries.append(
            RoundSummary(
                row.id,
                row.title,
                row.status,
                rule_of(row),
                title,
                subject,
                row.closes_at,
                row.passed,
                row.secret,
            )
        )
    return summaries


def round_changes(session: Session, round_id: int) -> tuple[int, str] | None:
    """The newest audit event of a round and its status (what live pages watch): every ballot and
    every change of status is an event. One index lookup."""
    newest = (
        select(func.max(col(AuditEvent.seq)))
        .where(col(AuditEvent.object_type) == "round", col(AuditEvent.object_id) == str(round_id))
        .scalar_subquery()
    )
    found = session.execute(select(newest, col(Round.status)).where(col(Round.id) == round_id)).first()
    return None if found is None else (found[0] or 0, found[1])


def receipts(session: Session, group_slug: str, round_id: int) -> list[str]:
    """Every receipt of a closed round, so a delegation can check its ballot was counted."""
    row = round_in_group(session, group_slug, round_id)
    if row.status != RoundStatus.closed:
        return []
    if row.secret:
        return sorted(json.loads(_secret_tally(session, round_id).receipts))
    return sorted(session.execute(select(col(Ballot.receipt)).where(col(Ballot.round_id) == round_id)).scalars())
