"""Clause numbers: their depth, and numbering a sequence of clauses afresh."""

from __future__ import annotations

import string
from collections.abc import Sequence


def depth(number: str) -> int:
    """0 for ``3``, 1 for ``3.2``, 2 for ``3.2.1``."""
    return number.count(".")


def _letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def _segment(n: int, alphabetic: bool) -> str:
    return _letters(n) if alphabetic else str(n)


def renumber(templates: Sequence[str]) -> list[str]:
    """Fresh numbers for clauses in document order.

    ``templates`` gives, for each clause, a number of the shape it should have: its old number,
    or for an inserted clause the number of the clause it follows. The depth and the style of each
    level (digits or letters, as in ``Annex A.1``) come from it; the counting is done afresh, so
    gaps left by deletions close and insertions push later clauses down.
    """
    # One counter per level and style: numbered clauses and lettered annexes count separately.
    counters: list[dict[bool, int]] = []
    current: list[tuple[bool, int]] = []  # the number of the clause above at each level
    numbers: list[str] = []
    for template in templates:
        parts = template.split(".")
        level = len(parts) - 1
        styles = [part.isalpha() for part in parts]
        while len(counters) <= level:
            counters.append({})
        # A clause deeper than anything before it starts its missing parents at 1.
        while len(current) < level:
            parent = len(current)
            counters[parent][styles[parent]] = counters[parent].get(styles[parent], 0) or 1
            current.append((styles[parent], counters[parent][styles[parent]]))
        counters[level][styles[level]] = counters[level].get(styles[level], 0) + 1
        current[level:] = [(styles[level], counters[level][styles[level]])]
        for deeper in counters[level + 1 :]:
            deeper.clear()
        numbers.append(".".join(_segment(n, alphabetic) for alphabetic, n in current[: level + 1]))
    return numbers
