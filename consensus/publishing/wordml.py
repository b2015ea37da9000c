"""Writing Word files (WordprocessingML) that carry what python-docx has no words for: tracked
changes (``w:ins``/``w:del`` around runs, and on paragraph marks), bookmarks, comments placed around
tracked runs, right-to-left paragraphs, and the file's own properties.

It lives in ``publishing`` beside the other exports because it is about the format, not about any
one area's rows: the comparison, the clean text and the pending amendments (``documents.exports``)
write through it, and so can every later Word export (the published text's, the commenting form's).
A ``WordFile`` is made, filled paragraph by paragraph, and saved; every revision it writes gets an
id of its own, an author and a date in ISO 8601 UTC, so Word's Review pane lists each one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from consensus.core.redline import Mark, Run
from consensus.i18n import RIGHT_TO_LEFT
from consensus.validation import CONTROL

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    """A WordprocessingML element or attribute name in Clark notation."""
    return f"{{{W_NS}}}{tag}"


def right_to_left(language: str) -> bool:
    """Whether text in this language (BCP 47) is written right to left."""
    return language.split("-")[0].lower() in RIGHT_TO_LEFT | {"he", "fa", "ur", "ps", "yi", "dv"}


def word_date(at: datetime) -> str:
    """A revision's date as Word writes it: ISO 8601 in UTC, to the second."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Properties:
    """The file's core properties: who made it (the group), what it is, and when."""

    creator: str
    title: str
    subject: str
    at: datetime
    language: str = ""


