"""A draft's clauses as found in a file or typed text, before they are saved: the values the importer
produces and the secretariat corrects (merge, split, renumber, change a heading) before saving.

Every reader (plain text, Markdown, Word, OpenDocument) turns its file into ``Block`` values — a
heading, a paragraph, a list item or a table row, with the number a reader sees (typed, or made by
the word processor's automatic numbering) — and ``find_clauses`` finds the clauses in them the way a
person reading would. Pure: no I/O; the notes for the person checking are phrases, said in their
language where shown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from consensus.core import numbering
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_

MAX_TITLE = 300
"""The longest line read as a title (a document's title is at most this long)."""


@dataclass(frozen=True, slots=True)
class DraftClause:
    """One clause found: its number as written ("1", "3.2", "(a)", or one given), heading and text
    (paragraphs separated by a blank line; list items one per line)."""

    number: str
    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class Draft:
    """What an import found: the title and the clauses in order, and notes for the reader about what
    was changed on the way in (footnotes moved to the end of their clause, a table kept as lines)."""

    title: str
    clauses: tuple[DraftClause, ...]
    notes: tuple[Phrase, ...] = ()


BlockKind = Literal["title", "heading", "paragraph", "list_item", "table_row"]


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of a file as a reader sees it, before clauses are found.

    ``label`` is the number or marker a reader sees in front of it ("1.", "3.2", "Article 4", "(a)",
    "-" for a bullet), typed or produced by automatic numbering, and not repeated in ``text``.
    ``level`` is a heading's level (1 for the highest) or a list item's depth (0 at the outside).
    ``footnotes`` are the texts of the notes it refers to, each as "[n] text"."""

    kind: BlockKind
    text: str
    level: int = 0
    label: str = ""
    footnotes: tuple[str, ...] = ()


# --- labels ----------------------------------------------------------------------------------

_NUMERIC = re.compile(r"^(\d{1,4}(?:\.\d{1,4})*)[.)]?$")
_ARTICLE = re.compile(r"^(article|art\.|section|rule|paragraph|clause)\s+(\d{1,4}(?:\.\d{1,4})*)[.:]?$", re.IGNORECASE)
_SUB = re.compile(r"^(?:\(([a-z]{1,2}|[ivxlc]{1,6})\)|([a-z]{1,2}|[ivxlc]{1,6})\)|([a-z])\.)$", re.IGNORECASE)
BULLETS = ("-", "*", "•", "–", "+", "◦", "▪", "·")

# A typed number at the start of a line: "1.", "1)", "3.2", "3.2.1", "Article 4", "(a)", "a)", "iv)".
_TYPED = re.compile(
    r"^(?P<label>(?:article|art\.|section|rule|paragraph|clause)\s+\d{1,4}(?:\.\d{1,4})*[.:]?"
    r"|\d{1,4}(?:\.\d{1,4})+\.?|\d{1,4}[.)]"
    r"|\([a-z]{1,2}\)|\([ivxlc]{1,6}\)|[a-z]\)|[ivxlc]{1,6}\))(?:\s+|$)",
    re.IGNORECASE,
)
_BULLET_LINE = re.compile(r"^([-*•–+◦▪·])\s+")


def typed_label(line: str) -> tuple[str, str]:
    """The number typed at the start of a line and the rest: ("3.2", "States should…"); ("", line)
    when the line starts with no number. A bullet is returned as "-"."""
    match = _TYPED.match(line)
    if match:
        return match.group("label").strip(), line[match.end() :].strip()
    bullet = _BULLET_LINE.match(line)
    if bullet:
        return "-", line[bullet.end() :].strip()
    return "", line


def _is_numeric(label: str) -> bool:
    return bool(_NUMERIC.match(label) or _ARTICLE.match(label))


def _is_sub(label: str) -> bool:
    return bool(_SUB.match(label))


def _is_bullet(label: str) -> bool:
    return label in BULLETS


def clause_number(label: str) -> str:
    """The number a label gives its clause: "1." and "1)" give "1", "Article 4:" gives "4" (a clause
    number is one word: it names the clause in addresses, anchors and the record), "(a)" stays "(a)",
    "a." gives "a"."""
    numeric = _NUMERIC.match(label)
    if numeric:
        return numeric.group(1)
    article = _ARTICLE.match(label)
    if article:
        return article.group(2)
    return label.rstrip(".") if label.endswith(".") else label


# --- finding clauses -------------------------------------------------------------------------


@dataclass
class _Clause:
    """A clause being gathered: its paragraphs, each a paragraph's text or a run of lines."""

    number: str
    heading: str
    groups: list[tuple[str, list[str]]] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    has_table: bool = False

    def add(self, kind: str, line: str) -> None:
        if kind != "paragraph" and self.groups and self.groups[-1][0] == kind:
            self.groups[-1][1].append(line)
        else:
            self.groups.append((kind, [line]))

    def text(self) -> str:
        paragraphs = ["\n".join(lines) for _, lines in self.groups]
        if self.footnotes:
            paragraphs.append("\n".join(self.footnotes))
        return "\n\n".join(paragraphs)


@dataclass(frozen=True, slots=True)
class _Scheme:
    """Which labels start a clause in this document."""

    numeric_level: int | None
    """The outermost list depth at which numbers ("1.", "3.2", "Article 4") appear; None: none do."""
    sub_level: int | None
    """Where letters start clauses because the document has no numbers at all; None otherwise."""

    def starts(self, block: Block) -> bool:
        label = block.label
        if not label or _is_bullet(label):
            return False
        if _is_numeric(label) and self.numeric_level is not None:
            return block.level == self.numeric_level or "." in clause_number(label) or bool(_ARTICLE.match(label))
        if _is_sub(label) and self.sub_level is not None:
            return block.level == self.sub_level
        return False


def _scheme(blocks: Sequence[Block]) -> _Scheme:
    body = [b for b in blocks if b.kind in ("paragraph", "list_item") and b.label]
    numeric = [b.level for b in body if _is_numeric(b.label)]
    numbered_headings = any(b.kind == "heading" and _is_numeric(b.label) for b in blocks)
    if numeric:
        return _Scheme(min(numeric), None)
    sub = [b.level for b in body if _is_sub(b.label)]
    if sub and not numbered_headings:
        return _Scheme(None, min(sub))
    return _Scheme(None, None)


def _heading_label(block: Block) -> Block:
    """A heading with its number typed in its text ("1. Scope", "Article 4 — Sharing") gets it as a label."""
    if block.label:
        return block
    label, rest = typed_label(block.text)
    if label and label != "-" and _is_numeric(label):
        return replace(block, label=label, text=rest.lstrip("—–-: ").strip())
    return block


def _looks_like_title(block: Block) -> bool:
    return (
        block.kind in ("title", "heading", "paragraph")
        and not block.label
        and "\n" not in block.text
        and 0 < len(block.text) <= MAX_TITLE
        and not block.text.endswith((".", ";", ",", ":"))
    )


def _take_title(blocks: list[Block], title: str) -> tuple[str, list[Block]]:
    """The title (the one given, a block styled as the title, or a first line that looks like one)
    and the blocks left."""
    for i, block in enumerate(blocks):
        if block.kind == "title" and block.text:
            return (title or block.text), blocks[:i] + blocks[i + 1 :]
    if blocks and _looks_like_title(blocks[0]):
        first = blocks[0].text
        if not title or first.casefold() == title.casefold():
            return (title or first), blocks[1:]
    return title, blocks


class _Finder:
    """Walks the blocks once, gathering clauses."""

    def __init__(self, scheme: _Scheme) -> None:
        self.scheme = scheme
        self.clauses: list[_Clause] = []
        self.pending: list[str] = []  # unnumbered headings waiting for the clause they head

    def current(self) -> _Clause:
        if not self.clauses:
            self.clauses.append(_Clause("", " — ".join(self.pending)))
            self.pending = []
        return self.clauses[-1]

    def start(self, number: str, heading: str) -> None:
        headings = [*self.pending, heading] if heading else self.pending
        self.clauses.append(_Clause(number, " — ".join(h for h in headings if h)))
        self.pending = []

    def heading(self, block: Block, following: Block | None) -> None:
        block = _heading_label(block)
        if block.label and _is_numeric(block.label):
            self.start(clause_number(block.label), block.text)
        elif following is not None and (following.kind == "heading" or self.scheme.starts(following)):
            self.pending.append(block.text)
        else:
            self.start("", block.text)

    def body(self, block: Block) -> None:
        if self.scheme.starts(block):
            self.start(clause_number(block.label), "")
            if block.text:
                self.current().add("paragraph", block.text)
        else:
            clause = self.current() if not self.pending else self._pending_clause()
            if block.kind == "table_row":
                clause.add("table_row", block.text)
                clause.has_table = True
            elif block.label:
                marker = "-" if _is_bullet(block.label) else block.label
                clause.add("list_item", f"{marker} {block.text}".rstrip())
            else:
                clause.add(block.kind if block.kind == "list_item" else "paragraph", block.text)
        self.current().footnotes.extend(block.footnotes)

    def _pending_clause(self) -> _Clause:
        self.start("", "")
        return self.clauses[-1]


def find_clauses(blocks: Iterable[Block], title: str = "", notes: Sequence[Phrase] = ()) -> Draft:
    """The title and clauses a person reading these blocks would see, with notes on what was changed
    on the way (tables kept as lines, footnotes moved, numbers given, numbers used twice)."""
    return traced_clauses(list(blocks), title, notes).draft


@dataclass(frozen=True, slots=True)
class TracedDraft:
    """A draft and where each block went: what a reader of a redline needs to tell which clause a
    Word comment is anchored in, and which clauses the file did not number."""

    draft: Draft
    owners: tuple[int | None, ...]
    """For each block given, the index of the clause it went into; None for the title and blocks
    without text."""
    given: frozenset[int]
    """The indices of the clauses whose number the file does not hold (given on the way in)."""


def traced_clauses(blocks: Sequence[Block], title: str = "", notes: Sequence[Phrase] = ()) -> TracedDraft:
    """``find_clauses``, telling also which clause each block went into."""
    title, rest = _take_title([b for b in blocks if b.text.strip() or b.label], title.strip())
    finder = _Finder(_scheme(rest))
    owner = _walk(finder, rest)
    if finder.pending:
        for heading in finder.pending:
            finder.clauses.append(_Clause("", heading))
    gathered = [c for c in finder.clauses if c.number or c.heading or c.groups]
    index = {id(c): n for n, c in enumerate(gathered)}
    unnumbered = frozenset(n for n, c in enumerate(gathered) if not c.number)
    found = list(notes) + _number_unnumbered(gathered) + _gathering_notes(gathered)
    clauses = tuple(DraftClause(c.number, c.heading, c.text()) for c in gathered)
    owners = tuple(_owner(finder.clauses, owner.get(id(b)), index) for b in blocks)
    return TracedDraft(Draft(title, clauses, tuple(found + _duplicate_notes(clauses))), owners, unnumbered)


def _walk(finder: _Finder, rest: Sequence[Block]) -> dict[int, int]:
    """Give every block to the finder; id(block) → the index in ``finder.clauses`` it went into."""
    owner: dict[int, int] = {}
    for i, block in enumerate(rest):
        pending = len(finder.pending)
        if block.kind in ("heading", "title"):
            finder.heading(block, rest[i + 1] if i + 1 < len(rest) else None)
        else:
            finder.body(block)
        # A heading left pending heads the next clause started.
        owner[id(block)] = len(finder.clauses) if len(finder.pending) > pending else len(finder.clauses) - 1
    return owner


def _owner(clauses: Sequence[_Clause], at: int | None, index: dict[int, int]) -> int | None:
    if at is None or not 0 <= at < len(clauses):
        return None
    return index.get(id(clauses[at]))


def _gathering_notes(clauses: Sequence[_Clause]) -> list[Phrase]:
    notes = []
    for clause in clauses:
        if clause.has_table:
            notes.append(
                Phrase(
                    N_('Clause {number}: a table was kept as lines, one per row, its cells separated by " | ".'),
                    {"number": clause.number},
                )
            )
        if clause.footnotes:
            markers = ", ".join(f.split(" ", 1)[0] for f in clause.footnotes)
            notes.append(
                Phrase(
                    N_("Clause {number}: footnotes {markers} were moved to the end of the clause."),
                    {"number": clause.number, "markers": markers},
                )
            )
    return notes


def _number_unnumbered(clauses: list[_Clause]) -> list[Phrase]:
    """Give a number to clauses that have none (a preamble, an unnumbered heading), and say so."""
    missing = [c for c in clauses if not c.number]
    if not missing:
        return []
    if len(missing) == len(clauses):
        for n, clause in enumerate(clauses, start=1):
            clause.number = str(n)
        return [Phrase(N_("The file numbers no clause: they were numbered 1 to {n} in order."), {"n": len(clauses)})]
    leading = next(i for i, c in enumerate(clauses) if c.number)
    for n, clause in enumerate(clauses[:leading], start=1):
        clause.number = "0" if leading == 1 else f"0.{n}"
    top = 0
    for clause in clauses[leading:]:
        if clause.number:
            head = clause.number.split(" ")[-1].split(".")[0]
            top = int(head) if head.isdigit() else top
        else:
            top += 1
            clause.number = str(top)
    given = ", ".join(c.number for c in missing)
    return [Phrase(N_("Clauses without a number in the file were given one: {numbers}."), {"numbers": given})]


def _duplicate_notes(clauses: Sequence[DraftClause]) -> list[Phrase]:
    counts = Counter(c.number for c in clauses)
    return [
        Phrase(
            N_("Clause number {number} is used {count} times: give each clause its own number before saving."),
            {"number": number, "count": count},
        )
        for number, count in counts.items()
        if count > 1
    ]


# --- plain text and Markdown -----------------------------------------------------------------

_HEADING_END = (".", ";", ",", ":", "?", "!")
_MAX_HEADING_LINE = 80


def _heading_like(text: str) -> bool:
    return 0 < len(text) <= _MAX_HEADING_LINE and not text.endswith(_HEADING_END) and len(text.split()) <= 12


def _heads_paragraph(line: str, label: str, rest: str, following: str) -> bool:
    """A short first line without closing punctuation, followed by a line that starts a sentence
    ("Preamble" / "Recognising that…", "2. Information sharing" / "CERTs should…"), is a heading
    (a line wrapped by hand is long, or goes on in lower case)."""
    if label and not _is_numeric(label):
        return False
    words = rest if label else line
    return len(words) <= 60 and _heading_like(words) and following[:1].isupper() and not typed_label(following)[0]


def _line_blocks(paragraph: list[str]) -> list[Block]:
    """A paragraph's lines as blocks: a line with a number or a bullet starts a block, other lines
    continue the one before (text wrapped by hand); a short first line can head the paragraph."""
    blocks: list[Block] = []
    for i, raw in enumerate(paragraph):
        line = raw.strip()
        label, rest = typed_label(line)
        level = (len(raw) - len(raw.lstrip())) // 2 if label else 0
        if i == 0 and len(paragraph) > 1 and _heads_paragraph(line, label, rest, paragraph[1].strip()):
            blocks.append(Block("heading", rest if label else line, 1, label))
            blocks.append(Block("paragraph", ""))
        elif label:
            kind: BlockKind = "paragraph" if _is_numeric(label) else "list_item"
            blocks.append(Block(kind, rest, level, label))
        elif blocks:
            last = blocks[-1]
            blocks[-1] = replace(last, text=f"{last.text} {line}".strip())
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def _paragraphs(text: str) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            paragraphs[-1].append(line.rstrip().replace("\t", " "))
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def _as_heading(block: Block, following: Block, after: Block | None) -> tuple[Block, bool]:
    """``block`` read as a heading where it stands alone before body text; True when it took
    ``following`` as its heading words ("Article 4" over "Capacity building")."""
    if block.kind != "paragraph":
        return block, False
    if _heading_like(block.text):
        if not block.label:
            return Block("heading", block.text, 1), False
        if _is_numeric(block.label) and not following.label:
            return Block("heading", block.text, 1, block.label), False
    takes_next = not block.text and not following.label and _heading_like(following.text) and after is not None
    if takes_next and _is_numeric(block.label):
        return Block("heading", following.text, 1, block.label), True
    return block, False


def _plain_headings(blocks: list[Block]) -> list[Block]:
    """Short lines standing alone before body text are headings ("Preamble"); a number standing
    alone or with a short line ("Article 4", "2. Scope") before body text heads its clause."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if i + 1 < len(blocks):
            block, took = _as_heading(block, blocks[i + 1], blocks[i + 2] if i + 2 < len(blocks) else None)
            i += took
        out.append(block)
        i += 1
    return out


def text_blocks(text: str) -> list[Block]:
    """Plain text as blocks: paragraphs separated by blank lines, typed numbers and bullets, short
    lines standing alone as headings."""
    blocks: list[Block] = []
    for paragraph in _paragraphs(text):
        lines = _line_blocks(paragraph)
        if len(paragraph) == 1 or any(b.label or b.kind == "heading" for b in lines):
            blocks.extend(b for b in lines if b.text or b.label)
        else:
            blocks.append(Block("paragraph", " ".join(p.strip() for p in paragraph)))
    return _plain_headings(blocks)


def parse_plain_text(text: str, title: str = "") -> Draft:
    """The clauses of a draft typed or pasted as plain text (see ``text_blocks``)."""
    return find_clauses(text_blocks(text), title)


_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^(\s*)(?:([-*+])|(\d{1,4}[.)]))\s+(.*)$")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_MD_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _md_inline(text: str) -> str:
    return _EMPHASIS.sub(r"\2", text).strip()


def _md_item(item: re.Match[str]) -> Block:
    indent, bullet, number, rest = item.groups()
    label, text = (bullet and "-") or number, _md_inline(rest)
    sub_label, sub_rest = typed_label(text)
    if bullet and sub_label and _is_sub(sub_label):
        label, text = sub_label, sub_rest
    return Block("list_item", text, len(indent.expandtabs(4)) // 2, label)


def _md_table_row(raw: str, blocks: list[Block]) -> None:
    if not _MD_TABLE_SEPARATOR.match(raw):
        cells = [_md_inline(c) for c in raw.strip().strip("|").split("|")]
        blocks.append(Block("table_row", " | ".join(cells)))


def _md_line(raw: str, blocks: list[Block], continuing: bool) -> bool:
    """Add one Markdown line to the blocks; True when the next plain line continues this block."""
    atx = _ATX.match(raw)
    if atx:
        blocks.append(Block("heading", _md_inline(atx.group(2)), len(atx.group(1))))
        return False
    item = _MD_ITEM.match(raw)
    if item and not _MD_RULE.match(raw):
        blocks.append(_md_item(item))
        return True
    if raw.lstrip().startswith("|"):
        _md_table_row(raw, blocks)
        return False
    if continuing and blocks:
        blocks[-1] = replace(blocks[-1], text=f"{blocks[-1].text} {_md_inline(raw)}")
        return True
    label, rest = typed_label(raw.strip())
    if label and not _is_bullet(label):
        blocks.append(Block("paragraph" if _is_numeric(label) else "list_item", _md_inline(rest), 0, label))
    else:
        blocks.append(Block("paragraph", _md_inline(raw)))
    return True


def markdown_blocks(text: str) -> list[Block]:
    """Markdown as blocks: ``#`` headings (and underlined ones), numbered and bulleted lists, tables,
    paragraphs (lines wrapped by hand joined)."""
    blocks: list[Block] = []
    continuing = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip() or (_MD_RULE.match(raw) and not continuing):
            continuing = False
            continue
        underline = raw.strip()
        if continuing and blocks and blocks[-1].kind == "paragraph" and set(underline) <= {"=", "-"}:
            blocks[-1] = Block("heading", blocks[-1].text, 1 if underline[0] == "=" else 2)
            continuing = False
            continue
        continuing = _md_line(raw.rstrip().replace("\t", "    "), blocks, continuing)
    return blocks


def parse_markdown(text: str, title: str = "") -> Draft:
    """The clauses of a draft written in Markdown (see ``markdown_blocks``)."""
    return find_clauses(markdown_blocks(text), title)


# --- corrections before saving ---------------------------------------------------------------

NO_SUCH_CLAUSE = N_("There is no clause {position} in this draft.")
NOTHING_TO_MERGE = N_("Clause {number} is the last one: there is nothing after it to merge with.")
NO_SUCH_PARAGRAPH = N_("Clause {number} has no paragraph {paragraph} to split before.")


class DraftCorrectionRefused(ValueError):
    """A correction that cannot be made (a clause or paragraph that does not exist)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.phrase.text.format(**refusal.phrase.values))
        self.refusal = refusal


