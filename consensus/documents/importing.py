"""Reading a draft from a file: Word (.docx), OpenDocument (.odt), Markdown (.md) or plain text (.txt).

Each reader turns its file into ``Block`` values and ``consensus.core.clauses.find_clauses`` finds
the clauses, the same way for every format. The file is checked before it is parsed: its size, that
it is what its name says, and for the zip formats the number of members and the size they expand to
(a small file can expand to gigabytes). XML is parsed without entities, DTDs or network access.

Word is read with python-docx (the package, styles and core properties) and the paragraphs from its
XML: python-docx's ``paragraph.text`` skips tracked insertions and it does not compute the labels of
automatic numbering, which is the part a reader sees and the text does not hold. OpenDocument is read
from content.xml directly: odfpy gives a DOM but neither list labels nor anything ElementTree lacks.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from lxml import etree

from consensus.core.clauses import (
    Block,
    Draft,
    TracedDraft,
    find_clauses,
    markdown_blocks,
    text_blocks,
    traced_clauses,
    typed_label,
)
from consensus.core.tally import Phrase
from consensus.errors import DomainError
from consensus.i18n import N_, _

MAX_FILE = 10 * 1024 * 1024
MAX_EXPANDED = 50 * 1024 * 1024
MAX_MEMBERS = 2_000
SUFFIXES = (".docx", ".odt", ".md", ".txt")


class UnreadableFile(DomainError):
    """A file that cannot be read as a draft: the message names what is wrong with it."""

    status_code = 422


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


def _xml(data: bytes, what: str) -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(_("The file's {part} is not well-formed XML.").format(part=what)) from exc
    if root.getroottree().docinfo.doctype:
        raise UnreadableFile(_("The file's {part} declares a DTD, which a document does not need.").format(part=what))
    return root


# --- the file as a whole ----------------------------------------------------------------------


def read_draft(filename: str, content: bytes, title: str = "") -> Draft:
    """The draft in an uploaded file, chosen by its suffix and checked against its content.

    Raises ``UnreadableFile`` naming the problem: empty, too large, not what its name says, a zip
    that expands too far, no clauses found."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".markdown":
        suffix = ".md"
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            _("Choose a .docx, .odt, .md or .txt file (this one is {suffix}).").format(suffix=suffix or "?")
        )
    if not content:
        raise UnreadableFile(_("The file is empty."))
    if len(content) > MAX_FILE:
        raise UnreadableFile(_("The file is larger than 10 MB."))
    draft = _READERS[suffix](content, title.strip())
    if not draft.title:
        stem = PurePath(filename).stem.replace("_", " ").strip()[:300]
        draft = Draft(
            stem, draft.clauses, (*draft.notes, Phrase(N_("The file has no title: its name was taken as the title.")))
        )
    if not draft.clauses:
        raise UnreadableFile(_("No clauses found: the file has no text besides its title."))
    return draft


_MAGIC = {
    b"%PDF": N_("a PDF file"),
    b"\x89PNG": N_("a PNG image"),
    b"\xff\xd8\xff": N_("a JPEG image"),
    b"GIF8": N_("a GIF image"),
    b"\xd0\xcf\x11\xe0": N_("an older Word or Office file (.doc): save it as .docx"),
    b"{\\rtf": N_("an RTF file: save it as .docx"),
    b"PK\x03\x04": N_("a zip archive"),
}
"""What a file is by its first bytes, in words (marked for the catalogues, translated where said)."""


def _what_it_is(content: bytes) -> str | None:
    return next((_(name) for magic, name in _MAGIC.items() if content.startswith(magic)), None)


def _open_zip(content: bytes, expected: str) -> zipfile.ZipFile:
    """The archive, once its members are few and small enough to expand."""
    if not content.startswith(b"PK\x03\x04"):
        found = _what_it_is(content)
        if found:
            raise UnreadableFile(_("This is not {expected}: it is {found}.").format(expected=expected, found=found))
        raise UnreadableFile(_("This is not {expected}.").format(expected=expected))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableFile(_("This is not {expected}: the archive is damaged.").format(expected=expected)) from exc
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(_("The archive holds more than {count} files.").format(count=MAX_MEMBERS))
    if sum(m.file_size for m in members) > MAX_EXPANDED:
        raise UnreadableFile(_("The archive expands to more than 50 MB."))
    return archive


