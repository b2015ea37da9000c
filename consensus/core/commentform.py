"""The ISO/IEC commenting template ("Template for comments and secretariat observations", version
2012-03): its columns, once for the Word form, the spreadsheet and the CSV, and the reading of its
cells back (headings as national bodies type them, clause references, types of comment).

In the template the column headings carry footnote marks and examples ("MB/NC¹", "Line number
(e.g. 17)"); Form 13B of 2001 and ISO's online tool word them a little differently ("MB", "Comment
(justification for change)", "Secretariat observations on each comment submitted"): a heading is
recognised by its words, not by its exact spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

ISO_TYPE = {"general": "ge", "technical": "te", "editorial": "ed"}
"""A comment's kind → the template's type of comment."""
KIND_OF_TYPE = {
    **{code: kind for kind, code in ISO_TYPE.items()},
    **{kind: kind for kind in ISO_TYPE},
}
"""What may stand in the "Type of comment" column (code or word, any case) → the comment's kind."""


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row of the template, as text: what a file holds and what an export writes."""

    mb: str = ""
    line: str = ""
    clause: str = ""
    paragraph: str = ""
    type: str = ""
    comments: str = ""
    proposed_change: str = ""
    observations: str = ""
    comment_id: str = ""
    version: str = ""

    def blank(self) -> bool:
        """Nothing a comment could be made of: the template's empty rows, a row of borders."""
        return not any((self.clause, self.type, self.comments, self.proposed_change, self.paragraph))


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the ``FormRow`` field it holds, its heading as the template spells it (without
    footnote marks), the example the Word form prints under it, its width in the Word form
    (twentieths of a point, the template's own grid) and in a spreadsheet (characters), and the
    starts of the squashed headings (see ``squash``) that name it in a file."""

    key: str
    heading: str
    example: str
    form_width: int
    sheet_width: int
    names: tuple[str, ...]
    in_form: bool = True
    """A column of the template itself; the others (our ids) are added to the spreadsheets only."""


COLUMNS: tuple[Column, ...] = (
    Column("mb", "MB/NC", "", 606, 10, ("mb", "nc", "memberbody", "nationalbody", "country")),
    Column("line", "Line number", "(e.g. 17)", 908, 8, ("line",)),
    Column("clause", "Clause/Subclause", "(e.g. 3.1)", 1209, 12, ("clause", "subclause", "section", "article")),
    Column("paragraph", "Paragraph/Figure/Table", "(e.g. Table 1)", 1209, 16, ("paragraph", "figure", "table")),
    Column("type", "Type of comment", "", 1115, 9, ("typeof", "type", "kind")),
    Column("comments", "Comments", "", 4177, 60, ("comment", "justification")),
    Column("proposed_change", "Proposed change", "", 4233, 60, ("proposed", "proposal", "change")),
    Column(
        "observations", "Observations of the secretariat", "", 2419, 40, ("observation", "secretariat", "disposition")
    ),
    Column("comment_id", "Comment ID", "", 0, 11, ("commentid", "id"), in_form=False),
    Column("version", "Version", "", 0, 8, ("version",), in_form=False),
)
"""Every column, in the template's order; the Word form has those ``in_form``."""
FORM_COLUMNS = tuple(column for column in COLUMNS if column.in_form)
REQUIRED = ("clause", "type", "comments")
"""The columns a header row must have to be the template's (the rest may be missing)."""
# "Comment ID" must be told from "Comments" before the looser start "comment" is tried.
_MATCH_ORDER = sorted(COLUMNS, key=lambda column: column.key != "comment_id")
assert {f.name for f in fields(FormRow)} == {column.key for column in COLUMNS}


def cells(row: FormRow, columns: Sequence[Column] = COLUMNS) -> list[str]:
    """A row's cells in the order of ``columns``."""
    return [getattr(row, column.key) for column in columns]


def squash(heading: str) -> str:
    """A heading reduced to its words: no case, footnote marks, examples, spaces or hyphens
    ("Type of com-ment²" → "typeofcomment", "Clause/ Subclause (e.g. 3.1)" → "clause/subclause")."""
    text = unicodedata.normalize("NFKC", heading).casefold()
    text = re.sub(r"\(\s*e\.\s*g\..*?\)", "", text, flags=re.DOTALL)
    return re.sub(r"[^a-z/]", "", text).strip("/")


def column_of(heading: str) -> str | None:
    """The key of the column a heading names, or None."""
    squashed = squash(heading)
    if not squashed:
        return None
    for column in _MATCH_ORDER:
        if any(squashed.startswith(name) for name in column.names):
            return column.key
    return None


def header_positions(row: Sequence[str]) -> dict[str, int] | None:
    """Where each column is, if this row is the template's header row (it names at least the
    clause, the type and the comment); the first cell naming a column wins."""
    positions: dict[str, int] = {}
    for index, heading in enumerate(row):
        key = column_of(heading)
        if key is not None:
            positions.setdefault(key, index)
    return positions if all(key in positions for key in REQUIRED) else None


def form_row(values: Sequence[str], positions: Mapping[str, int]) -> FormRow:
    """A row of a file read through the header's positions (missing cells are empty)."""
    return FormRow(**{key: values[index].strip() if index < len(values) else "" for key, index in positions.items()})


_CLAUSE_WORDS = re.compile(r"^(?:sub-?clause|clause|section|article|art\.|§)\s*", re.IGNORECASE)


def clause_number(reference: str, numbers: Sequence[str]) -> str | None:
    """The clause among ``numbers`` that a "Clause/Subclause" cell names ("3", "3.", "Clause 3",
    "3.2"), or None."""
    text = _CLAUSE_WORDS.sub("", unicodedata.normalize("NFKC", reference).strip()).strip().rstrip(".").strip()
    if not text:
        return None
    by_key = {number.strip().rstrip(".").casefold(): number for number in numbers}
    return by_key.get(text.casefold())


def comment_kind(type_of_comment: str) -> str | None:
    """The comment's kind that a "Type of comment" cell says ("ge", "TE", "editorial"), or None."""
    return KIND_OF_TYPE.get(unicodedata.normalize("NFKC", type_of_comment).strip().rstrip(".").casefold())


def mb_code(cell: str) -> str:
    """The member body's code at the head of an MB/NC cell: "KEN", or "US" of "US-001"."""
    return re.split(r"[\s\-–_/]", cell.strip(), maxsplit=1)[0].upper()


def paragraph_with_line(paragraph: str, line: str) -> str:
    """The "Paragraph/Figure/Table" of a comment, with the "Line number" folded in (a comment has
    no line number of its own): "2, line 17"."""
    if not line:
        return paragraph
    return f"{paragraph}, line {line}" if paragraph else f"line {line}"
