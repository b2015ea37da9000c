"""Reading submitted forms: text fields (trimmed unless asked not to), checkboxes and typed ids.

Lengths and contents are the services' to check: they name the field at fault."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

from consensus.errors import Invalid
from consensus.i18n import _

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
    """Whether a checkbox was ticked (browsers send "on"; scripts may send true, 1 or yes)."""
    return field(data, name).lower() in {"on", "true", "1", "yes"}


def form_id(data: Mapping[str, Any], name: str) -> int | None:
    """An id typed in a form field: None when empty, Invalid when not a plain number in range."""
    text = field(data, name)
    if not text:
        return None
    if not (text.isascii() and text.isdecimal()) or not 1 <= int(text) <= 2_147_483_647:
        raise Invalid({name: _("Give a number such as 12.")})
    return int(text)