def _check_index(draft: Draft, index: int) -> DraftClause:
    if not 0 <= index < len(draft.clauses):
        raise DraftCorrectionRefused(Refusal("invalid", Phrase(NO_SUCH_CLAUSE, {"position": index + 1}), "clause"))
    return draft.clauses[index]


def _with_clauses(draft: Draft, clauses: Iterable[DraftClause]) -> Draft:
    return replace(draft, clauses=tuple(clauses))


def paragraphs(text: str) -> list[str]:
    """A clause's paragraphs (a run of list lines counts as one)."""
    return [p for p in text.split("\n\n") if p] if text else []


def merge_with_next(draft: Draft, index: int) -> Draft:
    """Clause ``index`` and the one after it as one clause (its number and heading, both texts)."""
    clause = _check_index(draft, index)
    if index + 1 >= len(draft.clauses):
        raise DraftCorrectionRefused(Refusal("invalid", Phrase(NOTHING_TO_MERGE, {"number": clause.number}), "clause"))
    following = draft.clauses[index + 1]
    text = "\n\n".join(t for t in (clause.text, following.text) if t)
    merged = replace(clause, text=text)
    return _with_clauses(draft, (*draft.clauses[:index], merged, *draft.clauses[index + 2 :]))


def _free_number(draft: Draft, number: str) -> str:
    taken = {c.number for c in draft.clauses}
    n = 1
    while f"{number}.{n}" in taken:
        n += 1
    return f"{number}.{n}"


