"""Word and PDF files of a document for its members: the comparison of two versions with real
tracked changes, a clean version to edit and send back, and a version with its pending amendments.

Each loads with a fixed number of queries (the versions, every clause of the versions in between,
the amendments consolidated or pending, the editorial corrections), asks ``core.redline`` which
runs are kept, inserted or deleted and on whose account, and writes them through
``publishing.wordml`` (Word) or a print template and WeasyPrint (PDF). The words in the files
(the legend, "Secretariat", the notes on amendments) are in the document's language.

**The pending amendments in Word.** Each amendment's changes are tracked changes by its proposing
delegation, dated when it was proposed, with a Word comment naming it ("Amendment 12 by Kenya,
co-sponsored by …") and giving its rationale. Several amendments on one clause compete, and Word
can show only one text per place: the first proposed (lowest number) is shown as changes in the
clause itself; each further one follows the clause as its own inserted paragraph(s) holding its
whole proposed text, with its comment saying which clause it is an alternative to. A reader of the
Review pane so sees one entry per amendment, each under its delegation's name, and accepts the one
the group takes and rejects the others. A competing deletion has no text to show: its comment sits
on the clause's heading. A clause proposed for insertion is inserted paragraphs after its clause;
a deletion deletes the clause's paragraphs (their paragraph marks too).

**The clean text.** Each clause is a "Heading 1" paragraph "3.2 Heading" (a number without a dot
gets one: "1. Purpose"), and its text one "Normal" paragraph per line, a blank line between
paragraphs being a new paragraph: ``documents.importing.read_draft`` reads exactly this back into
the same clauses. Each clause sits in a bookmark named ``c`` + its lineage's hex digits. What the
importer cannot tell apart from the layout does not come back the same: a clause number that is
not a number ("(a)"), a line of text that starts with a typed number ("1. …"), or several lines
of a paragraph that are not list items (they come back as paragraphs of their own).

**The comparison in Word.** Clauses stand in the newer version's order (deleted ones where they
stood); consolidation never moves a clause, so a move is not marked as one. Each clause is a
heading paragraph (its number and heading) and one paragraph of text, its line breaks as Word line
breaks, so that accepting every change gives each clause's text character for character.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import Session, col

from consensus import i18n
from consensus.core.compare import compare
from consensus.core.consolidation import ClauseValue
from consensus.core.redline import (
    Applied,
    ClauseRedline,
    Corrected,
    Mark,
    Proposal,
    ProposedClause,
    Run,
    Snapshot,
    State,
    histories,
    proposed,
    redline,
)
from consensus.errors import Invalid
from consensus.i18n import _
from consensus.lookups import VersionRef, version_in_group
from consensus.models import (
    Amendment,
    AmendmentSponsor,
    AmendmentStatus,
    Clause,
    Delegation,
    EditorialCorrection,
    Version,
)
from consensus.publishing.wordml import Properties, WordFile, right_to_left, w

if TYPE_CHECKING:
    from jinja2 import Environment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@dataclass(frozen=True, slots=True)
class Download:
    """A file to send: its name, media type, language and bytes."""

    filename: str
    media_type: str
    language: str
    content: bytes


@dataclass(frozen=True, slots=True)
class PrintedClause:
    """One block of a printed redline: a clause (or an amendment's own paragraphs) as runs, how it
    changed, and the notes printed under it."""

    number: tuple[Run, ...]
    heading: tuple[Run, ...]
    text: tuple[Run, ...]
    change: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Printed:
    """What a printed redline shows: the document, what is compared, the blocks and the authors."""

    group_name: str
    title: str
    language: str
    what: str
    clauses: tuple[PrintedClause, ...]
    authors: tuple[str, ...]

    @property
    def direction(self) -> str:
        return "rtl" if right_to_left(self.language) else "ltr"

    def who(self, run: Run) -> int:
        """The number the legend gives the author of a change."""
        return self.authors.index(run.mark.author) + 1 if run.mark is not None else 0


def bookmark_name(lineage: str) -> str:
    """The bookmark around a clause in every Word file: ``c`` and its lineage's hex digits."""
    return "c" + lineage.replace("-", "")


# --- loading ---------------------------------------------------------------------------------------


def _snapshots(session: Session, ref: VersionRef, low: int, high: int) -> list[Snapshot]:
    """Every version from ``low`` to ``high`` with its clauses: one query."""
    made = {v.number: v.created_at for v in ref.versions}
    clauses: dict[int, list[tuple[str, State]]] = {n: [] for n in range(low, high + 1)}
    for number, lineage, clause_number, heading, text in session.execute(
        select(col(Version.number), col(Clause.lineage), col(Clause.number), col(Clause.heading), col(Clause.text))
        .join(Version, col(Version.id) == col(Clause.version_id))
        .where(col(Version.document_id) == ref.document_id, col(Version.number).between(low, high))
        .order_by(col(Version.number), col(Clause.position))
    ).all():
        clauses[number].append((lineage, State(clause_number, heading, text)))
    return [Snapshot(n, made[n], tuple(clauses[n])) for n in range(low, high + 1)]


def _applied(session: Session, ref: VersionRef, low: int, high: int, chair: str) -> list[Applied]:
    """The amendments consolidated into the versions after ``low`` up to ``high``: one query. A
    compromise has no delegation: it is on the chair's account (``chair``)."""
    rows = session.execute(
        select(
            col(Version.number),
            col(Amendment.kind),
            col(Amendment.lineage),
            col(Delegation.name),
            col(Delegation.code),
            col(Amendment.decided_at),
            col(Version.created_at),
        )
        .join(Version, col(Version.id) == col(Amendment.applied_in_version_id))
        .outerjoin(Delegation, col(Delegation.id) == col(Amendment.delegation_id))
        .where(col(Version.document_id) == ref.document_id, col(Version.number) > low, col(Version.number) <= high)
        .order_by(col(Amendment.id))
    ).all()
    return [
        Applied(number, kind, lineage, Mark(name or code or chair, decided or made))
        for number, kind, lineage, name, code, decided, made in rows
    ]


def _corrected(session: Session, ref: VersionRef, low: int, high: int) -> list[Corrected]:
    """The editorial corrections to the versions after ``low`` up to ``high``, oldest first: one query."""
    rows = session.execute(
        select(EditorialCorrection, col(Version.number))
        .join(Version, col(Version.id) == col(EditorialCorrection.version_id))
        .where(col(Version.document_id) == ref.document_id, col(Version.number) > low, col(Version.number) <= high)
        .order_by(col(EditorialCorrection.id))
    ).all()
    return [
        Corrected(number, c.lineage, c.old_heading, c.new_heading, c.old_text, c.new_text, c.corrected_at)
        for c, number in rows
    ]


@dataclass(frozen=True, slots=True)
class ComparedRedline:
    old: VersionRef
    new: VersionRef
    clauses: tuple[ClauseRedline, ...]


def compared_redline(session: Session, group: str, document: str, old: int, new: int) -> ComparedRedline:
    """The comparison of two versions as a redline, each change on its author's account."""
    old_ref = version_in_group(session, group, document, old)
    new_ref = version_in_group(session, group, document, new)
    if old == new:
        raise Invalid({"to": _("Choose two different versions to compare.")})
    low, high = sorted((old, new))
    snapshots = _snapshots(session, new_ref, low, high)
    with i18n.use(new_ref.document_language):
        secretariat = _("Secretariat")
        chair = _("Chair")
    lives = histories(
        snapshots,
        _applied(session, new_ref, low, high, chair),
        _corrected(session, new_ref, low, high),
        secretariat,
        backwards=old > new,
    )
    first, last = (snapshots[0], snapshots[-1]) if old < new else (snapshots[-1], snapshots[0])
    comparison = compare(_values(first), _values(last))
    made = last.created_at if old < new else first.created_at
    return ComparedRedline(old_ref, new_ref, redline(comparison, lives, Mark(secretariat, made)))


def _values(snapshot: Snapshot) -> list[ClauseValue]:
    return [ClauseValue(lineage, s.number, s.heading, s.text) for lineage, s in snapshot.clauses]


@dataclass(frozen=True, slots=True)
class ProposedText:
    ref: VersionRef
    clauses: tuple[ProposedClause, ...]
    version_made: datetime


def proposed_text(session: Session, group: str, document: str, number: int) -> ProposedText:
    """Version ``number`` with its pending (proposed) amendments: three queries after the version's.
    A compromise is on the chair's account."""
    ref = version_in_group(session, group, document, number)
    snapshot = _snapshots(session, ref, number, number)[0]
    rows = session.execute(
        select(Amendment, col(Delegation.name), col(Delegation.code))
        .outerjoin(Delegation, col(Delegation.id) == col(Amendment.delegation_id))
        .where(col(Amendment.version_id) == ref.version_id, col(Amendment.status) == AmendmentStatus.proposed.value)
        .order_by(col(Amendment.id))
    ).all()
    sponsors: dict[int, list[str]] = {}
    for amendment_id, name in session.execute(
        select(col(AmendmentSponsor.amendment_id), col(Delegation.name))
        .join(Delegation, col(Delegation.id) == col(AmendmentSponsor.delegation_id))
        .join(Amendment, col(Amendment.id) == col(AmendmentSponsor.amendment_id))
        .where(col(Amendment.version_id) == ref.version_id, col(Amendment.status) == AmendmentStatus.proposed.value)
        .order_by(col(AmendmentSponsor.id))
    ).all():
        sponsors.setdefault(amendment_id, []).append(name)
    numbers = {lineage: state.number for lineage, state in snapshot.clauses}
    with i18n.use(ref.document_language):
        chair = _("Chair")
        proposals = [
            Proposal(
                a.id,
                a.kind,
                a.lineage,
                a.heading,
                a.text,
                Mark(name or code or chair, a.created_at),
                _note(a, name or code or chair, sponsors.get(a.id, []), numbers.get(a.lineage, "")),
            )
            for a, name, code in rows
            if a.id is not None
        ]
    return ProposedText(ref, proposed(snapshot.clauses, proposals), snapshot.created_at)


def _note(amendment: Amendment, delegation: str, sponsors: Sequence[str], number: str) -> str:
    """What an amendment's comment says: which it is, who proposes and co-sponsors it, what it does, why."""
    if amendment.compromise:
        who = _("Compromise {id} by the chair").format(id=amendment.id)
    elif sponsors:
        who = _("Amendment {id} by {delegation}, co-sponsored by {sponsors}").format(
            id=amendment.id, delegation=delegation, sponsors=", ".join(sponsors)
        )
    else:
        who = _("Amendment {id} by {delegation}").format(id=amendment.id, delegation=delegation)
    does = {
        "replace": _("new text for clause {number}"),
        "insert": _("a new clause after clause {number}"),
        "delete": _("deletes clause {number}"),
    }.get(amendment.kind, "").format(number=number)
    note = f"{who}: {does}."
    if amendment.rationale:
        note += " " + _("Rationale: {rationale}").format(rationale=amendment.rationale)
    return note


# --- Word ----------------------------------------------------------------------------------------


def _properties(ref: VersionRef, what: str, at: datetime) -> Properties:
    return Properties(ref.group_name, f"{ref.document_title} — {what}", what, at, ref.document_language)


def _comparison_what(old: VersionRef, new: VersionRef) -> str:
    return _("version {a} compared with version {b}").format(a=old.number, b=new.number)


def _write_clause_redline(word: WordFile, clause: ClauseRedline) -> None:
    whole = None
    if clause.mark is not None:
        whole = Run("insert" if clause.change == "added" else "delete", "", clause.mark)
    heading = word.paragraph("Heading 1", whole)
    word.runs(heading, clause.number)
    word.runs(heading, clause.heading)
    body = word.paragraph(None, whole)
    word.runs(body, clause.text)
    word.bookmark(heading, body, bookmark_name(clause.lineage))


def comparison_docx(session: Session, group: str, document: str, old: int, new: int) -> Download:
    """The comparison as a Word file with tracked changes: accept them all and it reads as the
    newer version; reject them all and it reads as the older one."""
    result = compared_redline(session, group, document, old, new)
    ref = result.new
    with i18n.use(ref.document_language):
        what = _comparison_what(result.old, result.new)
        made = max(v.created_at for v in ref.versions if v.number in (old, new))
        word = WordFile(_properties(ref, what, made), ref.document_language)
        word.runs(word.paragraph("Title"), [Run("equal", ref.document_title)])
        word.runs(word.paragraph(), [Run("equal", f"{ref.group_name} — {what}")])
        for clause in result.clauses:
            _write_clause_redline(word, clause)
    return Download(f"{group}-{document}-v{old}-v{new}-compare.docx", DOCX, ref.document_language, word.save())


def _heading_text(number: str, heading: str) -> str:
    """A clause's heading paragraph as the importer reads it back: "1. Purpose", "3.2 Scope"."""
    label = number if "." in number else f"{number}."
    return f"{label} {heading}".strip()


def version_docx(session: Session, group: str, document: str, number: int) -> Download:
    """A clean Word file of one version, laid out so that the draft importer reads the same clauses back."""
    ref = version_in_group(session, group, document, number)
    snapshot = _snapshots(session, ref, number, number)[0]
    with i18n.use(ref.document_language):
        what = _("version {n}").format(n=number)
        word = WordFile(_properties(ref, what, snapshot.created_at), ref.document_language)
        word.runs(word.paragraph("Title"), [Run("equal", ref.document_title)])
        for lineage, state in snapshot.clauses:
            heading = word.paragraph("Heading 1")
            word.runs(heading, [Run("equal", _heading_text(state.number, state.heading))])
            last = heading
            for paragraph in state.text.split("\n\n"):
                for line in paragraph.split("\n"):
                    if line.strip():
                        last = word.paragraph()
                        word.runs(last, [Run("equal", line)])
            word.bookmark(heading, last, bookmark_name(lineage))
    return Download(f"{group}-{document}-v{number}.docx", DOCX, ref.document_language, word.save())


def _write_proposed(word: WordFile, clause: ProposedClause, competing: str) -> None:
    whole = Run("delete", "", clause.mark) if clause.mark is not None else None
    heading = word.paragraph("Heading 1", whole)
    number = Run("delete", clause.number, clause.mark) if clause.mark is not None else Run("equal", clause.number)
    number_runs = word.runs(heading, [number])
    heading_runs = word.runs(heading, clause.heading)
    body = word.paragraph(None, whole)
    text_runs = word.runs(body, clause.text)
    word.bookmark(heading, body, bookmark_name(clause.lineage))
    if clause.shown is not None:
        changed = [e for e in heading_runs + text_runs if e.tag in (w("ins"), w("del"))] or number_runs
        word.comment(changed, clause.shown.note, clause.shown.mark.author, clause.shown.mark.at)
    for alternative in clause.alternatives:
        note = f"{alternative.proposal.note} {competing}"
        if not alternative.text:
            word.comment(number_runs, note, alternative.proposal.mark.author, alternative.proposal.mark.at)
            continue
        _write_inserted(word, alternative.heading, alternative.text, alternative.proposal, note)
    for insertion in clause.insertions:
        _write_inserted(word, insertion.heading, insertion.text, insertion.proposal, insertion.proposal.note)


def _write_inserted(word: WordFile, heading: Sequence[Run], text: Sequence[Run], proposal: Proposal, note: str) -> None:
    """An amendment's own paragraphs, inserted (paragraph marks too), with its comment."""
    whole = Run("insert", "", proposal.mark)
    written: list[Any] = []
    if heading:
        written += word.runs(word.paragraph("Heading 2", whole), heading)
    written += word.runs(word.paragraph(None, whole), text)
    word.comment(written, note, proposal.mark.author, proposal.mark.at)


def amendments_docx(session: Session, group: str, document: str, number: int) -> Download:
    """Version ``number`` with every pending amendment as tracked changes of its delegation, and a
    comment on each."""
    result = proposed_text(session, group, document, number)
    ref = result.ref
    with i18n.use(ref.document_language):
        what = _("version {n} with its pending amendments").format(n=number)
        competing = _("It competes with the amendment shown in the clause above.")
        word = WordFile(_properties(ref, what, result.version_made), ref.document_language)
        word.runs(word.paragraph("Title"), [Run("equal", ref.document_title)])
        word.runs(word.paragraph(), [Run("equal", f"{ref.group_name} — {what}")])
        for clause in result.clauses:
            _write_proposed(word, clause, competing)
    return Download(f"{group}-{document}-v{number}-amendments.docx", DOCX, ref.document_language, word.save())


# --- PDF -----------------------------------------------------------------------------------------


def _authors(blocks: Sequence[PrintedClause]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for block in blocks:
        for run in (*block.number, *block.heading, *block.text):
            if run.mark is not None:
                seen.setdefault(run.mark.author)
    return tuple(seen)


def _printed_comparison(result: ComparedRedline) -> Printed:
    blocks = tuple(PrintedClause(c.number, c.heading, c.text, c.change) for c in result.clauses)
    ref = result.new
    return Printed(
        ref.group_name,
        ref.document_title,
        ref.document_language,
        _comparison_what(result.old, result.new),
        blocks,
        _authors(blocks),
    )


def _printed_proposals(result: ProposedText, competing: str) -> Printed:
    blocks: list[PrintedClause] = []
    for clause in result.clauses:
        number = (Run("delete" if clause.mark else "equal", clause.number, clause.mark),)
        notes = [clause.shown.note] if clause.shown else []
        notes += [f"{a.proposal.note} {competing}" for a in clause.alternatives if not a.text]
        blocks.append(
            PrintedClause(number, clause.heading, clause.text, "deleted" if clause.mark else "changed", tuple(notes))
        )
        for alternative in clause.alternatives:
            if alternative.text:
                note = f"{alternative.proposal.note} {competing}"
                blocks.append(PrintedClause((), alternative.heading, alternative.text, "alternative", (note,)))
        for insertion in clause.insertions:
            blocks.append(PrintedClause((), insertion.heading, insertion.text, "added", (insertion.proposal.note,)))
    ref = result.ref
    return Printed(
        ref.group_name,
        ref.document_title,
        ref.document_language,
        _("version {n} with its pending amendments").format(n=ref.number),
        tuple(blocks),
        _authors(blocks),
    )


def _pdf(printed: Printed, env: Environment) -> bytes:
    """The printed redline through WeasyPrint, as tagged PDF/UA in the document's language, fetching nothing."""
    from weasyprint import HTML

    from consensus.publishing.formats import refuse_urls

    html = env.get_template("documents/redline_print.html").render(printed=printed)
    pdf: bytes = HTML(string=html, url_fetcher=refuse_urls).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def comparison_pdf(session: Session, group: str, document: str, old: int, new: int, env: Environment) -> Download:
    """The comparison for print: insertions underlined, deletions struck through, a legend on top."""
    result = compared_redline(session, group, document, old, new)
    with i18n.use(result.new.document_language):
        content = _pdf(_printed_comparison(result), env)
    return Download(f"{group}-{document}-v{old}-v{new}-compare.pdf", PDF, result.new.document_language, content)


def amendments_pdf(session: Session, group: str, document: str, number: int, env: Environment) -> Download:
    """Version ``number`` and its pending amendments for print, marked as in the comparison."""
    result = proposed_text(session, group, document, number)
    language = result.ref.document_language
    with i18n.use(language):
        competing = _("It competes with the amendment shown in the clause above.")
        content = _pdf(_printed_proposals(result, competing), env)
    return Download(f"{group}-{document}-v{number}-amendments.pdf", PDF, language, content)
