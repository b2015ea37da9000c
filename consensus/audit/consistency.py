"""Does the state agree with the audit log? Each ballot, round result, secret round's counters,
adoption, publication, comment, and each compromise and amendment it superseded is compared with
the last events about it.

A chain whose hashes and signatures hold proves only that the log was not rewritten; someone with
the database could still edit a row and leave the log alone. So ``audit verify`` also reads the
rows the log speaks of and names every one that says something the log does not (or that the log
speaks of and is gone). Events written before their details carried digests are checked for their
existence only.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.core.audit import content_digest
from consensus.core.tally import dump_counts, load_counts
from consensus.models import (
    Adoption,
    Amendment,
    AmendmentStatus,
    AuditEvent,
    Ballot,
    Comment,
    Delegation,
    EditorialCorrection,
    Participation,
    Publication,
    Round,
    SecretTally,
)


@dataclass(frozen=True, slots=True)
class Seen:
    """An event as the checks need it."""

    seq: int
    hash: str
    action: str
    delegation: str
    details: dict[str, object]


@dataclass(slots=True)
class Log:
    """The last events about each thing the state is checked against."""

    rounds: dict[str, dict[str, Seen]] = field(default_factory=lambda: defaultdict(dict))
    ballots: dict[tuple[str, str], Seen] = field(default_factory=dict)
    comments: dict[str, dict[str, Seen]] = field(default_factory=lambda: defaultdict(dict))
    versions: dict[str, dict[str, Seen]] = field(default_factory=lambda: defaultdict(dict))
    delegations: dict[str, Seen] = field(default_factory=dict)
    """The last event about each delegation (created, changed or removed)."""
    corrections: dict[str, list[Seen]] = field(default_factory=lambda: defaultdict(list))
    """Every editorial correction's event, by clause."""
    compromises: set[str] = field(default_factory=set)
    """The amendments the log tells were proposed as compromises."""
    superseding: dict[str, Seen] = field(default_factory=dict)
    """The last event superseding or restoring each amendment."""


COMMENT_CONTENT = {"comment.create", "comment.reply", "comment.edit"}
SUPERSEDING = {"amendment.supersede", "amendment.restore"}


def _read_log(session: Session) -> Log:
    log = Log()
    rows = session.execute(
        select(
            col(AuditEvent.seq),
            col(AuditEvent.hash),
            col(AuditEvent.action),
            col(AuditEvent.object_type),
            col(AuditEvent.object_id),
            col(AuditEvent.delegation),
            col(AuditEvent.details),
        )
        .where(
            col(AuditEvent.object_type).in_(["round", "comment", "version", "delegation", "clause"])
            | col(AuditEvent.action).in_(["amendment.compromise", *SUPERSEDING])
        )
        .order_by(col(AuditEvent.seq))
        .execution_options(yield_per=5000)
    )
    for seq, digest, action, object_type, object_id, delegation, details in rows:
        try:
            parsed = json.loads(details)
        except ValueError:
            parsed = {}
        seen = Seen(seq, digest, action, delegation, parsed if isinstance(parsed, dict) else {})
        if object_type == "round":
            if action == "ballot.cast":
                log.ballots[(object_id, delegation)] = seen
            log.rounds[object_id][action] = seen
        elif object_type == "comment":
            log.comments[object_id]["content" if action in COMMENT_CONTENT else action] = seen
        elif object_type == "delegation":
            log.delegations[object_id] = seen
        elif object_type == "clause":
            if action == "clause.correct":
                log.corrections[object_id].append(seen)
        elif object_type == "amendment":
            if action == "amendment.compromise":
                log.compromises.add(object_id)
            else:
                log.superseding[object_id] = seen
        else:
            log.versions[object_id][action] = seen
    return log


def state_problems(session: Session) -> list[str]:
    """Every row that disagrees with the log, in words naming the row and the event."""
    log = _read_log(session)
    return [
        *_rounds(session, log),
        *_comments(session, log),
        *_versions(session, log),
        *_delegations(session, log),
        *_corrections(session, log),
        *_compromises(session, log),
    ]


