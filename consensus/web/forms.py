"""Reading submitted forms: text fields (trimmed unless asked not to), checkboxes and typed ids.

Lengths and contents are the services' to check: they name the field at fault."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from consensus.errors import Invalid
from consensus.i18n import _

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A urlencoded form as a dict (what browsers send without JavaScript, and what htmx sends)."""

UploadForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
"""A multipart form (one with a file field) as a dict; a file is an ``UploadFile``."""

UPLOAD_LIMIT = 10 * 1024 * 1024


def uploaded(data: Mapping[str, Any], name: str, *, limit: int = UPLOAD_LIMIT) -> tuple[str, bytes] | None:
    """The file sent in a field, as its name and content; None when no file was chosen."""
    value = data.get(name)
    if isinstance(value, list):
        value = value[-1] if value else None
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    content = value.file.read(limit + 1)
    if len(content) > limit:
        raise Invalid({name: _("The file is larger than {n} MB.").format(n=limit // (1024 * 1024))})
    return value.filename, content


def text_of(content: bytes, name: str) -> str:
    """A text file's content: UTF-8 (with or without a byte-order mark) or UTF-16 with one."""
    encoding = "utf-16" if content.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise Invalid(
            {name: _("The file is not UTF-8 text: save it as “CSV UTF-8” (or as UTF-8 text) and try again.")}
        ) from None


def field(data: Mapping[str, Any], name: str, *, strip: bool = True) -> str:
    """One text field; a repeated field keeps its last value; absent gives ''."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    text = str(value)
    return text.strip() if strip else text


def repeated(data: Mapping[str, Any], name: str) -> list[str]:
    """Every value of a repeated field (ticked checkboxes of one name), trimmed, empty ones left out."""
    value = data.get(name, [])
    values = value if isinstance(value, list) else [value]
    return [text for text in (str(v).strip() for v in values) if text]


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
