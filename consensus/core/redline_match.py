"""Matching the clauses read from a delegate's Word file to the version's clauses, and the
amendments the differences make.

A read clause is matched to a clause of the version by number and by text: the alignment keeps
both in document order and prefers, in this order, clauses whose text is the same (whatever their
number: a clause inserted with automatic numbering renumbers every clause after it), clauses with
the same number (their text was changed), and clauses whose words are mostly the same (a clause
renumbered and edited). Then a matched clause whose text or heading differs is a ``replace``, a
clause of the version the file lacks a ``delete``, and a read clause matching none an ``insert``
after the matched clause before it. Whitespace and Word's typographic habits (non-breaking spaces,
soft hyphens, curly quotes) are not changes. Pure: plain values in, plain values out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from consensus.core.clauses import DraftClause
from consensus.core.refusal import Refusal
from consensus.core.tally import Phrase
from consensus.i18n import N_

Kind = Literal["replace", "insert", "delete"]

SIMILAR = 0.5
"""The share of words two clauses with different numbers must have in common to be matched."""
ENOUGH = 0.5
"""The share of the version's clauses a file must match to be taken as a text of that version."""

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_TYPOGRAPHIC = str.maketrans(
    {
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
        "\u2011": "-",
    }
)  # fmt: skip
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