def _member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise UnreadableFile(_("The archive is damaged: {name} cannot be read.").format(name=name)) from exc


# --- plain text and Markdown -------------------------------------------------------------------


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 with one; anything else is refused."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_("The file says it is UTF-16 text but is not.")) from exc
    else:
        found = _what_it_is(content)
        if found:
            raise UnreadableFile(_("This is not a text file ({found}).").format(found=found))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _(
                    "The file is not UTF-8 text (byte {position} cannot be read): save it as UTF-8, "
                    "or UTF-16 with a byte-order mark."
                ).format(position=exc.start + 1)
            ) from exc
    if "\x00" in text:
        raise UnreadableFile(_("This is not a text file (it contains NUL bytes)."))
    return _printable(text)


def _printable(text: str) -> str:
    """Control characters other than line ends and tabs dropped (a form feed breaks a paragraph)."""
    text = text.replace("\x0c", "\n\n").replace("\x0b", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and not 0x7F <= ord(ch) < 0xA0))


def _read_text(content: bytes, title: str) -> Draft:
    return find_clauses(text_blocks(_decode(content)), title)


def _read_markdown(content: bytes, title: str) -> Draft:
    return find_clauses(markdown_blocks(_decode(content)), title)


# --- Word --------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letters(n: int) -> str:
    """Word's letters: a…z, then aa…zz, aaa… (the letter repeated)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "none": lambda n: "",
}


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str
    text: str
    start: int


@dataclass
class _Numbering:
    """numbering.xml: the levels of each list, and the counters as the document is read in order."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # by abstractNum id
    nums: dict[str, str] = field(default_factory=dict)  # num id → abstractNum id
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # num id → level → start
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # by abstractNum id
    used: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, root: etree._Element | None) -> _Numbering:
        numbering = cls()
        if root is None:
            return numbering
        for abstract in root.iter(_w("abstractNum")):
            levels = {}
            for lvl in abstract.iter(_w("lvl")):
                levels[int(lvl.get(_w("ilvl"), "0"))] = _Level(
                    _val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or "", int(_val(lvl, "start") or 1)
                )
            numbering.levels[abstract.get(_w("abstractNumId"), "")] = levels
        for num in root.iter(_w("num")):
            num_id = num.get(_w("numId"), "")
            numbering.nums[num_id] = _val(num, "abstractNumId") or ""
            numbering.overrides[num_id] = {
                int(o.get(_w("ilvl"), "0")): int(_val(o, "startOverride") or 1)
                for o in num.iter(_w("lvlOverride"))
                if o.find(_w("startOverride")) is not None
            }
        return numbering

    def label(self, num_id: str, ilvl: int) -> str:
        """The label the next paragraph of this list at this level shows ("3.", "2.1", "(b)", "-")."""
        abstract = self.nums.get(num_id)
        levels = self.levels.get(abstract or "", {})
        if abstract is None or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.used:  # a list instance restarting its numbering (startOverride)
            self.used.add(num_id)
            for overridden, start in self.overrides.get(num_id, {}).items():
                counters[overridden] = start - 1
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "-"
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = level.text
        for k in range(ilvl, -1, -1):
            shown = levels.get(k, level)
            value = counters.get(k, shown.start)
            text = text.replace(f"%{k + 1}", _FORMATS.get(shown.fmt, str)(value))
        return text.strip()


def _val(element: etree._Element, child: str) -> str | None:
    found = element.find(_w(child))
    return None if found is None else found.get(_w("val"))