def _rounds(session: Session, log: Log) -> Iterator[str]:
    rounds = {str(r.id): r for r in session.execute(select(Round)).scalars()}
    for round_id, events in log.rounds.items():
        if round_id not in rounds:
            first = min(events.values(), key=lambda e: e.seq)
            yield f"round {round_id} is in the log (seq {first.seq}) but not in the database: it was deleted"
    codes = dict(session.execute(select(col(Delegation.id), col(Delegation.code))).all())
    for round_id, row in rounds.items():
        events = log.rounds.get(round_id, {})
        yield from _round_status(row, events)
        if row.secret:
            yield from _secret_counters(session, row, events, log)
        else:
            yield from _recorded_ballots(session, row, log, codes)


def _round_status(row: Round, events: dict[str, Seen]) -> Iterator[str]:
    name = f"round {row.id}"
    if "round.create" not in events:
        yield f"{name} has no creation event in the log"
    expected = {"open": "round.open", "closed": "round.close", "cancelled": "round.cancel"}.get(row.status)
    if expected and expected not in events:
        yield f"{name} is {row.status} but the log has no {expected} event for it"
    ended = events.get("round.close") or events.get("round.cancel")
    if row.status in ("draft", "open") and ended is not None:
        yield f"{name} is {row.status} but event seq {ended.seq} ({ended.action}) ended it"
    close = events.get("round.close")
    if row.status == "closed" and close is not None:
        yield from _round_result(name, row, close)
    yield from _round_options(name, row, events)


def _round_options(name: str, row: Round, events: dict[str, Seen]) -> Iterator[str]:
    """An options round's alternatives as voted on, against the last event that states them (its
    opening, else its creation)."""
    told = next(
        (seen for seen in (events.get("round.open"), events.get("round.create")) if seen and "options" in seen.details),
        None,
    )
    if row.options is None and told is None:
        return
    if told is None:
        yield f"{name} holds alternatives that no event of the log tells of"
        return
    try:
        stored = json.loads(row.options or "null")
    except ValueError:
        stored = None
    if stored != told.details["options"]:
        yield f"{name}'s alternatives differ from its event (seq {told.seq}): they were changed after the vote began"
    created = events.get("round.create")
    if created is not None and created.details.get("alternatives") != row.alternatives:
        yield f"{name}'s set of alternatives differs from its creation event (seq {created.seq})"


def _round_result(name: str, row: Round, close: Seen) -> Iterator[str]:
    """A closed round's stored outcome, result and checkpoint against its close event."""
    if close.details.get("passed") != row.passed or close.details.get("quorum_met") != row.quorum_met:
        yield f"{name}'s stored outcome differs from its close event (seq {close.seq})"
    stored_digest = close.details.get("result_sha256")
    if stored_digest is not None and stored_digest != hashlib.sha256((row.result or "").encode()).hexdigest():
        yield f"{name}'s stored result was changed after its close event (seq {close.seq})"
    if row.audit_head is not None and row.audit_head != close.hash:
        yield f"{name}'s checkpoint hash is not the hash of its close event (seq {close.seq})"


def _recorded_ballots(session: Session, row: Round, log: Log, codes: dict[int | None, str]) -> Iterator[str]:
    round_id = str(row.id)
    stored = {
        codes.get(ballot.delegation_id, "?"): ballot
        for ballot in session.execute(select(Ballot).where(col(Ballot.round_id) == row.id)).scalars()
    }
    for code, ballot in stored.items():
        event = log.ballots.get((round_id, code))
        if event is None:
            yield f"the ballot of {code} in round {round_id} has no ballot.cast event: it was written into the database"
            continue
        details = event.details
        if details.get("choice") != ballot.choice or details.get("receipt") != ballot.receipt:
            yield (
                f"the ballot of {code} in round {round_id} says {ballot.choice!r}, but its last event "
                f"(seq {event.seq}) says {details.get('choice')!r}: the ballot row was edited"
            )
        elif "explanation" in details and details["explanation"] != content_digest(ballot.explanation):
            yield f"the explanation of {code}'s ballot in round {round_id} was edited after its event (seq {event.seq})"
    for (event_round, code), event in log.ballots.items():
        if event_round == round_id and code not in stored:
            yield f"the ballot of {code} in round {round_id} (event seq {event.seq}) is missing: it was deleted"


