"""Reading submitted forms: plain text fields, trimmed and length-checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A urlencoded form as a dict (what browsers send without JavaScript, and what htmx sends)."""


def field(data: Mapping[str, Any], name: str, *, strip: bool = True) -> str:
    """One text field; a repeated field keeps its last value; absent gives ''."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    text = str(value)
    return text.strip() if strip else text


def checkbox(data: Mapping[str, Any], name: str) -> bool:
    return field(data, name).lower() in {"on", "true", "1", "yes"}
