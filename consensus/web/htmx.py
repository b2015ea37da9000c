"""Telling htmx requests from page loads, and answering each with the right shape."""

from __future__ import annotations

from typing import Any

from litestar import Request


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    """An htmx request that swaps part of the page (not a boosted navigation, which wants the page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def slot(number: str) -> str:
    """A DOM id fragment for a clause number: dots would read as CSS classes in htmx selectors."""
    return number.replace(".", "-")
