"""Posting, editing, withdrawing and disposing of comments; reading threads and the comment table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlmodel import Session, col

from consensus import labels
from consensus.accounts.identity import CurrentUser
from consensus.audit import services as audit
from consensus.core.audit import content_digest
from consensus.core.comment import CommentFacts, change_refusal, comment_refusal, dispose_refusal, reply_refusal
from consensus.core.commentform import COLUMNS, ISO_TYPE, FormRow, cells
from consensus.core.refusal import Refusal
from consensus.core.spreadsheet import csv_table
from consensus.core.versions import frozen_refusal
from consensus.db import utcnow, write_transaction
from consensus.errors import NotFound, refusal_error, refusal_text
from consensus.i18n import _
from consensus.lookups import ClauseRef, VersionRef, clause_in_group, comment_in_group, version_in_group
from consensus.models import (
    Clause,
    Comment,
    CommentKind,
    CommentRevision,
    Delegation,
    Disposition,
    User,
    Version,
    WorkingGroup,
)
from consensus.validation import BODY_LIMIT, SHORT_LIMIT, Fields

KINDS = [k.value for k in CommentKind]
DISPOSITIONS = [d.value for d in Disposition]
TABLE_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class CommentInput:
    """What a member writes: kind, optional paragraph, the comment and an optional proposed change."""

    body: str
    kind: str = CommentKind.general.value
    proposed_change: str = ""
    paragraph: str = ""
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class RevisionView:
    kind: str
    paragraph: str
    body: str
    proposed_change: str
    written_at: datetime


@dataclass(slots=True)
class CommentView:
    id: int
    parent_id: int | None
    author_name: str
    role: str
    delegation_code: str
    delegation_name: str
    kind: str
    paragraph: str
    body: str
    proposed_change: str
    created_at: datetime
    edited_at: datetime | None
    withdrawn: bool
    disposition: str | None
    observation: str
    disposed_at: datetime | None
    version: int
    clause_number: str
    replies: list[CommentView] = field(default_factory=list)
    revisions: list[RevisionView] = field(default_factory=list)
    can_reply: bool = False
    """It takes replies (``core.comment.reply_refusal``), where the viewer may comment at all."""
    can_edit: bool = False
    """The viewer may edit or withdraw it (``core.comment.change_refusal``)."""
    can_dispose: bool = False
    """The viewer may dispose of it (``core.comment.dispose_refusal``)."""

    @property
    def anchor(self) -> str:
        return f"comment-{self.id}"

    @property
    def by(self) -> str:
        """Who it is from, as a delegation or a function (Chair, Secretariat)."""
        return self.delegation_name or labels.label(self.role, labels.ROLES)


@dataclass(frozen=True, slots=True)
class EarlierThread:
    version: int
    clause_number: str
    comments: list[CommentView]


@dataclass(frozen=True, slots=True)
class ThreadView:
    clause: ClauseRef
    comments: list[CommentView]
    earlier: list[EarlierThread]
    can_comment: bool
    why_not: str
    count: int


# --- the facts the rules in core.comment ask about ---------------------------------------------------


def _facts(comment: Comment) -> CommentFacts:
    return CommentFacts(
        comment.author_id,
        reply=comment.parent_id is not None,
        withdrawn=comment.withdrawn_at is not None,
        disposed=comment.disposition is not None,
    )


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal_error(refusal)


def _observers_may_comment(session: Session, group_id: int) -> bool:
    return bool(
        session.execute(
            select(col(WorkingGroup.observers_may_comment)).where(col(WorkingGroup.id) == group_id)
        ).scalar_one()
    )


def _check_input(data: CommentInput, *, reply: bool) -> CommentInput:
    fields = Fields()
    kind = CommentKind.general.value if reply else fields.choice("kind", data.kind, _("The kind"), KINDS)
    body = fields.text("body", data.body, _("The comment"), required=True, limit=BODY_LIMIT)
    proposed = fields.text(
        "proposed_change", data.proposed_change, _("The proposed change"), required=False, limit=BODY_LIMIT
    )
    paragraph = fields.text("paragraph", data.paragraph, _("The paragraph"), required=False, limit=SHORT_LIMIT)
    fields.done()
    return CommentInput(body, kind, "" if reply else proposed, "" if reply else paragraph, data.parent_id)


# --- writing -----------------------------------------------------------------------------------------


def post_comment(
    session: Session,
    user: CurrentUser,
    group_slug: str,
    document_slug: str,
    number: str,
    data: CommentInput,
    version: int | None = None,
) -> int:
    """Post a comment (or a reply) on a clause of the current version, for the author's delegation."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        clause = clause_in_group(session, group_slug, document_slug, number, version)
        observers_may_comment = _observers_may_comment(session, clause.version.group_id)
        _refuse(comment_refusal(membership.role, observers_may_comment, clause.version.frozen_refusal))
        parent_id = None
        if data.parent_id is not None:
            parent = session.get(Comment, data.parent_id)
            if parent is None or parent.clause_id != clause.clause_id:
                raise NotFound(_("The comment you reply to is not on clause {number}.").format(number=number))
            _refuse(reply_refusal(_facts(parent)))
            # Threads are one level deep: a reply to a reply joins the same thread.
            parent_id = parent.parent_id or parent.id
        checked = _check_input(data, reply=parent_id is not None)
        comment = Comment(
            clause_id=clause.clause_id,
            lineage=clause.lineage,
            parent_id=parent_id,
            author_id=user.id,
            delegation_id=membership.delegation_id,
            role=membership.role,
            kind=checked.kind,
            paragraph=checked.paragraph,
            body=checked.body,
            proposed_change=checked.proposed_change,
        )
        session.add(comment)
        session.flush()
        audit.record(
            session,
            user.actor(group_slug),
            "comment.reply" if parent_id else "comment.create",
            "comment",
            comment.id,
            group_id=clause.version.group_id,
            details={
                "document": document_slug,
                "version": clause.version.number,
                "clause": clause.number,
                "kind": checked.kind,
                "parent": parent_id,
                "content": content_digest(checked.kind, checked.paragraph, checked.body, checked.proposed_change),
            },
        )
        assert comment.id is not None
        return comment.id


