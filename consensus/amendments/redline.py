"""Amendments from a Word file: a delegate uploads the current version as their capital changed it
(tracked changes, or text simply edited) and proposes the amendments it makes.

Load → decide → write, as for one amendment: the file is read (``documents.importing.read_redline``),
its clauses matched to the version's (``core.redline_match``), and each amendment found checked as
proposing it by hand is (``core.amendment.propose_refusal``, ``services.check_amendment``). Word
comments anchored in a clause become the rationale of its amendment, or a comment of the delegation
on the clause when it did not change. The preview writes nothing; proposing reads the file again,
against the version as it is then, and writes the chosen amendments and comments in one transaction
with their audit events, or nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.amendments.services import (
    AmendmentInput,
    _delegation_of,
    _diff_for,
    _member,
    _refuse,
    check_amendment,
)
from consensus.audit import services as audit
from consensus.comments.services import CommentInput, _check_input
from consensus.core.amendment import propose_refusal
from consensus.core.audit import content_digest
from consensus.core.clauses import DraftClause
from consensus.core.diff import TextDiff
from consensus.core.redline_match import RedlineMatch, match_redline, other_text_refusal, same_clauses
from consensus.core.tally import Phrase, Words
from consensus.db import write_transaction
from consensus.documents.importing import Redline, UnreadableFile, WordComment, read_redline
from consensus.errors import Conflict, Invalid, refusal_error
from consensus.i18n import _, ngettext
from consensus.lookups import ClauseRef, VersionRef, version_in_group
from consensus.models import Amendment, Clause, Comment, CommentKind, Version


@dataclass(frozen=True, slots=True)
class FoundView:
    """An amendment the file makes, as the preview shows it and proposing makes it."""

    key: str
    """Names it between the preview and the submission (its kind, clause and text, hashed)."""
    kind: str
    clause: str
    """The number of the clause it amends, deletes, or inserts a clause after."""
    clause_heading: str
    number: str
    """Its number in the file ('' for a deletion)."""
    heading: str | None
    text: str
    rationale: str
    diff: TextDiff
    errors: tuple[str, ...] = ()
    note: str = ""
    """What the delegate should know before proposing it (another insertion after the same clause)."""


@dataclass(frozen=True, slots=True)
class ClauseComment:
    """A Word comment anchored in a clause that did not change: a comment of the delegation on it."""

    key: str
    clause: str
    author: str
    body: str
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unmatched:
    """Text of the file that becomes nothing, with why."""

    number: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class RedlinePlan:
    """What proposing from the file would do, against one version."""

    version: VersionRef
    amendments: tuple[FoundView, ...]
    comments: tuple[ClauseComment, ...]
    unmatched: tuple[Unmatched, ...]
    tracked: bool


@dataclass(slots=True)
class _Clause:
    id: int
    lineage: str
    number: str
    heading: str
    text: str
    status: str


@dataclass
class _Anchoring:
    """Where each Word comment goes: an amendment's rationale, a clause's comment, or the list."""

    rationale: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))  # amendment index → texts
    clause_comments: list[tuple[int, WordComment]] = field(default_factory=list)  # current clause index
    unmatched: list[Unmatched] = field(default_factory=list)


def _key(*parts: object) -> str:
    return hashlib.sha256("\x00".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _current_clauses(session: Session, version_id: int) -> list[_Clause]:
    return [
        _Clause(*row)
        for row in session.execute(
            select(
                col(Clause.id), col(Clause.lineage), col(Clause.number), col(Clause.heading), col(Clause.text),
                col(Clause.status),
            )
            .where(col(Clause.version_id) == version_id)
            .order_by(col(Clause.position))
        ).all()
    ]  # fmt: skip


def _earlier_versions(session: Session, ref: VersionRef) -> dict[int, list[DraftClause]]:
    """The clauses of each version before ``ref``, in one query."""
    earlier: dict[int, list[DraftClause]] = defaultdict(list)
    for number, clause_number, heading, text in session.execute(
        select(col(Version.number), col(Clause.number), col(Clause.heading), col(Clause.text))
        .join(Clause, col(Clause.version_id) == col(Version.id))
        .where(col(Version.document_id) == ref.document_id, col(Version.number) < ref.number)
        .order_by(col(Version.number), col(Clause.position))
    ).all():
        earlier[number].append(DraftClause(clause_number, heading, text))
    return earlier


def _say(phrase: Phrase) -> str:
    return Words(_, ngettext).phrase(phrase)


def _anchor(redline: Redline, found: RedlineMatch, original: RedlineMatch) -> _Anchoring:
    """Give each Word comment to the amendment or clause it is anchored in."""
    by_read = {a.read: n for n, a in enumerate(found.amendments) if a.read is not None}
    by_current = {a.current: n for n, a in enumerate(found.amendments) if a.kind != "insert"}
    anchoring = _Anchoring()
    for comment in redline.comments:
        current: int | None = None
        if comment.clause is not None:
            if comment.clause in by_read:
                anchoring.rationale[by_read[comment.clause]].append(comment.text)
                continue
            current = found.pairs.get(comment.clause)
        elif comment.original_clause is not None:
            current = original.pairs.get(comment.original_clause)
        if current is not None and current in by_current:
            anchoring.rationale[by_current[current]].append(comment.text)
        elif current is not None:
            anchoring.clause_comments.append((current, comment))
        else:
            reason = _("A comment by {author} anchored in no clause.").format(author=comment.author or "?")
            anchoring.unmatched.append(Unmatched("", comment.text, reason))
    return anchoring


def _checked(clause: _Clause, ref: VersionRef, data: AmendmentInput) -> tuple[AmendmentInput, tuple[str, ...]]:
    target = ClauseRef(ref, clause.id, clause.lineage, clause.number, clause.heading, clause.text, clause.status)
    try:
        return check_amendment(target, data), ()
    except Invalid as invalid:
        return data, tuple(invalid.errors.values())


def _found_views(
    found: RedlineMatch, clauses: Sequence[_Clause], ref: VersionRef, anchoring: _Anchoring
) -> tuple[FoundView, ...]:
    views = []
    seen: set[str] = set()
    inserting: set[str] = set()
    for n, amendment in enumerate(found.amendments):
        clause = clauses[amendment.current]
        rationale = "\n\n".join(anchoring.rationale.get(n, []))
        data = AmendmentInput(amendment.kind, amendment.text, rationale, amendment.heading)
        checked, errors = _checked(clause, ref, data)
        key = _key(amendment.kind, clause.number, amendment.heading, amendment.text)
        while key in seen:
            key = _key(key, n)
        seen.add(key)
        note = ""
        if amendment.kind == "insert" and clause.number in inserting:
            note = _(
                "Another amendment found also inserts a clause after clause {n}: two insertions after one "
                "clause cannot both be accepted, so consider proposing them as one."
            ).format(n=clause.number)
        if amendment.kind == "insert":
            inserting.add(clause.number)
        views.append(
            FoundView(
                key,
                amendment.kind,
                clause.number,
                clause.heading,
                amendment.number,
                amendment.heading,
                checked.text if not errors else amendment.text,
                rationale,
                _diff_for(amendment.kind, clause.text, amendment.text),
                errors,
                note,
            )
        )
    return tuple(views)


def _comment_views(anchoring: _Anchoring, clauses: Sequence[_Clause]) -> tuple[ClauseComment, ...]:
    views = []
    for current, comment in anchoring.clause_comments:
        number = clauses[current].number
        try:
            _check_input(CommentInput(comment.text), reply=False)
            errors: tuple[str, ...] = ()
        except Invalid as invalid:
            errors = tuple(invalid.errors.values())
        views.append(
            ClauseComment(
                _key("comment", number, comment.id, comment.text), number, comment.author, comment.text, errors
            )
        )
    return tuple(views)


def plan_redline(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, filename: str, content: bytes
) -> RedlinePlan:
    """Read a Word file of the current version and find the amendments and comments it makes,
    checked as proposing them would check them; nothing is written."""
    member = _member(user.member_of(group_slug))
    ref = version_in_group(session, group_slug, document_slug)
    _refuse(propose_refusal(member, ref.frozen_refusal))
    try:
        redline = read_redline(filename, content)
    except UnreadableFile as unreadable:
        raise Invalid({"file": str(unreadable)}) from unreadable
    clauses = _current_clauses(session, ref.version_id)
    current = [DraftClause(c.number, c.heading, c.text) for c in clauses]
    original = match_redline(redline.original.clauses, current)
    gone = frozenset(original.pairs[o] for o in redline.deleted if o in original.pairs)
    found = match_redline(redline.draft.clauses, current, redline.unnumbered, fresh=redline.inserted, gone=gone)
    earlier = {n: same_clauses(redline.original.clauses, texts) for n, texts in _earlier_versions(session, ref).items()}
    refusal = other_text_refusal(
        original if redline.tracked else found,
        len(current),
        ref.number,
        earlier,
        same_clauses(redline.original.clauses, current),
    )
    if refusal is not None:
        raise refusal_error(refusal)
    anchoring = _anchor(redline, found, original)
    unmatched = [Unmatched(u.number, u.text, _say(u.reason)) for u in found.unmatched] + [
        Unmatched("", text, _("Not part of any clause.")) for text in redline.unattributed
    ]
    return RedlinePlan(
        ref,
        _found_views(found, clauses, ref, anchoring),
        _comment_views(anchoring, clauses),
        tuple(unmatched + anchoring.unmatched),
        redline.tracked,
    )


@dataclass(frozen=True, slots=True)
class Proposed:
    plan: RedlinePlan
    amendment_ids: list[int]
    comment_ids: list[int]


def _chosen(
    plan: RedlinePlan, amendments: Collection[str] | None, comments: Collection[str] | None
) -> tuple[list[FoundView], list[ClauseComment]]:
    """The amendments and comments ticked (all when none is named), refusing any the file no longer gives."""
    keys = {a.key for a in plan.amendments} | {c.key for c in plan.comments}
    if not keys.issuperset([*(amendments or ()), *(comments or ())]):
        raise Conflict(
            _(
                "The file no longer gives what was previewed against version {n} (a clause changed or is gone): "
                "upload it again and check the preview."
            ).format(n=plan.version.number)
        )
    chosen = list(plan.amendments) if amendments is None else [a for a in plan.amendments if a.key in amendments]
    said = list(plan.comments) if comments is None else [c for c in plan.comments if c.key in comments]
    if not chosen and not said:
        raise Invalid({"amendments": _("Nothing is ticked: tick the amendments and comments to propose.")})
    _refuse_errors(chosen, said)
    return chosen, said


def _refuse_errors(chosen: list[FoundView], said: list[ClauseComment]) -> None:
    errors = {f"clause {a.clause}": " ".join(a.errors) for a in chosen if a.errors}
    errors |= {f"comment on clause {c.clause}": " ".join(c.errors) for c in said if c.errors}
    if errors:
        raise Invalid(errors, _("Some of what is ticked cannot be proposed; nothing was proposed."))


def propose_redline(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    filename: str,
    content: bytes,
    *,
    version: int | None = None,
    amendments: Collection[str] | None = None,
    comments: Collection[str] | None = None,
) -> Proposed:
    """Propose the amendments (and post the comments) the file makes, those named by key or all, in
    one transaction with their audit events. ``version`` is the one the preview was made against:
    if the document has moved on since, nothing is proposed."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        plan = plan_redline(session, user, group_slug, document_slug, filename, content)
        if version is not None and version != plan.version.number:
            raise Conflict(
                _(
                    "The preview was made against version {old}, but the current version is now {n}: "
                    "upload the file again."
                ).format(old=version, n=plan.version.number)
            )
        chosen, said = _chosen(plan, amendments, comments)
        delegation_id = _delegation_of(_member(membership))
        by_number = {c.number: c for c in _current_clauses(session, plan.version.version_id)}
        rows = [
            Amendment(
                clause_id=by_number[a.clause].id,
                version_id=plan.version.version_id,
                lineage=by_number[a.clause].lineage,
                delegation_id=delegation_id,
                author_id=user.id,
                kind=a.kind,
                heading=a.heading,
                text=a.text,
                rationale=a.rationale,
            )
            for a in chosen
        ]
        notes = [
            Comment(
                clause_id=by_number[c.clause].id,
                lineage=by_number[c.clause].lineage,
                author_id=user.id,
                delegation_id=membership.delegation_id,
                role=membership.role,
                kind=CommentKind.general.value,
                body=c.body,
            )
            for c in said
        ]
        session.add_all([*rows, *notes])
        session.flush()
        _record(
            session,
            user,
            group_slug,
            plan,
            filename,
            content,
            list(zip(rows, chosen, strict=True)),
            list(zip(notes, said, strict=True)),
        )
    return Proposed(plan, [a.id for a in rows if a.id is not None], [c.id for c in notes if c.id is not None])


