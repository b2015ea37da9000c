"""Request bodies refused before decoding: JSON nested deeper than any request of ours needs.

The JSON decoder recurses once per level, so ``[[[[…]]]]`` 100,000 deep ended in a RecursionError
(a 500). No body of the API nests more than a few levels; anything past ``MAX_JSON_DEPTH`` is a
400 that says so, on every route, before the handler's body is read.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

from consensus.i18n import _

MAX_JSON_DEPTH = 32

# A JSON string (the "unrolled loop" form, quick on long strings): brackets inside are text.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def nests_deeper_than(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text opens more than ``limit`` arrays or objects inside one another.

    Exact for well-formed JSON; for malformed JSON (which the decoder refuses anyway) it may
    overestimate, never underestimate, the depth the decoder would reach.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", body).translate(_ONE_KIND, _NOT_BRACKETS)
    # Each pass removes the innermost pairs: a structure n deep is gone after n passes. What never
    # goes is unmatched brackets: the opening ones among them each add a level.
    for passes in range(limit + 1):
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            return passes + brackets.count(b"[") > limit
        brackets = shorter
    return True


async def refuse_deep_json(request: Request[Any, Any, Any]) -> None:
    """``before_request``: a 400 for a body nested too deeply (forms are flat: not looked at)."""
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type[0] in _FORMS:
        return
    if nests_deeper_than(await request.body()):
        raise ClientException(
            _("The request body nests arrays or objects more than {limit} levels deep.").format(limit=MAX_JSON_DEPTH)
        )