@dataclass
class _WordStyles:
    """For each paragraph style: its name, heading level, and the numbering it carries (inherited)."""

    names: dict[str, str]
    based_on: dict[str, str]
    numbering: dict[str, tuple[str, int]]
    outline: dict[str, int]

    @classmethod
    def read(cls, root: etree._Element | None) -> _WordStyles:
        styles = cls({}, {}, {}, {})
        for style in [] if root is None else root.iter(_w("style")):
            style_id = style.get(_w("styleId"), "")
            styles.names[style_id] = (_val(style, "name") or style_id).lower()
            based = _val(style, "basedOn")
            if based:
                styles.based_on[style_id] = based
            ppr = style.find(_w("pPr"))
            if ppr is not None:
                num = _num_pr(ppr)
                if num is not None:
                    styles.numbering[style_id] = num
                outline = _val(ppr, "outlineLvl")
                if outline is not None and outline.isdigit():
                    styles.outline[style_id] = int(outline)
        return styles

    def _chain(self, style_id: str) -> Iterator[str]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            yield style_id
            style_id = self.based_on.get(style_id, "")

    def kind(self, style_id: str) -> tuple[str, int]:
        """("title", 0), ("heading", n) or ("paragraph", 0) for a paragraph of this style."""
        name = self.names.get(style_id, style_id.lower())
        if name == "title":
            return "title", 0
        if name.startswith("heading ") and name[8:].isdigit():
            return "heading", int(name[8:])
        for ancestor in self._chain(style_id):
            if ancestor in self.outline and self.outline[ancestor] < 9:
                return "heading", self.outline[ancestor] + 1
        return "paragraph", 0

    def num(self, style_id: str) -> tuple[str, int] | None:
        return next((self.numbering[s] for s in self._chain(style_id) if s in self.numbering), None)


def _num_pr(ppr: etree._Element) -> tuple[str, int] | None:
    num_pr = ppr.find(_w("numPr"))
    if num_pr is None:
        return None
    num_id = _val(num_pr, "numId")
    ilvl = _val(num_pr, "ilvl")
    return (num_id or "", int(ilvl) if ilvl and ilvl.isdigit() else 0) if num_id is not None else None


@dataclass
class _WordReader:
    """Walks word/document.xml in order, producing blocks."""

    styles: _WordStyles
    numbering: _Numbering
    footnotes: dict[str, str]
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tracked: bool = False
    cited: int = 0
    accept: bool = True
    """Read the text with every tracked change accepted; False: as it was before them (rejected)."""
    anchors: dict[str, int | None] = field(default_factory=dict)
    """Each Word comment's id → the block of the paragraph it is anchored in (None: a paragraph
    without text, such as one deleted)."""
    waiting: list[str] = field(default_factory=list)  # comments whose range starts between paragraphs
    paragraphs: list[int | None] = field(default_factory=list)
    """For each paragraph (and table row) in order, the block it made, None if none."""

    def body(self, body: etree._Element) -> None:
        for element in body:
            if element.tag == _w("p"):
                self.paragraph(element)
            elif element.tag == _w("tbl"):
                self.table(element)
            elif element.tag == _w("sdt"):
                content = element.find(_w("sdtContent"))
                if content is not None:
                    self.body(content)
            elif element.tag == _w("commentRangeStart"):
                self.waiting.append(element.get(_w("id"), ""))

    def anchor(self, element: etree._Element, produced: bool) -> None:
        """Note the comments anchored in ``element``, whose block (if it made one) is the last one."""
        ids = [*self.waiting, *(node.get(_w("id"), "") for node in element.iter(*_ANCHORS))]
        self.waiting = []
        self.paragraphs.append(len(self.blocks) - 1 if produced else None)
        for comment_id in ids:
            self.anchors.setdefault(comment_id, len(self.blocks) - 1 if produced else None)

    def _skipped(self, node: etree._Element) -> bool:
        """A node left out of this reading: deleted text once changes are accepted, inserted text
        before they were made."""
        if node.tag == _w("delText"):
            self.tracked = True
            return self.accept
        ancestors = {a.tag for a in node.iterancestors()}
        removed = bool(ancestors & _REMOVED)
        added = bool(ancestors & _ADDED)
        self.tracked = self.tracked or removed or added
        return removed if self.accept else added

    def _mark_gone(self, ppr: etree._Element | None) -> bool:
        """The paragraph mark is deleted (accepting) or inserted (not accepting): the paragraph is not
        there in this reading."""
        rpr = None if ppr is None else ppr.find(_w("rPr"))
        marks = set() if rpr is None else {child.tag for child in rpr}
        return bool(marks & (_REMOVED if self.accept else _ADDED))

    def text(self, element: etree._Element) -> tuple[str, tuple[str, ...]]:
        """The words a reader sees: insertions kept, deletions and field codes left out, footnote
        references as [n] (or, not accepting, the words before the tracked changes)."""
        parts: list[str] = []
        notes: list[str] = []
        for node in element.iter(*_TEXT_NODES):
            if node.tag == _w("ins"):
                self.tracked = True
                continue
            if self._skipped(node):
                continue
            if node.tag in (_w("t"), _w("delText")):
                parts.append(node.text or "")
            elif node.tag in (_w("tab"), _w("br")):
                parts.append(" ")
            elif node.tag == _w("noBreakHyphen"):
                parts.append("-")
            else:
                self.cited += 1
                parts.append(f"[{self.cited}]")
                notes.append(f"[{self.cited}] {self.footnotes.get(node.get(_w('id'), ''), '')}".strip())
        return " ".join("".join(parts).split()), tuple(notes)

    def paragraph(self, p: etree._Element) -> None:
        ppr = p.find(_w("pPr"))
        style_id = (_val(ppr, "pStyle") or "") if ppr is not None else ""
        kind, level = self.styles.kind(style_id)
        text, notes = self.text(p)
        num = (_num_pr(ppr) if ppr is not None else None) or self.styles.num(style_id)
        label = ""
        if not text and self._mark_gone(ppr):
            num = None  # a paragraph not there in this reading takes no number
        if num is not None and num[0] != "0":
            label = self.numbering.label(*num)
        if not text:
            self.anchor(p, produced=False)
            return
        if kind == "paragraph" and not label:
            label, text = typed_label(text)
        if kind == "paragraph" and label:
            self.blocks.append(Block("list_item", text, num[1] if num else 0, label, notes))
        else:
            self.blocks.append(Block(kind, text, level, label, notes))  # type: ignore[arg-type]  # kind from styles.kind
        self.anchor(p, produced=True)

    def table(self, tbl: etree._Element) -> None:
        for row in tbl.iter(_w("tr")):
            cells = []
            notes: tuple[str, ...] = ()
            for cell in row.iter(_w("tc")):
                text, cell_notes = self.text(cell)
                cells.append(text)
                notes += cell_notes
            if any(cells):
                self.blocks.append(Block("table_row", " | ".join(cells), 0, "", notes))
            self.anchor(row, produced=any(cells))


