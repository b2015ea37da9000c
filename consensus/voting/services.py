"""Creating, opening, closing and cancelling rounds; casting ballots; reading rounds and results."""

from __future__ import annotations

import hashlib
import json
import secrets
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
from consensus.core.audit import content_digest
from consensus.core.disclosure import disclose, secrecy_warning
from consensus.core.numbers import fraction_text
from consensus.core.sealing import SealedChoice, seal, unseal
from consensus.core.tally import (
    Phrase,
    Result,
    Rule,
    RuleError,
    Share,
    Voter,
    builtin_rule,
    custom_rule,
    dump_counts,
    electorate_of,
    group_of,
    load_counts,
    parse_fraction,
    result_to_dict,
    tally,
    tally_counts,
)
from consensus.db import utcnow, write_transaction
from consensus.errors import Conflict, Forbidden, Invalid, NotFound
from consensus.i18n import _
from consensus.labels import ROUND_STATUSES, in_sentence
from consensus.lookups import clause_in_group, require_current, version_in_group
from consensus.models import (
    Adoption,
    Amendment,
    AmendmentStatus,
    AuditEvent,
    Ballot,
    Clause,
    Delegation,
    Document,
    Participation,
    Role,
    Round,
    RoundElector,
    RoundStatus,
    SecretTally,
    Version,
    WorkingGroup,
)
from consensus.validation import BODY_LIMIT, HEADING_LIMIT, Fields
from consensus.voting import live

DEADLINE = Actor(user_id=None, label="deadline")


def _status(row: Round) -> str:
    return in_sentence(row.status, ROUND_STATUSES)


# --- rules ---------------------------------------------------------------------------------------------


def rule_of(row: Round) -> Rule:
    if row.rule == "custom":
        return custom_rule(row.threshold or "0", row.comparison or ">=", row.base or "cast", row.weighted)
    return builtin_rule(row.rule)


def _chair(user: CurrentUser, group_slug: str) -> GroupMembership:
    membership = user.member_of(group_slug)
    if membership.role != Role.chair:
        raise Forbidden(_("Only the chair runs rounds."))
    return membership


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


def _check_round(data: RoundInput) -> tuple[Rule, Fraction, str]:
    fields = Fields()
    title = fields.text("title", data.title, _("The title"), required=True, limit=HEADING_LIMIT)
    rule: Rule | None = None
    try:
        if data.rule == "custom":
            rule = custom_rule(data.threshold, data.comparison, data.base, data.weighted)
        else:
            rule = builtin_rule(data.rule)
    except RuleError as problem:
        name = problem.field if problem.field in ("threshold", "comparison", "base") else "rule"
        fields.fail(name, _(problem.text).format(**problem.values))
    quorum = Fraction(0)
    try:
        quorum = parse_fraction(data.quorum or "0")
    except RuleError as problem:
        fields.fail("quorum", _(problem.text).format(**problem.values))
    if data.closes_at is not None:
        if data.closes_at.tzinfo is None:
            fields.fail("closes_at", _("Give the deadline with its time zone (for example 2026-12-01T17:00:00Z)."))
        else:
            try:
                deadline = data.closes_at.astimezone(UTC)
            except OverflowError:
                deadline = None
            if deadline is None or deadline.year > 2200:
                fields.fail("closes_at", _("Give a deadline within the next two centuries."))
            elif deadline <= utcnow():
                fields.fail("closes_at", _("The deadline has already passed."))
    if rule is not None and rule.is_consensus and data.secret:
        fields.fail("secret", _("A consensus round is never secret: positions are stated openly."))
    fields.done()
    assert rule is not None
    return rule, quorum, title