def _secret_counters(session: Session, row: Round, events: dict[str, Seen], log: Log) -> Iterator[str]:
    round_id = str(row.id)
    took_part = len(
        session.execute(select(col(Participation.id)).where(col(Participation.round_id) == row.id)).scalars().all()
    )
    voters = {code for (event_round, code) in log.ballots if event_round == round_id}
    if took_part != len(voters):
        yield (
            f"round {round_id} records {took_part} delegations as having voted, "
            f"but the log has ballots from {len(voters)}"
        )
    counters = session.get(SecretTally, row.id)
    if counters is None:
        if row.status != "draft":
            yield f"the counters of secret round {round_id} are missing"
        return
    counts = load_counts(counters.counts)
    counted = sum(share.count for group in counts.values() for share in group.values())
    if counted != took_part:
        yield f"the counters of secret round {round_id} hold {counted} ballots for {took_part} delegations that voted"
    close = events.get("round.close")
    if (
        row.status == "closed"
        and close is not None
        and close.details.get("counts", dump_counts(counts)) != dump_counts(counts)
    ):
        yield f"the counters of secret round {round_id} changed after it closed (event seq {close.seq})"


def _comments(session: Session, log: Log) -> Iterator[str]:
    comments = {str(c.id): c for c in session.execute(select(Comment)).scalars()}
    for comment_id, events in log.comments.items():
        if comment_id not in comments and "content" in events:
            yield f"comment {comment_id} is in the log (seq {events['content'].seq}) but not in the database"
    for comment_id, comment in comments.items():
        events = log.comments.get(comment_id, {})
        content = events.get("content")
        if content is None:
            yield f"comment {comment_id} has no event in the log: it was written into the database"
            continue
        said = content.details.get("content")
        now = content_digest(comment.kind, comment.paragraph, comment.body, comment.proposed_change)
        if said is not None and said != now:
            yield f"comment {comment_id}'s text differs from its last event (seq {content.seq}): it was edited"
        if (comment.withdrawn_at is not None) != ("comment.withdraw" in events):
            yield f"comment {comment_id}'s withdrawal disagrees with the log"
        dispose = events.get("comment.dispose")
        if (dispose.details.get("disposition") if dispose else None) != comment.disposition:
            yield f"comment {comment_id}'s disposition {comment.disposition!r} disagrees with the log"
        elif dispose and dispose.details.get("observation", content_digest(comment.observation)) != content_digest(
            comment.observation
        ):
            yield f"the observation on comment {comment_id} was edited after its event (seq {dispose.seq})"


def _versions(session: Session, log: Log) -> Iterator[str]:
    adoptions = {str(a.version_id): a for a in session.execute(select(Adoption)).scalars()}
    publications = {str(p.version_id): p for p in session.execute(select(Publication)).scalars()}
    for version_id, events in log.versions.items():
        if "version.adopt" in events and version_id not in adoptions:
            yield f"the adoption of version {version_id} (event seq {events['version.adopt'].seq}) was deleted"
        if "version.publish" in events and version_id not in publications:
            yield f"the publication of version {version_id} (event seq {events['version.publish'].seq}) was deleted"
    for version_id, adoption in adoptions.items():
        yield from _adoption(version_id, adoption, log.versions.get(version_id, {}).get("version.adopt"))
    for version_id, publication in publications.items():
        event = log.versions.get(version_id, {}).get("version.publish")
        if event is None:
            yield f"the publication of version {version_id} has no event in the log"
        elif publication.audit_head is not None and publication.audit_head != event.hash:
            yield f"the publication of version {version_id} shows a checkpoint that is not its event (seq {event.seq})"