_REMOVED = {_w("del"), _w("moveFrom")}
_ADDED = {_w("ins"), _w("moveTo")}
_ANCHORS = (_w("commentRangeStart"), _w("commentReference"))
_TEXT_NODES = (
    _w("t"), _w("tab"), _w("br"), _w("noBreakHyphen"), _w("footnoteReference"), _w("delText"), _w("ins"),
)  # fmt: skip


def _word_footnotes(root: etree._Element | None) -> dict[str, str]:
    notes = {}
    for note in [] if root is None else root.iter(_w("footnote")):
        if note.get(_w("type")) in (None, "normal"):
            words = "".join(t.text or "" for t in note.iter(_w("t")))
            notes[note.get(_w("id"), "")] = " ".join(words.split())
    return notes


def _read_docx(content: bytes, title: str) -> Draft:
    return _read_word(content, title).accepted.draft


@dataclass(frozen=True, slots=True)
class _WordReading:
    accepted: TracedDraft
    """The text with every tracked change accepted."""
    original: TracedDraft
    """The text as it was before the tracked changes (the same as ``accepted`` without any)."""
    accepted_anchors: dict[str, int | None]
    original_anchors: dict[str, int | None]
    accepted_blocks: list[Block]
    comments: etree._Element | None
    tracked: bool
    links: frozenset[tuple[int, int]]
    """(accepted clause, original clause) pairs that share a paragraph."""


