"""Bringing a national body's filled commenting form in as comments on the current version.

Load → decide → write, as for one comment: every row is checked as posting it would check it (the
rule ``core.comment.comment_refusal``, the limits of ``services._check_input``) and against the
version's clauses; the preview shows each row with what it becomes and what is wrong with it.

A form is imported whole or not at all. It is one delegation's submission: importing the good rows
and leaving the others would make the corrected file, uploaded again, bring the good rows in twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.comments import isoform
from consensus.comments.services import CommentInput, _check_input, _observers_may_comment
from consensus.core.audit import content_digest
from consensus.core.comment import comment_refusal, import_refusal
from consensus.core.commentform import FormRow, clause_number, comment_kind, mb_code, paragraph_with_line
from consensus.db import write_transaction
from consensus.errors import Invalid, refusal_error
from consensus.i18n import _
from consensus.lookups import VersionRef, version_in_group
from consensus.models import Clause, Comment, Delegation


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of the form and the comment it becomes (or why it cannot)."""

    row: int
    clause: str
    """The clause it goes on, or what the file names when no clause matches."""
    kind: str
    """The comment's kind, '' when the type of comment is not one."""
    paragraph: str
    body: str
    proposed_change: str
    errors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What importing a form would do."""

    version: VersionRef
    delegation_id: int
    delegation_code: str
    delegation_name: str
    format: str
    rows: tuple[ImportRow, ...]

    @property
    def valid(self) -> bool:
        return all(not row.errors for row in self.rows)

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    def errors(self) -> dict[str, str]:
        """Each row at fault → what is wrong with it."""
        return {f"row {row.row}": " ".join(row.errors) for row in self.rows if row.errors}


@dataclass(frozen=True, slots=True)
class _Clause:
    id: int
    lineage: str
    number: str


def _delegation(session: Session, group_id: int, code: str) -> Delegation:
    delegation: Delegation | None = session.execute(
        select(Delegation).where(col(Delegation.group_id) == group_id, func.upper(col(Delegation.code)) == code.upper())
    ).scalar_one_or_none()
    if delegation is None:
        raise Invalid({"delegation": _("There is no delegation {code} in this group.").format(code=code)})
    return delegation


def plan_import(
    session: Session, user: CurrentUser, group_slug: str, document_slug: str, content: bytes, delegation: str = ""
) -> ImportPlan:
    """Read a filled form and check every row, writing nothing."""
    membership = user.member_of(group_slug)
    refusal = import_refusal(membership.role, membership.delegation_code, delegation.strip())
    if refusal is not None:
        raise refusal_error(refusal)
    ref = version_in_group(session, group_slug, document_slug)
    frozen = comment_refusal(membership.role, _observers_may_comment(session, ref.group_id), ref.frozen_refusal)
    if frozen is not None:
        raise refusal_error(frozen)
    chosen = _delegation(session, ref.group_id, delegation.strip() or membership.delegation_code)
    assert chosen.id is not None
    form = isoform.read_form(content)
    if not form.rows:
        raise isoform.unreadable(_("The form has its heading row but no comments under it."))
    clauses = [
        _Clause(clause_id, lineage, number)
        for clause_id, lineage, number in session.execute(
            select(col(Clause.id), col(Clause.lineage), col(Clause.number))
            .where(col(Clause.version_id) == ref.version_id)
            .order_by(col(Clause.position))
        ).all()
    ]
    codes = set(
        session.execute(select(func.upper(col(Delegation.code))).where(col(Delegation.group_id) == ref.group_id))
        .scalars()
        .all()
    )
    numbers = [clause.number for clause in clauses]
    already = _already_said(session, ref.version_id, chosen.id)
    rows = tuple(_planned(number, row, numbers, ref, chosen.code, codes) for number, row in form.rows)
    return ImportPlan(ref, chosen.id, chosen.code, chosen.name, form.format, tuple(_once(row, already) for row in rows))


def _already_said(session: Session, version_id: int, delegation_id: int) -> set[tuple[str, str]]:
    """(clause number, comment) of the delegation's standing comments on this version, in one query."""
    return {
        (number, body)
        for number, body in session.execute(
            select(col(Clause.number), col(Comment.body))
            .join(Clause, col(Clause.id) == col(Comment.clause_id))
            .where(
                col(Clause.version_id) == version_id,
                col(Comment.delegation_id) == delegation_id,
                col(Comment.parent_id).is_(None),
                col(Comment.withdrawn_at).is_(None),
            )
        ).all()
    }


def _once(row: ImportRow, already: set[tuple[str, str]]) -> ImportRow:
    """A row whose comment the delegation already made on that clause is not imported again (a form
    uploaded twice, or a comment typed in before the form came)."""
    if (row.clause, row.body) not in already:
        return row
    said = _("This comment is already on clause {clause}: it is not imported twice.").format(clause=row.clause)
    return replace(row, errors=(*row.errors, said))


