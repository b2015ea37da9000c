"""Conditional requests: an ``ETag`` on what does not change, and a 304 to a reader who has it."""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request, Response
from litestar.response import Template
from litestar.response.base import ASGIResponse

KEPT_HEADERS = ("cache-control", "vary", "content-language", "etag")
"""What a 304 repeats of the full response (RFC 9110 §15.4.5)."""


def etag_of(*parts: str | bytes) -> str:
    """A strong entity tag naming exactly these contents."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return f'"{digest.hexdigest()[:32]}"'


def is_fresh(request: Request[Any, Any, Any], etag: str) -> bool:
    """Whether the reader's ``If-None-Match`` names ``etag`` (weak comparison, as for GET)."""
    asked = request.headers.get("if-none-match")
    if not asked or request.method not in ("GET", "HEAD"):
        return False
    tags = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
    return "*" in tags or etag in tags


def not_modified(headers: dict[str, str]) -> Response[bytes]:
    """The 304 that tells a reader their copy is still good."""
    kept = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
    return Response(b"", status_code=304, headers=kept)


class RevalidatedTemplate(Template):
    """A page tagged with the hash of its own bytes, answered with a 304 when the reader has them.

    The page is still rendered (it follows the reader's language and carries their form token),
    but it is not sent again; whatever makes the bytes differ makes the tag differ.
    """

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> ASGIResponse:
        response = super().to_asgi_response(app, request, **kwargs)
        if response.status_code != 200:
            return response
        etag = etag_of(response.body)
        if is_fresh(request, etag):
            headers = {name: value for name, value in response.headers.items() if name.lower() in KEPT_HEADERS}
            return ASGIResponse(status_code=304, headers={**headers, "etag": etag})
        response.headers.add("etag", etag)
        return response