def _read_word(content: bytes, title: str) -> _WordReading:
    """Read a Word file twice from one parse: with its tracked changes accepted, and without them."""
    archive = _open_zip(content, _("a Word document"))
    types = _member(archive, "[Content_Types].xml") or b""
    document_xml = _member(archive, "word/document.xml")
    if document_xml is None or b"wordprocessingml" not in types:
        odt = (_member(archive, "mimetype") or b"").startswith(b"application/vnd.oasis.opendocument.text")
        raise UnreadableFile(
            _("This is an OpenDocument text: name it .odt.") if odt else _("This is not a Word document.")
        )
    core_title = _docx_core_title(content)

    def part(name: str) -> etree._Element | None:
        data = _member(archive, name)
        return None if data is None else _xml(data, name)

    styles, numbering = part("word/styles.xml"), part("word/numbering.xml")
    footnotes = _word_footnotes(part("word/footnotes.xml"))
    body = _xml(document_xml, "word/document.xml").find(_w("body"))
    readers = []
    for accept in (True, False):
        reader = _WordReader(_WordStyles.read(styles), _Numbering.read(numbering), footnotes, accept=accept)
        if body is not None:
            reader.body(body)
        readers.append(reader)
    accepted, original = readers
    notes = []
    if accepted.tracked:
        notes.append(
            Phrase(N_("The file still holds tracked changes: insertions were read as text, deletions left out."))
        )

    def traced(reader: _WordReader) -> TracedDraft:
        has_title = any(b.kind == "title" for b in reader.blocks)
        return traced_clauses(reader.blocks, title or ("" if has_title else core_title), notes)

    accepted_draft, original_draft = traced(accepted), traced(original)
    return _WordReading(
        accepted_draft,
        original_draft,
        accepted.anchors,
        original.anchors,
        accepted.blocks,
        part("word/comments.xml"),
        accepted.tracked,
        _links(accepted_draft, accepted.paragraphs, original_draft, original.paragraphs),
    )


def _links(
    accepted: TracedDraft,
    accepted_paragraphs: list[int | None],
    original: TracedDraft,
    original_paragraphs: list[int | None],
) -> frozenset[tuple[int, int]]:
    links = set()
    for a, o in zip(accepted_paragraphs, original_paragraphs, strict=False):
        if a is not None and o is not None:
            clause_a, clause_o = accepted.owners[a], original.owners[o]
            if clause_a is not None and clause_o is not None:
                links.add((clause_a, clause_o))
    return frozenset(links)


def _docx_core_title(content: bytes) -> str:
    """The title in the document's properties (python-docx reads docProps/core.xml)."""
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception:  # python-docx raises KeyError, ValueError and its own errors for a bad package
        return ""
    return (document.core_properties.title or "").strip()


# --- OpenDocument ------------------------------------------------------------------------------

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC = "http://purl.org/dc/elements/1.1/"


def _t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


_ODF_FORMATS: dict[str, Callable[[int], str]] = {
    "1": str,
    "a": _letters,
    "A": lambda n: _letters(n).upper(),
    "i": _roman,
    "I": lambda n: _roman(n).upper(),
    "": lambda n: "",
}


@dataclass(frozen=True, slots=True)
class _OdfLevel:
    bullet: bool
    fmt: str = "1"
    prefix: str = ""
    suffix: str = ""
    display: int = 1
    start: int = 1


def _odf_list_styles(roots: list[etree._Element]) -> dict[str, dict[int, _OdfLevel]]:
    styles: dict[str, dict[int, _OdfLevel]] = {}
    for root in roots:
        for style in [*root.iter(_t("list-style")), *root.iter(_t("outline-style"))]:
            levels = {}
            for level in style:
                depth = int(level.get(_t("level"), "1"))
                if level.tag == _t("list-level-style-bullet"):
                    levels[depth] = _OdfLevel(True)
                elif level.tag in (_t("list-level-style-number"), _t("outline-level-style")):
                    levels[depth] = _OdfLevel(
                        False,
                        level.get(f"{{{STYLE}}}num-format", ""),
                        level.get(f"{{{STYLE}}}num-prefix", ""),
                        level.get(f"{{{STYLE}}}num-suffix", ""),
                        int(level.get(_t("display-levels"), "1")),
                        int(level.get(_t("start-value"), "1")),
                    )
            name = "" if style.tag == _t("outline-style") else style.get(f"{{{STYLE}}}name", "")
            styles[name] = levels
    return styles