def _record(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    plan: RedlinePlan,
    filename: str,
    content: bytes,
    amendments: list[tuple[Amendment, FoundView]],
    comments: list[tuple[Comment, ClauseComment]],
) -> None:
    ref = plan.version
    where = {"document": ref.document_slug, "version": ref.number}
    entries = [
        audit.Entry(
            "amendment.propose",
            "amendment",
            row.id,
            {**where, "clause": found.clause, "kind": found.kind, "imported_from": filename},
        )
        for row, found in amendments
    ]
    kind = CommentKind.general.value
    entries += [
        audit.Entry(
            "comment.create",
            "comment",
            row.id,
            {
                **where,
                "clause": said.clause,
                "kind": kind,
                "parent": None,
                "imported_from": filename,
                "content": content_digest(kind, "", said.body, ""),
            },
        )
        for row, said in comments
    ]
    entries.append(
        audit.Entry(
            "amendment.redline",
            "document",
            ref.document_slug,
            {
                "version": ref.number,
                "file": filename,
                "sha256": hashlib.sha256(content).hexdigest(),
                "amendments": [row.id for row, _found in amendments],
                "comments": [row.id for row, _said in comments],
            },
        )
    )
    audit.record_many(session, user.actor(group_slug), entries, group_id=ref.group_id)


def may_upload(session: Session, user: CurrentUser, group_slug: str, document_slug: str) -> VersionRef:
    """The current version, if the user may propose amendments to it from a file (refused as
    ``plan_redline`` refuses: NotFound, Forbidden, a frozen version)."""
    ref = version_in_group(session, group_slug, document_slug)
    _refuse(propose_refusal(_member(user.member_of(group_slug)), ref.frozen_refusal))
    return ref


def may_propose_from_file(user: CurrentUser, group_slug: str, ref: VersionRef) -> bool:
    """Whether the document page offers the upload (the rule ``plan_redline`` asks)."""
    membership = user.membership(group_slug)
    return membership is not None and propose_refusal(_member(membership), ref.frozen_refusal) is None