def _own_comment(session: Session, user: CurrentUser, group_slug: str, comment_id: int) -> tuple[Comment, VersionRef]:
    """The user's own comment, loaded for a change that ``core.comment.change_refusal`` allows."""
    comment, ref = comment_in_group(session, group_slug, comment_id)
    _refuse(change_refusal(user.id, _facts(comment), ref.frozen_refusal))
    return comment, ref


def edit_comment(session: Session, user: CurrentUser, group_slug: str, comment_id: int, data: CommentInput) -> None:
    """Change one's own comment before it is disposed of; the earlier text is kept."""
    with write_transaction(session):
        comment, ref = _own_comment(session, user, group_slug, comment_id)
        checked = _check_input(data, reply=comment.parent_id is not None)
        if (checked.kind, checked.paragraph, checked.body, checked.proposed_change) == (
            comment.kind,
            comment.paragraph,
            comment.body,
            comment.proposed_change,
        ):
            return
        session.add(
            CommentRevision(
                comment_id=comment_id,
                kind=comment.kind,
                paragraph=comment.paragraph,
                body=comment.body,
                proposed_change=comment.proposed_change,
                written_at=comment.edited_at or comment.created_at,
            )
        )
        comment.kind, comment.paragraph = checked.kind, checked.paragraph
        comment.body, comment.proposed_change = checked.body, checked.proposed_change
        comment.edited_at = utcnow()
        session.add(comment)
        audit.record(
            session,
            user.actor(group_slug),
            "comment.edit",
            "comment",
            comment_id,
            group_id=ref.group_id,
            details={
                "version": ref.number,
                "content": content_digest(checked.kind, checked.paragraph, checked.body, checked.proposed_change),
            },
        )


def withdraw_comment(session: Session, user: CurrentUser, group_slug: str, comment_id: int) -> None:
    """Withdraw one's own comment before it is disposed of (it stays in the record, marked)."""
    with write_transaction(session):
        comment, ref = _own_comment(session, user, group_slug, comment_id)
        comment.withdrawn_at = utcnow()
        session.add(comment)
        audit.record(session, user.actor(group_slug), "comment.withdraw", "comment", comment_id, group_id=ref.group_id)