def _odf_label(levels: dict[int, _OdfLevel], counters: list[int], depth: int) -> str:
    level = levels.get(depth)
    if level is None:
        return ""
    if level.bullet:
        return "-"
    if not level.fmt:
        return ""
    shown = []
    for d in range(max(1, depth - level.display + 1), depth + 1):
        outer = levels.get(d, level)
        shown.append(_ODF_FORMATS.get(outer.fmt, str)(counters[d - 1]))
    return f"{level.prefix}{'.'.join(shown)}{level.suffix}".strip()


@dataclass
class _OdfReader:
    """Walks content.xml's office:text in order, producing blocks."""

    lists: dict[str, dict[int, _OdfLevel]]
    paragraph_parents: dict[str, str]
    blocks: list[Block] = field(default_factory=list)
    counters_by_list: dict[str, list[int]] = field(default_factory=dict)
    last_counters: dict[str, list[int]] = field(default_factory=dict)  # by list style, for continue-numbering
    outline: list[int] = field(default_factory=lambda: [0] * 10)
    cited: int = 0

    def body(self, element: etree._Element) -> None:
        for child in element:
            if child.tag == _t("p"):
                self.paragraph(child)
            elif child.tag == _t("h"):
                self.heading(child)
            elif child.tag == _t("list"):
                self.read_list(child, child.get(_t("style-name"), ""), 1, None)
            elif child.tag == f"{{{TABLE}}}table":
                self.table(child)
            elif child.tag in (_t("section"), _t("index-body")):
                self.body(child)

    def text(self, element: etree._Element) -> tuple[str, tuple[str, ...]]:
        parts: list[str] = []
        notes: list[str] = []
        self._walk(element, parts, notes)
        return " ".join("".join(parts).split()), tuple(notes)

    def _walk(self, element: etree._Element, parts: list[str], notes: list[str]) -> None:
        parts.append(element.text or "")
        for child in element:
            if child.tag == _t("s"):
                parts.append(" " * int(child.get(_t("c"), "1")))
            elif child.tag in (_t("tab"), _t("line-break")):
                parts.append(" ")
            elif child.tag == _t("note"):
                self.cited += 1
                parts.append(f"[{self.cited}]")
                body = child.find(_t("note-body"))
                notes.append(f"[{self.cited}] {self.text(body)[0] if body is not None else ''}".strip())
            elif child.tag not in (_t("number"), _t("tracked-changes"), f"{{{OFFICE}}}annotation"):
                self._walk(child, parts, notes)
            parts.append(child.tail or "")

    def paragraph(self, p: etree._Element, label: str = "", depth: int = 0) -> None:
        text, notes = self.text(p)
        if not text:
            return
        style = p.get(_t("style-name"), "")
        if self.paragraph_parents.get(style, style).lower() == "title":
            self.blocks.append(Block("title", text))
        elif label:
            self.blocks.append(Block("list_item", text, depth, label, notes))
        else:
            typed, rest = typed_label(text)
            self.blocks.append(Block("list_item" if typed else "paragraph", rest, 0, typed, notes))

    def heading(self, h: etree._Element, label: str = "") -> None:
        level = int(h.get(_t("outline-level"), "1"))
        number = h.find(_t("number"))
        if not label and number is not None and number.text:
            label = number.text.strip()
        if not label and "" in self.lists and 1 <= level <= 10:
            self.outline[level - 1] += 1
            self.outline[level:] = [0] * (10 - level)
            counters = [c or 1 for c in self.outline]
            label = _odf_label(self.lists[""], counters, level)
        text, notes = self.text(h)
        if text:
            self.blocks.append(Block("heading", text, level, label, notes))

    def read_list(self, element: etree._Element, style: str, depth: int, counters: list[int] | None) -> None:
        style = element.get(_t("style-name"), style)
        if counters is None:
            counters = self._counters_for(element, style)
        for item in element:
            if item.tag not in (_t("list-item"), _t("list-header")):
                continue
            self._item(item, style, depth, counters)
        self.last_counters[style] = counters

    def _counters_for(self, element: etree._Element, style: str) -> list[int]:
        continues = element.get(_t("continue-list"))
        if continues and continues in self.counters_by_list:
            counters = self.counters_by_list[continues]
        elif element.get(_t("continue-numbering")) == "true" and style in self.last_counters:
            counters = self.last_counters[style]
        else:
            counters = [0] * 10
        list_id = element.get("{http://www.w3.org/XML/1998/namespace}id")
        if list_id:
            self.counters_by_list[list_id] = counters
        return counters

    def _item(self, item: etree._Element, style: str, depth: int, counters: list[int]) -> None:
        levels = self.lists.get(style, {})
        label = ""
        if item.tag == _t("list-item") and any(c.tag in (_t("p"), _t("h")) for c in item):
            label = self._count(item, levels, depth, counters)
        first = True
        for child in item:
            if child.tag == _t("p"):
                self.paragraph(child, label if first else "", depth - 1)
                first = False
            elif child.tag == _t("h"):
                self.heading(child, label if first else "")
                first = False
            elif child.tag == _t("list"):
                self.read_list(child, style, depth + 1, counters)

    def _count(self, item: etree._Element, levels: dict[int, _OdfLevel], depth: int, counters: list[int]) -> str:
        """Count this item at its depth (restarting deeper ones) and give its label."""
        start = item.get(_t("start-value"))
        level = levels.get(depth)
        if start and start.isdigit():
            counters[depth - 1] = int(start)
        elif counters[depth - 1]:
            counters[depth - 1] += 1
        else:
            counters[depth - 1] = level.start if level else 1
        counters[depth:] = [0] * (10 - depth)
        return _odf_label(levels, [c or 1 for c in counters], depth)

    def table(self, element: etree._Element) -> None:
        for row in element.iter(f"{{{TABLE}}}table-row"):
            cells = []
            notes: tuple[str, ...] = ()
            for cell in row.iter(f"{{{TABLE}}}table-cell"):
                text, cell_notes = self.text(cell)
                cells.append(text)
                notes += cell_notes
            if any(cells):
                self.blocks.append(Block("table_row", " | ".join(cells), 0, "", notes))