def create_round(session: Session, user: CurrentUser, group_slug: str, data: RoundInput) -> int:
    """The chair prepares a round (a draft) on a version, a clause or an amendment."""
    _chair(user, group_slug)
    rule, quorum, title = _check_round(data)
    with write_transaction(session):
        ref = version_in_group(session, group_slug, data.document)
        require_current(ref)
        clause_id = amendment_id = None
        if data.amendment is not None:
            amendment = session.execute(
                select(Amendment).where(
                    col(Amendment.id) == data.amendment, col(Amendment.version_id) == ref.version_id
                )
            ).scalar_one_or_none()
            if amendment is None:
                raise Invalid(
                    {"amendment": _("There is no amendment {id} to the current version.").format(id=data.amendment)}
                )
            if amendment.status != AmendmentStatus.proposed:
                raise Invalid({"amendment": _("Amendment {id} is no longer proposed.").format(id=data.amendment)})
            amendment_id, clause_id = amendment.id, amendment.clause_id
        elif data.clause:
            try:
                clause_id = clause_in_group(session, group_slug, data.document, data.clause).clause_id
            except NotFound as missing:
                raise Invalid({"clause": missing.message}) from None
        row = Round(
            group_id=ref.group_id,
            document_id=ref.document_id,
            version_id=ref.version_id,
            clause_id=clause_id,
            amendment_id=amendment_id,
            title=title,
            rule=rule.kind,
            threshold=fraction_text(rule.threshold) if rule.threshold is not None else None,
            comparison=rule.comparison if rule.kind == "custom" else None,
            base=rule.base if rule.kind == "custom" else None,
            weighted=rule.weighted,
            quorum=fraction_text(quorum),
            secret=data.secret,
            closes_at=data.closes_at,
            created_by_id=user.id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            user.actor(group_slug),
            "round.create",
            "round",
            row.id,
            group_id=ref.group_id,
            details={"title": title, "rule": rule.kind, "quorum": fraction_text(quorum), "secret": data.secret},
        )
        assert row.id is not None
        return row.id


def _round(session: Session, group_slug: str, round_id: int, *, lock: str | None = None) -> Round:
    statement = (
        select(Round)
        .join(WorkingGroup, col(WorkingGroup.id) == col(Round.group_id))
        .where(col(Round.id) == round_id, col(WorkingGroup.slug) == group_slug)
    )
    if lock == "update":
        statement = statement.with_for_update()
    elif lock == "share":
        statement = statement.with_for_update(read=True)
    row = session.execute(statement).scalar_one_or_none()
    if row is None:
        raise NotFound(_("There is no round {id} in this group.").format(id=round_id))
    return row


def _changed(session: Session, row: Round) -> None:
    """Announce a change of the round to every worker when the transaction commits. What changed is
    in the audit chain, and the round's newest event is what live pages watch (``round_changes``)."""
    session.add(row)
    live.announce(session, row.id)  # type: ignore[arg-type]


def group_of_round(session: Session, user: CurrentUser, round_id: int) -> str:
    """The slug of the group a round belongs to, if the user is a member."""
    slug = session.execute(
        select(col(WorkingGroup.slug))
        .join(Round, col(Round.group_id) == col(WorkingGroup.id))
        .where(col(Round.id) == round_id)
    ).scalar_one_or_none()
    if slug is None or user.membership(slug) is None:
        raise NotFound(_("There is no round {id}.").format(id=round_id))
    return slug


def _require_unfrozen(session: Session, row: Round) -> None:
    """Refuse work on a round whose version has been superseded or adopted."""
    superseded = session.execute(
        select(col(Version.superseded_at)).where(col(Version.id) == row.version_id)
    ).scalar_one()
    adopted = (
        session.execute(select(col(Adoption.id)).where(col(Adoption.version_id) == row.version_id)).first() is not None
    )
    if adopted:
        raise Conflict(_("The version this round is on has been adopted and is frozen."))
    if superseded is not None:
        raise Conflict(_("The version this round is on has been superseded."))


def open_round(session: Session, user: CurrentUser, group_slug: str, round_id: int) -> None:
    """Open a draft round: its electorate (delegations, weights, voting status) is frozen now."""
    _chair(user, group_slug)
    with write_transaction(session):
        row = _round(session, group_slug, round_id, lock="update")
        if row.status != RoundStatus.draft:
            raise Conflict(
                _("Round {id} is {status}: only a draft can be opened.").format(id=round_id, status=_status(row))
            )
        if row.closes_at is not None and row.closes_at <= utcnow():
            raise Conflict(
                _("The deadline of round {id} has passed: set a new one before opening it.").format(id=round_id)
            )
        _require_unfrozen(session, row)
        session.add_all(
            RoundElector(
                round_id=row.id,  # type: ignore[arg-type]
                delegation_id=delegation.id,
                code=delegation.code,
                name=delegation.name,
                weight=delegation.weight,
                voting_status=delegation.voting_status,
            )
            for delegation in session.execute(
                select(Delegation).where(col(Delegation.group_id) == row.group_id)
            ).scalars()
        )
        if row.secret:
            session.add(SecretTally(round_id=round_id))
        row.status = RoundStatus.open.value
        row.opened_at = utcnow()
        _changed(session, row)
        audit.record(session, user.actor(group_slug), "round.open", "round", round_id, group_id=row.group_id)