class WordFile:
    """A Word document being written: paragraphs with tracked runs, bookmarks and comments."""

    def __init__(self, properties: Properties, language: str) -> None:
        from docx import Document as Docx

        self.docx: Any = Docx()
        self.rtl = right_to_left(language)
        self._revision = 0
        self._bookmark = 0
        set_properties(self.docx, properties)

    @property
    def body(self) -> Any:
        return self.docx.element.body

    def _next_revision(self) -> str:
        self._revision += 1
        return str(self._revision)

    def revision(self, tag: str, mark: Mark) -> etree._Element:
        """A ``w:ins`` or ``w:del`` element with its own id, author and date."""
        element = etree.Element(w(tag))
        element.set(w("id"), self._next_revision())
        element.set(w("author"), _clean(mark.author) or "?")
        element.set(w("date"), word_date(mark.at))
        return element

    def paragraph(self, style: str | None = None, mark: Run | None = None) -> Any:
        """A new paragraph at the end; ``mark`` (a run's op and mark, its text unused) tracks its
        paragraph mark as inserted or deleted, so that a whole paragraph comes or goes with it."""
        paragraph = self.docx.add_paragraph(style=style)
        p_pr = paragraph._p.get_or_add_pPr()
        if self.rtl:
            p_pr.append(etree.Element(w("bidi")))
        if mark is not None and mark.op != "equal" and mark.mark is not None:
            r_pr = etree.SubElement(p_pr, w("rPr"))
            r_pr.append(self.revision("ins" if mark.op == "insert" else "del", mark.mark))
            if self.rtl:
                r_pr.append(etree.Element(w("rtl")))
        return paragraph

    def runs(self, paragraph: Any, runs: Sequence[Run], bold: bool = False) -> list[etree._Element]:
        """Append runs to a paragraph, each inserted or deleted one inside its ``w:ins``/``w:del``;
        returns the elements appended (runs and revisions), for a comment to go around."""
        written = []
        for run in runs:
            if not run.text:
                continue
            element = self._run(run.text, deleted=run.op == "delete", bold=bold)
            if run.op != "equal" and run.mark is not None:
                wrapper = self.revision("ins" if run.op == "insert" else "del", run.mark)
                wrapper.append(element)
                element = wrapper
            paragraph._p.append(element)
            written.append(element)
        return written

    def _run(self, text: str, *, deleted: bool, bold: bool) -> etree._Element:
        run = etree.Element(w("r"))
        if bold or self.rtl:
            r_pr = etree.SubElement(run, w("rPr"))
            if bold:
                etree.SubElement(r_pr, w("b"))
            if self.rtl:
                etree.SubElement(r_pr, w("rtl"))
        text_tag = "delText" if deleted else "t"
        for index, line in enumerate(_clean(text).split("\n")):
            if index:
                etree.SubElement(run, w("br"))
            for part_index, part in enumerate(line.split("\t")):
                if part_index:
                    etree.SubElement(run, w("tab"))
                if part:
                    node = etree.SubElement(run, w(text_tag))
                    node.text = part
                    node.set(XML_SPACE, "preserve")
        return run

    def bookmark(self, first: Any, last: Any, name: str) -> None:
        """A bookmark from the start of paragraph ``first`` to the end of paragraph ``last``."""
        self._bookmark += 1
        start = etree.Element(w("bookmarkStart"))
        start.set(w("id"), str(self._bookmark))
        start.set(w("name"), name[:40])
        end = etree.Element(w("bookmarkEnd"))
        end.set(w("id"), str(self._bookmark))
        p_pr = first._p.find(w("pPr"))
        if p_pr is not None:
            p_pr.addnext(start)
        else:
            first._p.insert(0, start)
        last._p.append(end)

    def comment(self, around: Sequence[etree._Element], text: str, author: str, at: datetime) -> None:
        """A comment by ``author`` on the elements ``around`` (runs or revisions of one or more
        paragraphs, in order): the range marks go outside any ``w:ins``/``w:del``, the reference
        after the last."""
        if not around:
            return
        comment = self.docx.comments.add_comment(text=_clean(text), author=_clean(author) or "?", initials="")
        comment._comment_elm.set(w("date"), word_date(at))
        comment_id = str(comment.comment_id)
        start = etree.Element(w("commentRangeStart"))
        start.set(w("id"), comment_id)
        end = etree.Element(w("commentRangeEnd"))
        end.set(w("id"), comment_id)
        around[0].addprevious(start)
        around[-1].addnext(end)
        reference = etree.Element(w("r"))
        r_pr = etree.SubElement(reference, w("rPr"))
        style = etree.SubElement(r_pr, w("rStyle"))
        style.set(w("val"), "CommentReference")
        etree.SubElement(reference, w("commentReference")).set(w("id"), comment_id)
        end.addnext(reference)

    def _distinct_ids(self) -> None:
        """Give revisions and bookmarks ids that no comment has: Word numbers every annotation
        of a document from one counter, and a reader may expect that."""
        taken = {int(c.get(w("id"))) for c in self.body.iter(w("commentRangeStart"))}
        next_id = max(taken, default=-1) + 1
        for revision in self.body.iter(w("ins"), w("del")):
            revision.set(w("id"), str(next_id))
            next_id += 1
        renamed: dict[str, str] = {}
        for mark in self.body.iter(w("bookmarkStart"), w("bookmarkEnd")):
            old = mark.get(w("id"), "")
            if old not in renamed:
                renamed[old] = str(next_id)
                next_id += 1
            mark.set(w("id"), renamed[old])

    def save(self) -> bytes:
        self._distinct_ids()
        out = io.BytesIO()
        self.docx.save(out)
        return out.getvalue()


def _clean(value: str) -> str:
    """Text without the control characters XML cannot hold; a carriage return is a line break."""
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def set_properties(docx: Any, properties: Properties) -> None:
    """The file's own properties: python-docx's template says it was written by python-docx in
    2013 and carries a thumbnail of another document; none of that stays."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    core = docx.core_properties
    core.author = core.last_modified_by = _clean(properties.creator)
    core.title = _clean(properties.title)
    core.subject = _clean(properties.subject)
    core.comments = core.keywords = core.category = ""
    core.language = properties.language
    moment = properties.at if properties.at.tzinfo is not None else properties.at.replace(tzinfo=UTC)
    core.created = core.modified = moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    core.revision = 1
    package = docx.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_PROPERTIES  # the template's says "Microsoft Macintosh Word"
    for rel_id, rel in list(docx.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML:  # the template's bibliography sources
            docx.part.rels.pop(rel_id)


APP_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>Consensus</Application><DocSecurity>0</DocSecurity></Properties>"
)
