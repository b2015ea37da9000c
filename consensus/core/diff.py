"""Word-level differences between two texts, as segments a page can show."""

from __future__ import annotations

import re
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
    ``insert`` gives ``new``.
    """
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    segments: list[Segment] = []
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
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


def old_text(diff: TextDiff) -> str:
    return "".join(s.text for s in diff.segments if s.op != "insert")


def new_text(diff: TextDiff) -> str:
    return "".join(s.text for s in diff.segments if s.op != "delete")
