"""Word-level differences between two texts, as segments a page can show."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "insert", "delete"]

# Words, runs of whitespace, and single punctuation marks are the units of change.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text that is unchanged, inserted or deleted."""

    op: Op
    text: str


@dataclass(frozen=True, slots=True)
class TextDiff:
    """The segments that turn the old text into the new one, and how many words changed."""

    segments: tuple[Segment, ...]
    inserted_words: int
    deleted_words: int

    @property
    def changed(self) -> bool:
        return self.inserted_words > 0 or self.deleted_words > 0 or any(s.op != "equal" for s in self.segments)


def tokens(text: str) -> list[str]:
    """Split text into words, whitespace and punctuation, losing nothing."""
    return _TOKENS.findall(text)


def _words(parts: list[str]) -> int:
    return sum(1 for part in parts if not part.isspace())


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def word_diff(old: str, new: str) -> TextDiff:
    """The word-level difference between ``old`` and ``new``.

    Joining the ``equal`` and ``delete`` segments gives ``old`` back; joining ``equal`` and
    ``insert`` gives ``new``. Long texts cost about linear time (see ``SMALL``), not quadratic.
    """
    a, b = tokens(old), tokens(new)
    segments: list[Segment] = []
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            _append(segments, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(segments, "delete", "".join(a[i1:i2]))
            deleted += _words(a[i1:i2])
        if tag in ("insert", "replace"):
            _append(segments, "insert", "".join(b[j1:j2]))
            inserted += _words(b[j1:j2])
    return TextDiff(tuple(segments), inserted, deleted)


# SequenceMatcher compares every token of one side with every equal token of the other (spaces
# above all), so its cost grows with the product of the lengths: beyond this many pairs a long
# text is first cut at stretches that occur once in each text, and only the gaps between them
# (small by then) go to SequenceMatcher. A gap still too long with no such stretch is shown as
# replaced as a whole: coarser, never slow.
SMALL = 40_000
ANCHOR_LENGTHS = (1, 8, 32)
"""Stretches tried as anchors, in tokens: single words first, then runs of about 4 and 16 words."""

Opcode = tuple[str, int, int, int, int]


def _opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    if len(a) * len(b) <= SMALL:
        return list(SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes())
    opcodes: list[Opcode] = []
    # An explicit stack keeps the output in order without recursion (gaps can nest deeply).
    pending: list[Opcode] = [("gap", 0, len(a), 0, len(b))]
    while pending:
        tag, i1, i2, j1, j2 = pending.pop()
        if tag != "gap":
            opcodes.append((tag, i1, i2, j1, j2))
        else:
            pending.extend(reversed(_split(a, b, i1, i2, j1, j2)))
    return opcodes


def _split(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[Opcode]:
    """One gap as opcodes, some of them smaller gaps still to split."""
    head = 0
    while i1 + head < i2 and j1 + head < j2 and a[i1 + head] == b[j1 + head]:
        head += 1
    tail = 0
    while i2 - tail > i1 + head and j2 - tail > j1 + head and a[i2 - tail - 1] == b[j2 - tail - 1]:
        tail += 1
    parts: list[Opcode] = []
    if head:
        parts.append(("equal", i1, i1 + head, j1, j1 + head))
    parts += _middle(a, b, i1 + head, i2 - tail, j1 + head, j2 - tail)
    if tail:
        parts.append(("equal", i2 - tail, i2, j2 - tail, j2))
    return parts


def _middle(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[Opcode]:
    if i1 == i2 and j1 == j2:
        return []
    if i1 == i2:
        return [("insert", i1, i2, j1, j2)]
    if j1 == j2:
        return [("delete", i1, i2, j1, j2)]
    if (i2 - i1) * (j2 - j1) <= SMALL:
        matcher = SequenceMatcher(a=a[i1:i2], b=b[j1:j2], autojunk=False)
        return [(tag, i1 + p1, i1 + p2, j1 + q1, j1 + q2) for tag, p1, p2, q1, q2 in matcher.get_opcodes()]
    for length in ANCHOR_LENGTHS:
        anchors = _anchors(a, b, i1, i2, j1, j2, length)
        if anchors:
            parts: list[Opcode] = []
            i, j = i1, j1
            for p, q in anchors:
                parts.append(("gap", i, p, j, q))
                parts.append(("equal", p, p + length, q, q + length))
                i, j = p + length, q + length
            parts.append(("gap", i, i2, j, j2))
            return parts
    return [("replace", i1, i2, j1, j2)]


def _unique(seq: list[str], lo: int, hi: int, length: int) -> dict[tuple[str, ...], int]:
    """Where each stretch of ``length`` tokens that occurs exactly once in ``seq[lo:hi]`` starts."""
    seen: dict[tuple[str, ...], int] = {}
    repeated: set[tuple[str, ...]] = set()
    for start in range(lo, hi - length + 1):
        stretch = tuple(seq[start : start + length])
        if stretch in seen:
            repeated.add(stretch)
        else:
            seen[stretch] = start
    return {stretch: start for stretch, start in seen.items() if stretch not in repeated}


def _anchors(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int, length: int) -> list[tuple[int, int]]:
    """Stretches found once in each side, in the same order on both sides and not overlapping
    (patience diff: the longest increasing run of their positions)."""
    in_a = _unique(a, i1, i2, length)
    if not in_a:
        return []
    in_b = _unique(b, j1, j2, length)
    pairs = [(p, in_b[s]) for s, p in in_a.items() if s in in_b]
    pairs.sort()
    # Longest increasing subsequence of the positions in b, by patience sorting.
    tops: list[int] = []
    top_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_p, q) in enumerate(pairs):
        pile = bisect_left(tops, q)
        if pile == len(tops):
            tops.append(q)
            top_index.append(index)
        else:
            tops[pile] = q
            top_index[pile] = index
        previous[index] = top_index[pile - 1] if pile else -1
    chain: list[tuple[int, int]] = []
    index = top_index[-1] if top_index else -1
    while index != -1:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    kept: list[tuple[int, int]] = []
    for p, q in chain:
        if not kept or (p >= kept[-1][0] + length and q >= kept[-1][1] + length):
            kept.append((p, q))
    return kept


def old_text(diff: TextDiff) -> str:
    return "".join(s.text for s in diff.segments if s.op != "insert")


def new_text(diff: TextDiff) -> str:
    return "".join(s.text for s in diff.segments if s.op != "delete")