def _planned(number: int, row: FormRow, numbers: list[str], ref: VersionRef, code: str, codes: set[str]) -> ImportRow:
    """One row checked: its clause, its type, whose it is, and the limits of a comment."""
    errors: list[str] = []
    clause = clause_number(row.clause, numbers)
    if clause is None:
        errors.append(
            _("There is no clause {clause} in version {n}.").format(clause=row.clause, n=ref.number)
            if row.clause
            else _("No clause is given: a comment goes on a clause.")
        )
    kind = comment_kind(row.type)
    if kind is None:
        errors.append(
            _("The type of comment must be ge, te or ed, not “{type}”.").format(type=row.type)
            if row.type
            else _("The type of comment is empty: write ge, te or ed.")
        )
    author = mb_code(row.mb)
    if author and author != code.upper() and author in codes:
        errors.append(_("This row is from {other}, not from {code}.").format(other=author, code=code))
    paragraph = paragraph_with_line(row.paragraph, row.line)
    checked = CommentInput(row.comments, kind or "general", row.proposed_change, paragraph)
    try:
        checked = _check_input(checked, reply=False)
    except Invalid as invalid:
        errors.extend(invalid.errors.values())
    return ImportRow(
        number,
        clause or row.clause,
        kind or "",
        checked.paragraph,
        checked.body,
        checked.proposed_change,
        tuple(errors),
    )


@dataclass(frozen=True, slots=True)
class Imported:
    plan: ImportPlan
    comment_ids: list[int]


def import_form(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    content: bytes,
    filename: str,
    delegation: str = "",
) -> Imported:
    """Import every row of a form as a comment of the delegation, in one transaction with its audit
    events; Invalid naming each row at fault (and nothing written) if any row is."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        plan = plan_import(session, user, group_slug, document_slug, content, delegation)
        if not plan.valid:
            raise Invalid(
                plan.errors(),
                _("{n} of {total} rows cannot be imported; nothing was imported.").format(
                    n=plan.rows_with_errors, total=len(plan.rows)
                ),
            )
        by_number = {
            number: (clause_id, lineage)
            for clause_id, lineage, number in session.execute(
                select(col(Clause.id), col(Clause.lineage), col(Clause.number)).where(
                    col(Clause.version_id) == plan.version.version_id
                )
            ).all()
        }
        comments = [
            Comment(
                clause_id=by_number[row.clause][0],
                lineage=by_number[row.clause][1],
                author_id=user.id,
                delegation_id=plan.delegation_id,
                role=membership.role,
                kind=row.kind,
                paragraph=row.paragraph,
                body=row.body,
                proposed_change=row.proposed_change,
            )
            for row in plan.rows
        ]
        session.add_all(comments)
        session.flush()
        actor = user.actor(group_slug)
        for comment, row in zip(comments, plan.rows, strict=True):
            audit.record(
                session,
                actor,
                "comment.create",
                "comment",
                comment.id,
                group_id=plan.version.group_id,
                delegation=plan.delegation_code,
                details={
                    "document": document_slug,
                    "version": plan.version.number,
                    "clause": row.clause,
                    "kind": row.kind,
                    "parent": None,
                    "imported_from": filename,
                    "content": content_digest(row.kind, row.paragraph, row.body, row.proposed_change),
                },
            )
        audit.record(
            session,
            actor,
            "comment.import",
            "document",
            document_slug,
            group_id=plan.version.group_id,
            delegation=plan.delegation_code,
            details={
                "version": plan.version.number,
                "file": filename,
                "format": plan.format,
                "sha256": hashlib.sha256(content).hexdigest(),
                "comments": [comment.id for comment in comments],
            },
        )
        ids = [comment.id for comment in comments if comment.id is not None]
    return Imported(plan, ids)


def may_import(user: CurrentUser, group_slug: str, ref: VersionRef) -> bool:
    """Whether the page offers to import a form (the rules ``plan_import`` asks, for a version)."""
    membership = user.membership(group_slug)
    if membership is None or ref.frozen_refusal is not None:
        return False
    chosen = "" if membership.role != "secretariat" else "any"
    return import_refusal(membership.role, membership.delegation_code, chosen) is None


@dataclass(frozen=True, slots=True)
class ImportPage:
    """What the upload form needs: the version the comments go on, and whose they may be."""

    version: VersionRef
    delegations: list[tuple[str, str]]
    """(code, name) the secretariat chooses from; empty for a delegate (their own)."""
    own_delegation: str


def import_page(session: Session, user: CurrentUser, group_slug: str, document_slug: str) -> ImportPage:
    """The upload form's facts, refused as importing would be (NotFound, Forbidden, frozen)."""
    membership = user.member_of(group_slug)
    chosen = "" if membership.role != "secretariat" else "any"
    refusal = import_refusal(membership.role, membership.delegation_code, chosen)
    if refusal is not None:
        raise refusal_error(refusal)
    ref = version_in_group(session, group_slug, document_slug)
    if ref.frozen_refusal is not None:
        raise refusal_error(ref.frozen_refusal)
    delegations: list[tuple[str, str]] = []
    if membership.role == "secretariat":
        delegations = [
            (code, name)
            for code, name in session.execute(
                select(col(Delegation.code), col(Delegation.name))
                .where(col(Delegation.group_id) == ref.group_id)
                .order_by(col(Delegation.name))
            ).all()
        ]
    return ImportPage(ref, delegations, membership.delegation_code)
