"""Whether a stated position still speaks of the text in front of the reader."""

from __future__ import annotations


def on_the_same_text(
    stated_version: int, stated_clause_text: str | None, version: int, clause_text: str | None
) -> bool:
    """Whether a position stated on version ``stated_version`` holds for ``version``.

    On a clause (``clause_text`` given): while the clause's words are those it was stated on, so a
    new version that left the clause alone, or only renumbered it, changes nothing. On the whole
    document (``clause_text`` None): for the version it was stated on only.
    """
    if clause_text is None:
        return stated_version == version
    return stated_clause_text == clause_text