def split_clause(draft: Draft, index: int, paragraph: int, number: str = "", heading: str = "") -> Draft:
    """Clause ``index`` cut in two before its paragraph ``paragraph`` (counted from 0): the paragraphs
    before it keep the clause's number and heading; the rest form a new clause after it, numbered
    ``number`` (by default the first free sub-number, "3.1" after "3") and headed ``heading``."""
    clause = _check_index(draft, index)
    parts = paragraphs(clause.text)
    if not 0 < paragraph < len(parts):
        raise DraftCorrectionRefused(
            Refusal(
                "invalid", Phrase(NO_SUCH_PARAGRAPH, {"number": clause.number, "paragraph": paragraph + 1}), "paragraph"
            )
        )
    first = replace(clause, text="\n\n".join(parts[:paragraph]))
    second = DraftClause(number or _free_number(draft, clause.number), heading, "\n\n".join(parts[paragraph:]))
    return _with_clauses(draft, (*draft.clauses[:index], first, second, *draft.clauses[index + 1 :]))


def set_heading(draft: Draft, index: int, heading: str) -> Draft:
    """The draft with clause ``index`` headed ``heading`` ('' for none)."""
    clause = _check_index(draft, index)
    clauses = list(draft.clauses)
    clauses[index] = replace(clause, heading=heading.strip())
    return _with_clauses(draft, clauses)