def dispose_comment(
    session: Session, user: CurrentUser, group_slug: str, comment_id: int, disposition: str, observation: str
) -> None:
    """The secretariat's decision on a comment, with its observation."""
    membership = user.member_of(group_slug)
    with write_transaction(session):
        comment, ref = comment_in_group(session, group_slug, comment_id)
        _refuse(dispose_refusal(membership.role, _facts(comment), ref.number, ref.adopted))
        decision, text = _check_disposition(disposition, observation)
        previous = comment.disposition
        comment.disposition, comment.observation = decision, text
        comment.disposed_by_id, comment.disposed_at = user.id, utcnow()
        session.add(comment)
        audit.record(
            session,
            user.actor(group_slug),
            "comment.dispose",
            "comment",
            comment_id,
            group_id=ref.group_id,
            details={"disposition": decision, "previous": previous, "observation": content_digest(text)},
        )


def _check_disposition(disposition: str, observation: str) -> tuple[str, str]:
    fields = Fields()
    decision = fields.choice("disposition", disposition, _("The disposition"), DISPOSITIONS)
    text = fields.text("observation", observation, _("The observation"), required=False, limit=BODY_LIMIT)
    if decision in (Disposition.rejected, Disposition.accepted_in_principle) and not text:
        fields.fail("observation", _("Say why: an observation is required for this disposition."))
    fields.done()
    return decision, text


# --- reading -------------------------------------------------------------------------------------------


def _comment_rows(
    condition: ColumnElement[bool],
) -> Select[Comment, str, str | None, str | None, str, int]:
    """Comments with their author's name, delegation (code, name: none for the chair and the
    secretariat), clause number and version number, in the order they were made."""
    return (
        select(
            Comment, col(User.name), col(Delegation.code), col(Delegation.name), col(Clause.number), col(Version.number)
        )
        .join(User, col(User.id) == col(Comment.author_id))
        .outerjoin(Delegation, col(Delegation.id) == col(Comment.delegation_id))
        .join(Clause, col(Clause.id) == col(Comment.clause_id))
        .join(Version, col(Version.id) == col(Clause.version_id))
        .where(condition)
        .order_by(col(Comment.created_at), col(Comment.id))
    )


def _views(
    session: Session,
    statement: Select[Comment, str, str | None, str | None, str, int],
    viewer: CurrentUser,
    group_slug: str,
    ref: VersionRef,
) -> list[CommentView]:
    """Threads (top-level comments with their replies) from a statement made by ``_comment_rows``
    on version ``ref`` or earlier ones, each with what the viewer may do with it."""
    membership = viewer.membership(group_slug)
    role = membership.role if membership is not None else ""
    flat = [_view(row, viewer.id, role, ref) for row in session.execute(statement).all()]
    _add_revisions(session, flat)
    return _threads(flat)


def _frozen_on(ref: VersionRef, number: int) -> Refusal | None:
    """Why version ``number`` of the document may no longer change: ``ref`` itself, or an earlier
    version (superseded by the versions after it)."""
    if number == ref.number:
        return ref.frozen_refusal
    return frozen_refusal(number, ref.latest_number, True, False)


def _view(
    row: Row[Comment, str, str | None, str | None, str, int], viewer_id: int, role: str, ref: VersionRef
) -> CommentView:
    comment, author, code, delegation, clause_number, version_number = row
    assert comment.id is not None
    facts = _facts(comment)
    adopted = ref.adopted and version_number == ref.number
    return CommentView(
        id=comment.id,
        parent_id=comment.parent_id,
        author_name=author,
        role=comment.role,
        delegation_code=code or "",
        delegation_name=delegation or "",
        kind=comment.kind,
        paragraph=comment.paragraph,
        body="" if facts.withdrawn else comment.body,
        proposed_change="" if facts.withdrawn else comment.proposed_change,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        withdrawn=facts.withdrawn,
        disposition=comment.disposition,
        observation=comment.observation,
        disposed_at=comment.disposed_at,
        version=version_number,
        clause_number=clause_number,
        can_reply=reply_refusal(facts) is None,
        can_edit=change_refusal(viewer_id, facts, _frozen_on(ref, version_number)) is None,
        can_dispose=dispose_refusal(role, facts, version_number, adopted) is None,
    )