def cancel_round(session: Session, user: CurrentUser, group_slug: str, round_id: int) -> None:
    """Cancel a draft or open round: no result is recorded."""
    _chair(user, group_slug)
    with write_transaction(session):
        row = _round(session, group_slug, round_id, lock="update")
        if row.status not in (RoundStatus.draft, RoundStatus.open):
            raise Conflict(_("Round {id} is already {status}.").format(id=round_id, status=_status(row)))
        row.status = RoundStatus.cancelled.value
        row.closed_at = utcnow()
        row.closed_by_id = user.id
        _changed(session, row)
        audit.record(session, user.actor(group_slug), "round.cancel", "round", round_id, group_id=row.group_id)


def _electorate(session: Session, round_id: int) -> list[RoundElector]:
    return list(
        session.execute(
            select(RoundElector).where(col(RoundElector.round_id) == round_id).order_by(col(RoundElector.name))
        ).scalars()
    )


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


def _count(session: Session, row: Round) -> Counted:
    """The tally of the ballots cast so far. A secret round is counted from its counters: there is
    nothing else."""
    rule = rule_of(row)
    electors = _electorate(session, row.id)  # type: ignore[arg-type]
    electorate = electorate_of(rule, [Voter(e.code, e.weight, e.voting_status, e.name) for e in electors])
    code_of = {e.delegation_id: e.code for e in electors}
    if not row.secret:
        ballots = {
            code_of[delegation_id]: choice
            for delegation_id, choice in session.execute(
                select(col(Ballot.delegation_id), col(Ballot.choice)).where(col(Ballot.round_id) == row.id)
            ).all()
        }
        result = tally(rule, electorate, ballots, Fraction(row.quorum))
        return Counted(result, electorate, [v for v in electorate if v.code in ballots])
    took_part = {
        code_of[delegation_id]
        for delegation_id in session.execute(
            select(col(Participation.delegation_id)).where(col(Participation.round_id) == row.id)
        ).scalars()
    }
    counts = load_counts(_secret_tally(session, row.id).counts)  # type: ignore[arg-type]
    result = tally_counts(rule, electorate, took_part, counts, Fraction(row.quorum))
    return Counted(result, electorate, [v for v in electorate if v.code in took_part])


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
    disclosure = disclose(rule, counted.electorate, counted.participants, counted.result, quorum)
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
    _chair(user, group_slug)
    with write_transaction(session):
        row = _round(session, group_slug, round_id, lock="update")
        if row.status != RoundStatus.open:
            raise Conflict(
                _("Round {id} is {status}: only an open round can be closed.").format(id=round_id, status=_status(row))
            )
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
        if not _past_deadline(row):
            return False
        _close(session, row, DEADLINE, None)
        return True


def _past_deadline(row: Round) -> bool:
    return row.status == RoundStatus.open and row.closes_at is not None and row.closes_at <= utcnow()


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
    if not membership.is_head or membership.delegation_id is None:
        raise Forbidden(_("Only the head of a delegation casts its ballot."))
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
        row = _round(session, group_slug, round_id, lock="share")
        if not _past_deadline(row):
            return _cast_into(session, user, membership, row, choice, explanation, change_key)
    _close_at_deadline(session, round_id)  # whoever gets there first closes it, once
    raise Conflict(_("The deadline of round {id} has passed: it is closed.").format(id=round_id))


def _cast_into(
    session: Session,
    user: CurrentUser,
    membership: GroupMembership,
    row: Round,
    choice: str,
    explanation: str,
    change_key: str | None,
) -> BallotReceipt:
    """The ballot, inside the caller's transaction (which holds the round)."""
    round_id: int = row.id  # type: ignore[assignment]
    group_slug = membership.group_slug
    if row.status != RoundStatus.open:
        raise Conflict(
            _("Round {id} is {status}: ballots are taken only while it is open.").format(
                id=round_id, status=_status(row)
            )
        )
    _require_unfrozen(session, row)
    rule = rule_of(row)
    elector = session.execute(
        select(RoundElector).where(
            col(RoundElector.round_id) == round_id, col(RoundElector.delegation_id) == membership.delegation_id
        )
    ).scalar_one_or_none()
    eligible = elector is not None and bool(
        electorate_of(rule, [Voter(elector.code, elector.weight, elector.voting_status)])
    )
    if not eligible:
        raise Forbidden(
            _("{delegation} is not in the electorate of this round.").format(delegation=membership.delegation_name)
        )
    assert elector is not None
    fields = Fields()
    choice = fields.choice("choice", choice, _("The choice"), list(rule.choices))
    # A reservation or an objection is a position too, and a position of that kind says why.
    needs_text = rule.is_consensus and choice in NEEDS_TEXT
    label = _("The text of the reservation or objection") if needs_text else _("The explanation")
    explanation = fields.text("explanation", explanation, label, required=needs_text, limit=BODY_LIMIT)
    fields.done()
    now = utcnow()
    if row.secret:
        result = _cast_secret(session, row, membership, elector, choice, change_key, now)
    else:
        result = _cast_recorded(session, row, user, membership, choice, explanation, now)
    if not result.changed and result.receipt and not result.change_key:
        return result
    _changed(session, row)
    # A consensus ballot on a clause or the whole text is also the delegation's position on it
    # (not on an amendment: objecting to an amendment is not objecting to the clause).
    if rule.is_consensus and row.amendment_id is None:
        record_position(
            session,
            document_id=row.document_id,
            delegation_id=membership.delegation_id,  # type: ignore[arg-type]
            version_id=row.version_id,
            lineage=_lineage_of(session, row.clause_id),
            clause_id=row.clause_id,
            position=choice,
            text=explanation,
            user_id=user.id,
            round_id=row.id,
        )
    audit.record(
        session,
        user.actor(group_slug),
        "ballot.cast",
        "round",
        round_id,
        group_id=row.group_id,
        details={"secret": True}
        if row.secret
        else {"choice": choice, "receipt": result.receipt, "explanation": content_digest(explanation)},
    )
    return result


