"""Alternatives in a clause: the bracketed or labelled passages a negotiating text offers as
choices, and the clause with one set of them resolved.

Pure. Negotiators write alternatives in three shapes, and each is one **set**:

- two or more adjacent bracketed passages, side by side or joined by ``/`` or ``or``:
  ``within [24 hours] [72 hours]``, ``[shall] / [should]``, ``[shall][should]``;
- passages labelled as alternatives, each at the start of a paragraph or one after the other in
  a paragraph: ``Alt 1: … Alt 2: …``, ``Alternative 1``, ``Option A: … Option B: …``,
  ``Variant 1`` (UNFCCC and BBNJ texts write "Option 1"/"Alt 1", EU and ISO drafts "Option A";
  the labels of one set use one word and count on from 1 or from A, "Alt 1 / Alt 2" included);
- a lone bracketed passage: ``States [should] cooperate``. Following UN practice, text in square
  brackets is text not yet agreed, and what is left to decide is whether it stays: a lone
  bracket is therefore a set of two options, keep the text (A) or delete it (B). Treating it so
  lets the chair settle a bracket with the same options round, and the document page shows it
  for what it is rather than as agreed text with stray brackets.

What is not a set: brackets inside brackets (``[States [shall] act]``: which bracket a choice
resolves would be a guess, so nothing on that line is taken as a set), brackets that do not pair
up on their line (a missing ``]`` is not mistaken for a passage), empty brackets, and lone
passages that are not text to negotiate: footnote and reference marks (``[1]``, ``[a]``), an
ellipsis (``[...]``) and ``[sic]``. Side by side, figures are alternatives like any others
(``within [24][72] hours``). Labels around brackets (``Alt 1: [a] [b] Alt 2: c``) leave the brackets the set.
A slash inside one bracket (``[shall/should]``) is left alone: "and/or" is written
the same way.

Each set has its index in the clause (1, 2, … in reading order, stable for the same text), its
options labelled A, B, … with their character spans, and ``resolve`` gives the clause with a set
replaced by one option: brackets and labels removed, and for a deletion one space taken out so no
double space or space before punctuation is left. Nothing outside the set is touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

SetKind = Literal["brackets", "bracketed", "labelled"]
"""``brackets``: adjacent bracketed passages; ``bracketed``: a lone bracket (keep or delete);
``labelled``: passages labelled Alt 1, Option A, …"""

LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_OPTIONS = len(LABELS)
"""A set of more options than there are letters is not a set (no real text has one)."""


@dataclass(frozen=True, slots=True)
class Option:
    """One alternative of a set: its letter, its text (what the clause says if it is chosen; empty
    for a deletion) and where that text is in the clause (start == end for a deletion)."""

    label: str
    text: str
    start: int
    end: int

    @property
    def deletes(self) -> bool:
        return not self.text


@dataclass(frozen=True, slots=True)
class AlternativeSet:
    """A set of alternatives in a clause: its index (from 1), its kind, the span of the clause it
    covers (brackets, separators and labels included) and its options."""

    index: int
    kind: SetKind
    start: int
    end: int
    options: tuple[Option, ...]

    def option(self, number: int) -> Option | None:
        """Option ``number`` (from 1), or None."""
        return self.options[number - 1] if 1 <= number <= len(self.options) else None


_SEPARATOR = re.compile(r"[ \t]*(?:(?:/|\bor\b)[ \t]*)?", re.IGNORECASE)
_NOT_NEGOTIATED = re.compile(r"\s*(?:\d+|[a-z]|[ivx]+|\.\.\.|…|sic)?\s*", re.IGNORECASE)
_LABEL = re.compile(
    r"(?<![\w])(?P<word>Alt\.?|Alternative|Option|Variant)[ \t]+(?P<mark>\d{1,2}|[A-Z])\b"
    r"[ \t]*[:.)\u2013\u2014-]?[ \t]*",
)


def find_alternatives(text: str) -> tuple[AlternativeSet, ...]:
    """Every set of alternatives in a clause's text, in reading order, numbered from 1."""
    found: list[tuple[SetKind, int, int, tuple[Option, ...]]] = []
    offset = 0
    for line in text.split("\n"):
        found += _bracket_sets(line, offset)
        offset += len(line) + 1
    taken = [(start, end) for _kind, start, end, _options in found]
    found += [s for s in _labelled_sets(text) if not any(s[1] < end and start < s[2] for start, end in taken)]
    ordered = sorted(found, key=lambda s: s[1])
    return tuple(
        AlternativeSet(index, kind, start, end, _lettered(options))
        for index, (kind, start, end, options) in enumerate(ordered, start=1)
    )


def _lettered(options: tuple[Option, ...]) -> tuple[Option, ...]:
    return tuple(Option(LABELS[i], o.text, o.start, o.end) for i, o in enumerate(options))


def _passages(line: str) -> list[tuple[int, int]] | None:
    """The bracketed passages of a line as (position of ``[``, position after ``]``), or None if
    its brackets nest or do not pair up."""
    passages, opened = [], -1
    for position, char in enumerate(line):
        if char == "[":
            if opened >= 0:
                return None
            opened = position
        elif char == "]":
            if opened < 0:
                return None
            passages.append((opened, position + 1))
            opened = -1
    return None if opened >= 0 else passages


def _negotiated(line: str, passage: tuple[int, int]) -> bool:
    return _NOT_NEGOTIATED.fullmatch(line, passage[0] + 1, passage[1] - 1) is None