def _add_revisions(session: Session, views: list[CommentView]) -> None:
    """The earlier texts of each comment still standing, oldest first."""
    standing = [view.id for view in views if not view.withdrawn]
    if not standing:
        return
    revisions: dict[int, list[RevisionView]] = defaultdict(list)
    for revision in session.execute(
        select(CommentRevision).where(col(CommentRevision.comment_id).in_(standing)).order_by(col(CommentRevision.id))
    ).scalars():
        revisions[revision.comment_id].append(
            RevisionView(
                revision.kind, revision.paragraph, revision.body, revision.proposed_change, revision.written_at
            )
        )
    for view in views:
        view.revisions = revisions.get(view.id, [])


def _threads(views: list[CommentView]) -> list[CommentView]:
    """Top-level comments, each with its replies under it."""
    by_id = {view.id: view for view in views}
    threads: list[CommentView] = []
    for view in views:
        parent = by_id.get(view.parent_id) if view.parent_id else None
        if parent is not None:
            parent.replies.append(view)
        else:
            threads.append(view)
    return threads


def _earlier_threads(session: Session, viewer: CurrentUser, group_slug: str, clause: ClauseRef) -> list[EarlierThread]:
    """What was said about the same clause (its lineage) in earlier versions, the latest first."""
    rows = _comment_rows(
        (col(Comment.lineage) == clause.lineage)
        & (col(Version.document_id) == clause.version.document_id)
        & (col(Version.number) < clause.version.number)
    )
    earlier: dict[tuple[int, str], list[CommentView]] = defaultdict(list)
    for view in _views(session, rows, viewer, group_slug, clause.version):
        earlier[(view.version, view.clause_number)].append(view)
    return [EarlierThread(v, n, views) for (v, n), views in sorted(earlier.items(), reverse=True)]


def _why_not(refusal: Refusal | None, ref: VersionRef) -> str:
    """Why the thread offers no form to comment: the rule's words for who may not, the page's own
    (shorter than the write path's) for a version that may no longer change."""
    if refusal is None:
        return ""
    if refusal.kind == "forbidden":
        return refusal_text(refusal)
    if ref.adopted:
        return _("This version has been adopted and is frozen.")
    return _("This version is superseded and read-only.")


def read_thread(
    session: Session, viewer: CurrentUser, group_slug: str, document_slug: str, number: str, version: int | None = None
) -> ThreadView:
    """A clause with its comment threads, and what was said about its text in earlier versions."""
    membership = viewer.member_of(group_slug)
    clause = clause_in_group(session, group_slug, document_slug, number, version)
    comments = _views(
        session, _comment_rows(col(Comment.clause_id) == clause.clause_id), viewer, group_slug, clause.version
    )
    observers_may_comment = _observers_may_comment(session, clause.version.group_id)
    refusal = comment_refusal(membership.role, observers_may_comment, clause.version.frozen_refusal)
    count = sum(1 + len([r for r in c.replies if not r.withdrawn]) for c in comments if not c.withdrawn)
    return ThreadView(
        clause=clause,
        comments=comments,
        earlier=_earlier_threads(session, viewer, group_slug, clause),
        can_comment=refusal is None,
        why_not=_why_not(refusal, clause.version),
        count=count,
    )


def read_comment(session: Session, viewer: CurrentUser, group_slug: str, comment_id: int) -> CommentView:
    """One comment (with its replies) as the viewer sees it."""
    comment, ref = comment_in_group(session, group_slug, comment_id)
    top = comment.parent_id or comment.id
    rows = _comment_rows((col(Comment.id) == top) | (col(Comment.parent_id) == top))
    return _views(session, rows, viewer, group_slug, ref)[0]


def comment_location(session: Session, group_slug: str, comment_id: int) -> ClauseRef:
    """The clause (of its version) a comment of this group was made on."""
    comment, ref = comment_in_group(session, group_slug, comment_id)
    clause = session.get(Clause, comment.clause_id)
    assert clause is not None and clause.id is not None, "a comment is deleted with its clause"
    return ClauseRef(ref, clause.id, clause.lineage, clause.number, clause.heading, clause.text, clause.status)