def _odf_parents(roots: list[etree._Element]) -> dict[str, str]:
    """Each paragraph style's name as a reader sees it (an automatic style 'P1' stands for its parent)."""
    parents = {}
    for root in roots:
        for style in root.iter(f"{{{STYLE}}}style"):
            name = style.get(f"{{{STYLE}}}name", "")
            parent = style.get(f"{{{STYLE}}}parent-style-name")
            display = style.get(f"{{{STYLE}}}display-name", name)
            parents[name] = parent if parent and style.getparent().tag == f"{{{OFFICE}}}automatic-styles" else display
    return {name: parents.get(parent, parent) for name, parent in parents.items()}


def _read_odt(content: bytes, title: str) -> Draft:
    archive = _open_zip(content, _("an OpenDocument text"))
    mimetype = (_member(archive, "mimetype") or b"").strip()
    content_xml = _member(archive, "content.xml")
    if content_xml is None or mimetype != b"application/vnd.oasis.opendocument.text":
        word = _member(archive, "word/document.xml") is not None
        raise UnreadableFile(
            _("This is a Word document: name it .docx.") if word else _("This is not an OpenDocument text.")
        )
    root = _xml(content_xml, "content.xml")
    styles_xml = _member(archive, "styles.xml")
    roots = [root] if styles_xml is None else [_xml(styles_xml, "styles.xml"), root]
    reader = _OdfReader(_odf_list_styles(roots), _odf_parents(roots))
    text = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    if text is not None:
        reader.body(text)
    notes = []
    if text is not None and text.find(_t("tracked-changes")) is not None:
        notes.append(
            Phrase(N_("The file still holds tracked changes: insertions were read as text, deletions left out."))
        )
    meta = _member(archive, "meta.xml")
    meta_title = ""
    if meta is not None:
        found = _xml(meta, "meta.xml").find(f".//{{{DC}}}title")
        meta_title = (found.text or "").strip() if found is not None else ""
    has_title = any(b.kind == "title" for b in reader.blocks)
    return find_clauses(reader.blocks, title or ("" if has_title else meta_title), notes)


_READERS: dict[str, Callable[[bytes, str], Draft]] = {
    ".docx": _read_docx,
    ".odt": _read_odt,
    ".md": _read_markdown,
    ".txt": _read_text,
}


# --- a Word redline of a version: tracked changes and comments -------------------------------