def cleaned(text: str) -> str:
    """A read text without the characters a reader does not see (soft hyphens, zero-width spaces),
    each line's whitespace collapsed: what is proposed."""
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text.translate(_INVISIBLE)):
        lines = [" ".join(line.split()) for line in paragraph.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def normalized(text: str) -> str:
    """A text as compared: ``cleaned``, with typographic variants (non-breaking spaces, curly
    quotes, non-breaking hyphens) made plain."""
    return cleaned(text.translate(_TYPOGRAPHIC))


def _words(clause: DraftClause) -> Counter[str]:
    return Counter(re.findall(r"\w+", normalized(f"{clause.heading} {clause.text}").casefold()))


def similarity(a: Counter[str], b: Counter[str]) -> float:
    """The share of words two texts have in common (Dice's coefficient on their words, 0 to 1)."""
    total = sum(a.values()) + sum(b.values())
    if not total:
        return 1.0
    return 2 * sum((a & b).values()) / total


@dataclass(frozen=True, slots=True)
class FoundAmendment:
    """An amendment the file makes to the version."""

    kind: Kind
    clause: str
    """The number of the version's clause it amends, deletes, or inserts after."""
    number: str
    """The clause's number in the file ('' for a deletion)."""
    heading: str | None
    """The new heading: None keeps the clause's (replace) or for a deletion."""
    text: str
    read: int | None
    """The index of the read clause it comes from (None for a deletion)."""
    current: int
    """The index of the version's clause it amends (or inserts after)."""


@dataclass(frozen=True, slots=True)
class UnmatchedClause:
    """Text of the file that becomes no amendment, and why."""

    read: int
    number: str
    text: str
    reason: Phrase


@dataclass(frozen=True, slots=True)
class RedlineMatch:
    """What a file's clauses are, against the version's."""

    pairs: Mapping[int, int]
    """Read clause index → the version's clause index it was matched to."""
    amendments: tuple[FoundAmendment, ...]
    unmatched: tuple[UnmatchedClause, ...]
    similar: int
    """How many of the version's clauses the file holds the same or mostly the same."""


def _key(clause: DraftClause) -> tuple[str, str]:
    return normalized(clause.heading), normalized(clause.text)


def _same(a: DraftClause, b: DraftClause) -> bool:
    return _key(a) == _key(b)


class _Scorer:
    """How well a read clause stands for a clause of the version (None: it does not)."""

    def __init__(
        self,
        read: Sequence[DraftClause],
        current: Sequence[DraftClause],
        fresh: frozenset[int] = frozenset(),
        gone: frozenset[int] = frozenset(),
    ) -> None:
        self.read, self.current = read, current
        self.fresh, self.gone = fresh, gone
        self.read_words = [_words(c) for c in read]
        self.current_words = [_words(c) for c in current]
        self.read_sizes = [sum(w.values()) for w in self.read_words]
        self.current_sizes = [sum(w.values()) for w in self.current_words]
        self.read_keys = [_key(c) for c in read]
        self.current_keys = [_key(c) for c in current]

    def same(self, r: int, c: int) -> bool:
        return self.read_keys[r] == self.current_keys[c]

    def similarity(self, r: int, c: int) -> float:
        return similarity(self.read_words[r], self.current_words[c])

    def score(self, r: int, c: int) -> float | None:
        if r in self.fresh or c in self.gone:
            return None
        same_number = self.read[r].number == self.current[c].number
        if self.same(r, c):
            return 3.5 if same_number else 3.0
        if same_number:
            return 0.5 + self.similarity(r, c)
        small, large = sorted((self.read_sizes[r], self.current_sizes[c]))
        if large and 2 * small / (small + large) < SIMILAR:  # cannot reach SIMILAR: skip counting
            return None
        found = self.similarity(r, c)
        return found if found >= SIMILAR else None


def align(scorer: _Scorer) -> dict[int, int]:
    """The pairs (read index → current index), in order on both sides, that score best in all."""
    n, m = len(scorer.read), len(scorer.current)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for r in range(1, n + 1):
        row, above = best[r], best[r - 1]
        for c in range(1, m + 1):
            score = scorer.score(r - 1, c - 1)
            row[c] = max(above[c], row[c - 1], above[c - 1] + score if score is not None else 0.0)
    pairs: dict[int, int] = {}
    r, c = n, m
    while r and c:
        score = scorer.score(r - 1, c - 1)
        if score is not None and best[r][c] == best[r - 1][c - 1] + score:
            pairs[r - 1] = c - 1
            r, c = r - 1, c - 1
        elif best[r][c] == best[r - 1][c]:
            r -= 1
        else:
            c -= 1
    return dict(sorted(pairs.items()))


def match_redline(
    read: Sequence[DraftClause],
    current: Sequence[DraftClause],
    unnumbered: frozenset[int] = frozenset(),
    *,
    fresh: frozenset[int] = frozenset(),
    gone: frozenset[int] = frozenset(),
) -> RedlineMatch:
    """The amendments that turn ``current`` into ``read``, in document order, and the read text
    that becomes none. ``unnumbered`` are the read clauses the file did not number (text before the
    first clause): matching no clause, they are listed, not proposed. ``fresh`` read clauses (made
    of tracked insertions) and ``gone`` clauses of the version (tracked as deleted whole) are
    matched to none: they are inserted and deleted, whatever their numbers."""
    scorer = _Scorer(read, current, fresh, gone)
    pairs = align(scorer)
    matched = set(pairs.values())
    amendments: list[FoundAmendment] = []
    unmatched: list[UnmatchedClause] = []
    deleted_upto = 0
    preceding: int | None = None
    for r, clause in enumerate(read):
        c = pairs.get(r)
        if c is not None:
            amendments.extend(_deletions(current, matched, deleted_upto, c))
            deleted_upto = c + 1
            preceding = c
            if not _same(clause, current[c]):
                amendments.append(_replacement(r, clause, c, current[c]))
        elif r in unnumbered:
            unmatched.append(
                UnmatchedClause(r, "", cleaned(_joined(clause)), Phrase(N_("It is not numbered as a clause.")))
            )
        elif preceding is None:
            reason = Phrase(N_("It comes before the first clause: an amendment inserts a clause after another."))
            unmatched.append(UnmatchedClause(r, clause.number, cleaned(_joined(clause)), reason))
        else:
            after = current[preceding].number
            heading = cleaned(clause.heading) or None
            amendments.append(
                FoundAmendment("insert", after, clause.number, heading, cleaned(clause.text), r, preceding)
            )
    amendments.extend(_deletions(current, matched, deleted_upto, len(current)))
    similar = sum(1 for r, c in pairs.items() if scorer.same(r, c) or scorer.similarity(r, c) >= SIMILAR)
    return RedlineMatch(pairs, tuple(amendments), tuple(unmatched), similar)


def _joined(clause: DraftClause) -> str:
    return f"{clause.heading}\n\n{clause.text}" if clause.heading else clause.text


def _deletions(current: Sequence[DraftClause], matched: set[int], start: int, end: int) -> list[FoundAmendment]:
    return [
        FoundAmendment("delete", current[c].number, "", None, "", None, c)
        for c in range(start, end)
        if c not in matched
    ]


def _replacement(r: int, clause: DraftClause, c: int, was: DraftClause) -> FoundAmendment:
    heading = None if normalized(clause.heading) == normalized(was.heading) else cleaned(clause.heading)
    text = cleaned(clause.text)
    if normalized(text) == normalized(was.text):
        text = was.text  # only the heading changed: the text stays exactly as it is
    return FoundAmendment("replace", was.number, clause.number, heading, text, r, c)


def other_text_refusal(
    found: RedlineMatch, current_count: int, version: int, earlier: Mapping[int, int] | None = None, same: int = 0
) -> Refusal | None:
    """Why the file is not taken as a text of version ``version``, or None: it matches too few of
    its clauses (another document), or it holds more clauses of an earlier version unchanged than
    of this one (``earlier``: version → clauses the same; ``same``: clauses the same as this one's)."""
    values = {"n": version, "similar": found.similar, "count": current_count}
    if current_count and found.similar < max(1, ENOUGH * current_count):
        return Refusal(
            "invalid",
            Phrase(
                N_(
                    "This file does not look like version {n} of this document: only {similar} of its "
                    "{count} clauses are found in it. Make the changes in a copy of version {n}."
                ),
                values,
            ),
            "file",
        )
    closer = max((earlier or {}).items(), key=lambda item: (item[1], item[0]), default=None)
    if closer is not None and closer[1] > same:
        return Refusal(
            "invalid",
            Phrase(
                N_(
                    "This file is of version {old}, not of the current version {n}: make the changes "
                    "in a copy of version {n}."
                ),
                {**values, "old": closer[0]},
            ),
            "file",
        )
    return None


def same_clauses(read: Sequence[DraftClause], clauses: Sequence[DraftClause]) -> int:
    """How many of ``clauses`` are found unchanged in ``read`` (in any order)."""
    texts = Counter((normalized(c.heading), normalized(c.text)) for c in read)
    found = 0
    for clause in clauses:
        key = (normalized(clause.heading), normalized(clause.text))
        if texts[key]:
            texts[key] -= 1
            found += 1
    return found