# --- the comment table (ISO commenting template) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableFilters:
    clause: str = ""
    kind: str = ""
    delegation: str = ""
    disposition: str = ""
    """A disposition, ``none`` for comments not yet disposed of, or '' for all."""
    version: int | None = None


@dataclass(frozen=True, slots=True)
class TableRow:
    id: int
    version: int
    delegation: str
    delegation_name: str
    clause: str
    paragraph: str
    kind: str
    type: str
    comment: str
    proposed_change: str
    disposition: str | None
    observation: str
    author: str
    can_dispose: bool = False
    """The viewer may dispose of it from the table (``core.comment.dispose_refusal``)."""


@dataclass(frozen=True, slots=True)
class CommentTable:
    version: VersionRef
    filters: TableFilters
    rows: list[TableRow]
    total: int
    page: int
    pages: int
    delegations: list[tuple[str, str]]
    clauses: list[str]


def _table_conditions(ref: VersionRef, filters: TableFilters) -> list[ColumnElement[bool]]:
    """Which comments of the document the filters keep: top-level ones still standing."""
    conditions = [
        col(Version.document_id) == ref.document_id,
        col(Comment.parent_id).is_(None),
        col(Comment.withdrawn_at).is_(None),
    ]
    if filters.version is not None:
        conditions.append(col(Version.number) == filters.version)
    if filters.clause:
        conditions.append(col(Clause.number) == filters.clause)
    if filters.kind:
        conditions.append(col(Comment.kind) == filters.kind)
    if filters.delegation:
        conditions.append(col(Delegation.code) == filters.delegation)
    if filters.disposition == "none":
        conditions.append(col(Comment.disposition).is_(None))
    elif filters.disposition:
        conditions.append(col(Comment.disposition) == filters.disposition)
    return conditions


def _check_filters(filters: TableFilters) -> None:
    fields = Fields()
    if filters.kind:
        fields.choice("kind", filters.kind, _("The kind"), KINDS)
    if filters.disposition:
        fields.choice("disposition", filters.disposition, _("The disposition"), [*DISPOSITIONS, "none"])
    fields.done()