def _adoption(version_id: str, adoption: Adoption, event: Seen | None) -> Iterator[str]:
    if event is None:
        yield f"the adoption of version {version_id} has no event in the log"
        return
    details = event.details
    open_clauses, undecided = details.get("open_clauses"), details.get("undecided")
    said = (
        details.get("round"),
        details.get("override") or "",
        len(open_clauses) if isinstance(open_clauses, list) else 0,
        len(undecided) if isinstance(undecided, list) else 0,
    )
    if said != (adoption.round_id, adoption.override_reason, adoption.open_clauses, adoption.undecided_amendments):
        yield f"the adoption of version {version_id} differs from its event (seq {event.seq}): it was edited"


def _delegations(session: Session, log: Log) -> Iterator[str]:
    """A delegation's name, weight and voting status are what its last event set (a weight edited
    in the database would change every weighted round opened after). Delegations written before
    their changes were logged have no event and are not checked."""
    rows = {str(d.id): d for d in session.execute(select(Delegation)).scalars()}
    for delegation_id, event in log.delegations.items():
        row = rows.get(delegation_id)
        said = event.details.get("after", event.details)
        if event.action == "delegation.remove":
            if row is not None:
                yield f"delegation {row.code} was removed (event seq {event.seq}) but is in the database"
            continue
        if row is None:
            yield f"delegation {delegation_id} is in the log (seq {event.seq}) but not in the database: it was deleted"
            continue
        now = delegation_details(row)
        if isinstance(said, dict) and said != now:
            changed = ", ".join(sorted(name for name in now if said.get(name) != now[name]))
            yield f"delegation {row.code}'s {changed} differs from its last event (seq {event.seq}): it was edited"


def delegation_details(delegation: Delegation) -> dict[str, object]:
    """What the audit log records of a delegation (the weight as an exact decimal string)."""
    return {
        "code": delegation.code,
        "name": delegation.name,
        "weight": format(Decimal(delegation.weight).normalize(), "f"),
        "voting_status": delegation.voting_status,
    }


def _corrections(session: Session, log: Log) -> Iterator[str]:
    """Each editorial correction on record is one the log tells of (the same text before and after,
    the same reason), and none the log tells of is gone."""
    told = {
        clause_id: [(e.details.get("before"), e.details.get("after"), e.details.get("reason")) for e in events]
        for clause_id, events in log.corrections.items()
    }
    rows: dict[str, int] = defaultdict(int)
    for row in session.execute(select(EditorialCorrection)).scalars():
        clause_id = str(row.clause_id)
        rows[clause_id] += 1
        said = (
            content_digest(row.old_heading, row.old_text),
            content_digest(row.new_heading, row.new_text),
            row.reason,
        )
        if said not in told.get(clause_id, []):
            yield (
                f"the editorial correction {row.id} of clause {row.number} is not the one its event tells of: "
                "it was edited, or written behind the log"
            )
    for clause_id, events in log.corrections.items():
        if rows.get(clause_id, 0) < len(events):
            yield f"an editorial correction of clause id {clause_id} (event seq {events[-1].seq}) was deleted"


def _compromises(session: Session, log: Log) -> Iterator[str]:
    """An amendment is a compromise exactly when the log tells it was proposed as one, and it is
    superseded exactly when its last superseding event says so, by the compromise that event names."""
    rows = session.execute(
        select(col(Amendment.id), col(Amendment.compromise), col(Amendment.status), col(Amendment.superseded_by_id))
    ).all()
    for amendment_id, compromise, status, superseded_by in rows:
        key = str(amendment_id)
        if compromise != (key in log.compromises):
            yield (
                f"amendment {amendment_id} is {'' if compromise else 'not '}a compromise, "
                "which the log does not tell: it was changed behind the log"
            )
        last = log.superseding.get(key)
        told = last is not None and last.action == "amendment.supersede"
        if (status == AmendmentStatus.superseded) != told:
            yield f"amendment {amendment_id}'s status {status!r} disagrees with the log's superseding events"
        elif told and last is not None and last.details.get("compromise") != superseded_by:
            yield (
                f"amendment {amendment_id} is superseded by {superseded_by}, but its event "
                f"(seq {last.seq}) names compromise {last.details.get('compromise')}"
            )
