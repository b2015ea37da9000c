"""Typed text as inert Markdown: what a delegation typed reads as typed, and no reader of the
file (a Markdown renderer, a converter) can be made to show markup, HTML or a link from it.

One rule for every Markdown file Consensus writes (the published text, the summary of
proceedings). Only what could open markup is escaped, so "Open-ended" and "2452.16 > 2000" stay
as they are (issue 18: an older escaper turned them into ``Open\\-ended`` and ``2452\\.16 &gt;``).
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_\[\]|~#])")
_BLOCK_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")


def inert(value: str, *, line_start: bool = False) -> str:
    """``value`` on one line with every character that could open inline markup (emphasis, code,
    links, images, table cells) escaped, and ``&`` and ``<`` as entities so that no HTML or entity
    can be made of it; at the start of a line (``line_start``), a start that could open a block
    (list, quote, heading) escaped too."""
    line = " ".join(value.split()).replace("&", "&amp;").replace("<", "&lt;")
    line = _INLINE.sub(r"\\\1", line)
    if not line_start:
        return line
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), line)