def _lineage_of(session: Session, clause_id: int | None) -> str | None:
    if clause_id is None:
        return None
    return session.execute(select(col(Clause.lineage)).where(col(Clause.id) == clause_id)).scalar_one()


def _cast_recorded(
    session: Session,
    row: Round,
    user: CurrentUser,
    membership: GroupMembership,
    choice: str,
    explanation: str,
    now: datetime,
) -> BallotReceipt:
    existing = session.execute(
        select(Ballot).where(col(Ballot.round_id) == row.id, col(Ballot.delegation_id) == membership.delegation_id)
    ).scalar_one_or_none()
    if existing is not None and existing.choice == choice and existing.explanation == explanation:
        return BallotReceipt(existing.receipt, choice, changed=False)
    receipt = _receipt(row.id, membership.delegation_code, choice, explanation, now.isoformat(), secrets.token_hex(8))
    if existing is None:
        session.add(
            Ballot(
                round_id=row.id,  # type: ignore[arg-type]
                delegation_id=membership.delegation_id,  # type: ignore[arg-type]
                choice=choice,
                explanation=explanation,
                cast_by_id=user.id,
                cast_at=now,
                receipt=receipt,
            )
        )
        session.add(Participation(round_id=row.id, delegation_id=membership.delegation_id, first_at=now))  # type: ignore[arg-type]
    else:
        existing.choice, existing.explanation, existing.cast_by_id = choice, explanation, user.id
        existing.cast_at, existing.receipt = now, receipt
        session.add(existing)
    session.flush()
    return BallotReceipt(receipt, choice, changed=True)


def _cast_secret(
    session: Session,
    row: Round,
    membership: GroupMembership,
    elector: RoundElector,
    choice: str,
    change_key: str | None,
    now: datetime,
) -> BallotReceipt:
    """Count a secret ballot into the round's counters. What the delegation chose is kept only
    sealed under its change key, so that it alone can change it."""
    round_id: int = row.id  # type: ignore[assignment]
    delegation_id: int = membership.delegation_id  # type: ignore[assignment]
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
    why_not: str = ""
    is_chair: bool = False
    live: Result | None = None
    secrecy_warning: Phrase | None = None
    """For the chair of a secret round not yet closed: why its outcome alone may give ballots away."""

    @property
    def subject(self) -> str:
        if self.amendment_id is not None:
            return _("amendment {id} (clause {n})").format(id=self.amendment_id, n=self.clause_number)
        if self.clause_number:
            return _("clause {n}").format(n=self.clause_number)
        return _("the whole text")

    @property
    def not_voted(self) -> list[RollCallEntry]:
        return [e for e in self.electorate if e.eligible and e.code not in self.participated]