def comment_table(
    session: Session, group_slug: str, document_slug: str, filters: TableFilters, page: int = 1, *, role: str = ""
) -> CommentTable:
    """Top-level comments of a document in the ISO template's columns, filtered and paged; each row
    says whether a member with ``role`` may dispose of it there."""
    _check_filters(filters)
    ref = version_in_group(session, group_slug, document_slug, filters.version)
    conditions = _table_conditions(ref, filters)
    base = (
        select(col(Comment.id))
        .join(Clause, col(Clause.id) == col(Comment.clause_id))
        .join(Version, col(Version.id) == col(Clause.version_id))
        .outerjoin(Delegation, col(Delegation.id) == col(Comment.delegation_id))
        .where(*conditions)
    )
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    pages = max(1, -(-total // TABLE_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = _table_rows(
        session, conditions, limit=TABLE_PAGE_SIZE, offset=(page - 1) * TABLE_PAGE_SIZE, viewer_role=role, ref=ref
    )
    delegations = [
        (code, name)
        for code, name in session.execute(
            select(col(Delegation.code), col(Delegation.name))
            .where(col(Delegation.group_id) == ref.group_id)
            .order_by(col(Delegation.name))
        ).all()
    ]
    clauses = list(
        session.execute(
            select(col(Clause.number)).where(col(Clause.version_id) == ref.version_id).order_by(col(Clause.position))
        ).scalars()
    )
    return CommentTable(ref, filters, rows, total, page, pages, delegations, clauses)


def _table_rows(
    session: Session,
    conditions: list[ColumnElement[bool]],
    limit: int | None = None,
    offset: int = 0,
    *,
    viewer_role: str = "",
    ref: VersionRef | None = None,
) -> list[TableRow]:
    """The rows the conditions keep; with the viewer's role and the table's version ``ref``,
    each says whether the viewer may dispose of it (rows are top-level comments still standing)."""
    # Plain columns: the CSV can hold thousands of rows, and ORM objects cost ten times more.
    statement = (
        select(
            col(Comment.id),
            col(Version.number),
            col(Delegation.code),
            col(Delegation.name),
            col(Comment.role),
            col(Clause.number),
            col(Comment.paragraph),
            col(Comment.kind),
            col(Comment.body),
            col(Comment.proposed_change),
            col(Comment.disposition),
            col(Comment.observation),
            col(User.name),
        )
        .join(Clause, col(Clause.id) == col(Comment.clause_id))
        .join(Version, col(Version.id) == col(Clause.version_id))
        .outerjoin(Delegation, col(Delegation.id) == col(Comment.delegation_id))
        .join(User, col(User.id) == col(Comment.author_id))
        .where(*conditions)
        .order_by(col(Version.number), col(Clause.position), col(Comment.id))
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    rows = []
    for (
        comment_id,
        version,
        code,
        name,
        role,
        clause,
        paragraph,
        kind,
        body,
        proposed,
        disposition,
        observation,
        author,
    ) in session.execute(statement).all():
        rows.append(
            TableRow(
                id=comment_id,
                version=version,
                delegation=code or labels.english(role, labels.ROLES),
                delegation_name=name or labels.label(role, labels.ROLES),
                clause=clause,
                paragraph=paragraph,
                kind=kind,
                type=ISO_TYPE[kind],
                comment=body,
                proposed_change=proposed,
                disposition=disposition,
                observation=observation,
                author=author,
                can_dispose=ref is not None and _may_dispose(viewer_role, ref, version, disposition),
            )
        )
    return rows


def _may_dispose(role: str, ref: VersionRef, version: int, disposition: str | None) -> bool:
    """A row of the table (a comment, not a reply, not withdrawn) on ``version``, seen from ``ref``."""
    facts = CommentFacts(0, reply=False, withdrawn=False, disposed=disposition is not None)
    return dispose_refusal(role, facts, version, ref.adopted and version == ref.number) is None


@dataclass(frozen=True, slots=True)
class TableRowView:
    """One row of the comment table, as the table with these filters shows it."""

    version: VersionRef
    filters: TableFilters
    row: TableRow


def table_row(
    session: Session, viewer: CurrentUser, group_slug: str, document_slug: str, comment_id: int, filters: TableFilters
) -> TableRowView:
    """One comment of a document as a row of its comment table (NotFound for a reply or a comment
    of another document; a withdrawn one is found, for the dispose rule to refuse)."""
    _check_filters(filters)
    ref = version_in_group(session, group_slug, document_slug, filters.version)
    conditions = [
        col(Version.document_id) == ref.document_id,
        col(Comment.id) == comment_id,
        col(Comment.parent_id).is_(None),
    ]
    membership = viewer.membership(group_slug)
    rows = _table_rows(session, conditions, viewer_role=membership.role if membership else "", ref=ref)
    if not rows:
        raise NotFound(_("There is no comment {id} in the comment table of this document.").format(id=comment_id))
    return TableRowView(ref, filters, rows[0])


def table_rows(session: Session, group_slug: str, document_slug: str, filters: TableFilters) -> list[TableRow]:
    """Every row of the filtered comment table (no paging)."""
    _check_filters(filters)
    ref = version_in_group(session, group_slug, document_slug, filters.version)
    return _table_rows(session, _table_conditions(ref, filters))


def observation_cell(row: TableRow) -> str:
    """The "Observations of the secretariat" of a row: the disposition (in English, as the
    template is) and the observation."""
    if not row.disposition:
        return ""
    return labels.english(row.disposition, labels.DISPOSITIONS) + (f": {row.observation}" if row.observation else "")


def form_rows(session: Session, group_slug: str, document_slug: str, filters: TableFilters) -> list[FormRow]:
    """The filtered comment table as rows of the ISO commenting template."""
    return [
        FormRow(
            mb=row.delegation,
            clause=row.clause,
            paragraph=row.paragraph,
            type=row.type,
            comments=row.comment,
            proposed_change=row.proposed_change,
            observations=observation_cell(row),
            comment_id=str(row.id),
            version=str(row.version),
        )
        for row in table_rows(session, group_slug, document_slug, filters)
    ]


def comment_csv(session: Session, group_slug: str, document_slug: str, filters: TableFilters) -> str:
    """The filtered comment table as CSV in the ISO commenting template's columns."""
    rows = form_rows(session, group_slug, document_slug, filters)
    return csv_table([column.heading for column in COLUMNS], [cells(row) for row in rows])