@dataclass(frozen=True, slots=True)
class WordComment:
    """A Word comment and where it is anchored."""

    id: str
    author: str
    text: str
    clause: int | None
    """The index of the clause it is anchored in, in the text with the changes accepted (None: in a
    paragraph that is not there once they are, such as a deleted one, or in the title)."""
    original_clause: int | None
    """The index of the clause it is anchored in, in the text as it was before the changes."""


@dataclass(frozen=True, slots=True)
class Redline:
    """What a Word file of a version with a capital's changes holds."""

    draft: Draft
    """The text with every tracked change accepted (what the capital wants)."""
    original: Draft
    """The text as it was before the tracked changes (the version it was made from)."""
    unnumbered: frozenset[int]
    """The indices of ``draft``'s clauses that the file does not number (text before the first
    clause, an unnumbered heading)."""
    comments: tuple[WordComment, ...]
    unattributed: tuple[str, ...]
    """Paragraphs given to no clause."""
    tracked: bool
    inserted: frozenset[int] = frozenset()
    """The indices of ``draft``'s clauses made only of tracked insertions (new clauses)."""
    deleted: frozenset[int] = frozenset()
    """The indices of ``original``'s clauses made only of tracked deletions (deleted clauses)."""


def read_redline(filename: str, content: bytes) -> Redline:
    """A Word file's text with its changes accepted and as it was before them, its comments and the
    clause each is anchored in. Raises ``UnreadableFile`` as ``read_draft`` does; only .docx is read."""
    _check_redline_file(filename, content)
    reading = _read_word(content, "")
    if not reading.accepted.draft.clauses and not reading.original.draft.clauses:
        raise UnreadableFile(_("No clauses found: the file has no text besides its title."))
    texts = _word_comments(reading.comments)

    def clause_of(traced: TracedDraft, anchors: dict[str, int | None], comment_id: str) -> int | None:
        block = anchors.get(comment_id)
        return traced.owners[block] if block is not None and 0 <= block < len(traced.owners) else None

    comments = tuple(
        WordComment(
            comment_id,
            author,
            text,
            clause_of(reading.accepted, reading.accepted_anchors, comment_id),
            clause_of(reading.original, reading.original_anchors, comment_id),
        )
        for comment_id, (author, text) in texts.items()
        if text
    )
    draft = reading.accepted.draft
    unattributed = _unattributed(reading)
    linked_accepted = {a for a, _o in reading.links}
    linked_original = {o for _a, o in reading.links}
    return Redline(
        draft,
        reading.original.draft,
        reading.accepted.given,
        comments,
        unattributed,
        reading.tracked,
        frozenset(range(len(draft.clauses))) - linked_accepted if reading.tracked else frozenset(),
        frozenset(range(len(reading.original.draft.clauses))) - linked_original if reading.tracked else frozenset(),
    )


def _check_redline_file(filename: str, content: bytes) -> None:
    suffix = PurePath(filename).suffix
    if suffix.lower() != ".docx":
        raise UnreadableFile(
            _("Choose a Word file (.docx) of the version (this one is {suffix}).").format(suffix=suffix or "?")
        )
    if not content:
        raise UnreadableFile(_("The file is empty."))
    if len(content) > MAX_FILE:
        raise UnreadableFile(_("The file is larger than 10 MB."))


def _unattributed(reading: _WordReading) -> tuple[str, ...]:
    """The text of blocks given to no clause, but for the title."""
    title = reading.accepted.draft.title
    return tuple(
        block.text
        for block, owner in zip(reading.accepted_blocks, reading.accepted.owners, strict=True)
        if owner is None and block.text.strip() and block.text != title and block.kind != "title"
    )


def _word_comments(root: etree._Element | None) -> dict[str, tuple[str, str]]:
    """word/comments.xml: each comment's id → (author, text), paragraphs one per line."""
    comments = {}
    for comment in [] if root is None else root.iter(_w("comment")):
        paragraphs = [" ".join("".join(t.text or "" for t in p.iter(_w("t"))).split()) for p in comment.iter(_w("p"))]
        text = _printable("\n".join(p for p in paragraphs if p))
        author = " ".join((comment.get(_w("author")) or "").split())[:200]
        comments[comment.get(_w("id"), "")] = (author, text)
    return comments