def set_number(draft: Draft, index: int, number: str) -> Draft:
    """The draft with clause ``index`` numbered ``number`` (``draft_refusal`` says if it clashes)."""
    clause = _check_index(draft, index)
    clauses = list(draft.clauses)
    clauses[index] = replace(clause, number=number.strip())
    return _with_clauses(draft, clauses)


_SCHEMED = re.compile(r"^(?P<prefix>[A-Za-z.]+\s+|\()?(?P<core>\d+(?:\.\d+)*|[a-zA-Z])(?P<suffix>\))?$")


def renumber(draft: Draft) -> Draft:
    """The clauses numbered afresh in order — 1, 2, 3 at each level, keeping their depth ("3.2"),
    their words ("Article 4") and their letters ("(b)"); an introduction numbered 0 stays 0, and a
    number that follows no scheme (a word) is kept as it is."""
    shapes = [_SCHEMED.match(c.number) for c in draft.clauses]
    templates = []
    for clause, shape in zip(draft.clauses, shapes, strict=True):
        if shape is not None and not clause.number.startswith("0"):
            templates.append(shape.group("core").upper())
    fresh = iter(numbering.renumber(templates))
    introduction = iter(["0"] if sum(1 for c in draft.clauses if c.number.startswith("0")) == 1 else [])
    zero = 0
    clauses = []
    for clause, shape in zip(draft.clauses, shapes, strict=True):
        if shape is None:
            clauses.append(clause)
            continue
        if clause.number.startswith("0"):
            zero += 1
            core = next(introduction, f"0.{zero}")
        else:
            core = next(fresh)
            if shape.group("core").islower():
                core = core.lower()
        number = f"{shape.group('prefix') or ''}{core}{shape.group('suffix') or ''}"
        clauses.append(replace(clause, number=number))
    return _with_clauses(draft, clauses)
