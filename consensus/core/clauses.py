"""A draft's clauses as found in a file or typed text, before they are saved: the values the importer
produces and the secretariat corrects (merge, split, renumber, change a heading) before saving."""

from __future__ import annotations

from dataclasses import dataclass


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
    notes: tuple[str, ...] = ()