def read_round(session: Session, viewer: CurrentUser, group_slug: str, round_id: int) -> RoundView:
    """A round as the viewer may see it: the chair sees the running tally and who has not voted;
    a head sees its own ballot; everyone sees the result and (recorded rounds) the roll-call once
    it closes. A round past its deadline is closed first."""
    membership = viewer.member_of(group_slug)
    row = _round(session, group_slug, round_id)
    if _past_deadline(row):  # before the deadline loop noticed
        _close_at_deadline(session, round_id)
        row = _round(session, group_slug, round_id)
    details = session.execute(
        select(col(Document.slug), col(Document.title), col(Version.number))
        .join(Version, col(Version.document_id) == col(Document.id))
        .where(col(Version.id) == row.version_id)
    ).one()
    clause_number = (
        session.execute(select(col(Clause.number)).where(col(Clause.id) == row.clause_id)).scalar_one()
        if row.clause_id
        else None
    )
    rule = rule_of(row)
    view = RoundView(
        id=row.id,  # type: ignore[arg-type]
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
        document_slug=details[0],
        document_title=details[1],
        version=details[2],
        clause_number=clause_number,
        amendment_id=row.amendment_id,
        group_slug=group_slug,
        result=json.loads(row.result) if row.result else None,
        audit_head=row.audit_head,
        audit_seq=row.audit_seq,
        is_chair=membership.role == Role.chair,
    )
    if row.status == RoundStatus.draft:
        view.why_not = _("The round has not been opened yet.")
        if row.secret and membership.role == Role.chair:
            delegations = session.execute(
                select(col(Delegation.code), col(Delegation.weight), col(Delegation.voting_status)).where(
                    col(Delegation.group_id) == row.group_id
                )
            ).all()
            view.secrecy_warning = secrecy_warning(rule, [Voter(*d) for d in delegations], Fraction(row.quorum))
        return view
    electors = _electorate(session, row.id)  # type: ignore[arg-type]
    if row.secret and row.status == RoundStatus.open and membership.role == Role.chair:
        view.secrecy_warning = secrecy_warning(
            rule, [Voter(e.code, e.weight, e.voting_status) for e in electors], Fraction(row.quorum)
        )
    eligible_codes = {v.code for v in electorate_of(rule, [Voter(e.code, e.weight, e.voting_status) for e in electors])}
    participated_ids = set(
        session.execute(select(col(Participation.delegation_id)).where(col(Participation.round_id) == row.id)).scalars()
    )
    view.participated = [e.code for e in electors if e.delegation_id in participated_ids]
    recorded: dict[int, tuple[str, str]] = {}
    if not row.secret:
        recorded = {
            d: (c, x)
            for d, c, x in session.execute(
                select(col(Ballot.delegation_id), col(Ballot.choice), col(Ballot.explanation)).where(
                    col(Ballot.round_id) == row.id
                )
            ).all()
        }
    show_choices = not row.secret and (row.status == RoundStatus.closed or membership.sees_the_running_tally)
    view.electorate = [
        RollCallEntry(
            e.code,
            e.name,
            e.weight,
            e.voting_status,
            recorded.get(e.delegation_id, (None, ""))[0] if show_choices else None,
            recorded.get(e.delegation_id, (None, ""))[1] if show_choices else "",
            e.code in eligible_codes,
        )
        for e in electors
    ]
    if membership.delegation_id is not None:
        mine = None
        if not row.secret:
            mine = session.execute(
                select(Ballot).where(
                    col(Ballot.round_id) == row.id, col(Ballot.delegation_id) == membership.delegation_id
                )
            ).scalar_one_or_none()
        if mine is not None:
            view.my_choice, view.my_explanation, view.my_receipt = mine.choice, mine.explanation, mine.receipt
        mine_eligible = any(e.delegation_id == membership.delegation_id and e.code in eligible_codes for e in electors)
        if row.status != RoundStatus.open:
            view.why_not = _("The round is {status}.").format(status=_status(row))
        elif not membership.is_head:
            view.why_not = _("Only the head of your delegation casts its ballot.")
        elif not mine_eligible:
            view.why_not = _("Your delegation is not in the electorate of this round.")
        else:
            view.can_vote = True
    else:
        view.why_not = _("Ballots are cast by heads of delegation.")
    # A secret round shows no running tally: ballots arriving one by one would name their voters.
    if row.status == RoundStatus.open and membership.sees_the_running_tally and not row.secret:
        view.live = running_tally(session, row)
    return view


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
    rows = session.execute(
        select(Round, col(Document.title), col(Clause.number))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Round.group_id))
        .join(Document, col(Document.id) == col(Round.document_id))
        .outerjoin(Clause, col(Clause.id) == col(Round.clause_id))
        .where(col(WorkingGroup.slug) == group_slug)
        .order_by(col(Round.id).desc())
    ).all()
    summaries = []
    for row, title, number in rows:
        if row.amendment_id:
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
    row = _round(session, group_slug, round_id)
    if row.status != RoundStatus.closed:
        return []
    if row.secret:
        return sorted(json.loads(_secret_tally(session, round_id).receipts))
    return sorted(session.execute(select(col(Ballot.receipt)).where(col(Ballot.round_id) == round_id)).scalars())