def _bracket_sets(line: str, offset: int) -> list[tuple[SetKind, int, int, tuple[Option, ...]]]:
    passages = [p for p in _passages(line) or [] if line[p[0] + 1 : p[1] - 1].strip()]
    runs: list[list[tuple[int, int]]] = []
    for passage in passages:
        if runs and _joined(line, runs[-1][-1][1], passage[0]):
            runs[-1].append(passage)
        else:
            runs.append([passage])
    # Side by side, even figures are alternatives ("within [24][72] hours"); alone, a mark is not.
    kept = [run for run in runs if len(run) > 1 or _negotiated(line, run[0])]
    return [_bracket_set(line, offset, run) for run in kept if len(run) <= MAX_OPTIONS]


def _joined(line: str, after: int, before: int) -> bool:
    """Whether only a separator (spaces, ``/``, ``or``) stands between two passages."""
    return _SEPARATOR.fullmatch(line, after, before) is not None


def _bracket_set(line: str, offset: int, run: list[tuple[int, int]]) -> tuple[SetKind, int, int, tuple[Option, ...]]:
    options = tuple(_inside(line, offset, start, end) for start, end in run)
    start, end = offset + run[0][0], offset + run[-1][1]
    if len(run) == 1:
        return "bracketed", start, end, (*options, Option("", "", start, start))
    return "brackets", start, end, options


def _inside(line: str, offset: int, start: int, end: int) -> Option:
    """A bracketed passage's text, without its brackets and the spaces just inside them."""
    inner = line[start + 1 : end - 1]
    lead = len(inner) - len(inner.lstrip())
    text = inner.strip()
    return Option("", text, offset + start + 1 + lead, offset + start + 1 + lead + len(text))


def _labelled_sets(text: str) -> list[tuple[SetKind, int, int, tuple[Option, ...]]]:
    """Runs of labels counting on (Alt 1, Alt 2, …) with one word, each option running to the
    next label or the end of its paragraph."""
    sets: list[tuple[SetKind, int, int, tuple[Option, ...]]] = []
    run: list[re.Match[str]] = []
    for label in _LABEL.finditer(text):
        if run and _follows(run[-1], label):
            run.append(label)
            continue
        sets += _labelled_set(text, run)
        run = [label] if _first_mark(label) else []
    sets += _labelled_set(text, run)
    return sets


def _word(label: re.Match[str]) -> str:
    return label["word"].rstrip(".").lower()


def _first_mark(label: re.Match[str]) -> bool:
    return label["mark"] in ("1", "A")


def _follows(previous: re.Match[str], label: re.Match[str]) -> bool:
    if _word(previous) != _word(label):
        return False
    before, mark = previous["mark"], label["mark"]
    if before.isdigit() and mark.isdigit():
        return int(mark) == int(before) + 1
    return before.isalpha() and mark.isalpha() and ord(mark) == ord(before) + 1


def _labelled_set(text: str, run: list[re.Match[str]]) -> list[tuple[SetKind, int, int, tuple[Option, ...]]]:
    if not 2 <= len(run) <= MAX_OPTIONS:
        return []
    options = []
    for i, label in enumerate(run):
        start = label.end()
        end = run[i + 1].start() if i + 1 < len(run) else _paragraph_end(text, start)
        options.append(_trimmed(text, start, end))
    if any(not option.text for option in options):
        return []
    return [("labelled", run[0].start(), options[-1].end, tuple(options))]


def _paragraph_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _trimmed(text: str, start: int, end: int) -> Option:
    """An option's text between two labels, without the spaces and the ``/``, ``;`` or ``or``
    that join it to the next."""
    chunk = text[start:end]
    stripped = re.sub(r"(?:\s*(?:/|;|\bor\b))?\s*\Z", "", chunk, flags=re.IGNORECASE)
    lead = len(stripped) - len(stripped.lstrip())
    body = stripped.strip()
    return Option("", body, start + lead, start + lead + len(body))


def resolve(text: str, alternatives: AlternativeSet, number: int) -> str:
    """The clause's text with ``alternatives`` replaced by its option ``number`` (from 1): brackets,
    separators and labels gone. A deletion also takes out one space beside the set, so neither a
    double space nor a space before punctuation is left. Nothing else changes."""
    option = alternatives.option(number)
    if option is None:
        raise ValueError(f"set {alternatives.index} has no option {number}")
    start, end = alternatives.start, alternatives.end
    if option.deletes:
        start, end = _deletion_span(text, start, end)
    elif option.text[0] in ",.;:" and text[start - 1 : start] == " ":
        start -= 1  # "should [, as appropriate,] cooperate" keeps no space before its comma
    return text[:start] + option.text + text[end:]


def _deletion_span(text: str, start: int, end: int) -> tuple[int, int]:
    before = text[start - 1] if start > 0 else "\n"
    after = text[end] if end < len(text) else "\n"
    if before in " \t" and (after in " \t\n" or after in ",.;:!?)"):
        return start - 1, end
    if after in " \t" and before in "\n(":
        return start, end + 1
    return start, end


def resolve_all(text: str, choices: Sequence[tuple[AlternativeSet, int]]) -> str:
    """The text with several sets resolved, each to its option (sets of one text, distinct): from
    the last to the first, so that each set's span still holds when it is resolved."""
    for alternatives, number in sorted(choices, key=lambda choice: choice[0].start, reverse=True):
        text = resolve(text, alternatives, number)
    return text


def set_in(text: str, index: int) -> AlternativeSet | None:
    """Set ``index`` (from 1) of the text, or None."""
    sets = find_alternatives(text)
    return sets[index - 1] if 1 <= index <= len(sets) else None
