"""A new draft from what the secretariat gives: an uploaded file (.docx, .odt, .md, .txt) read by
``documents.importing``, or text typed or pasted, read by ``core.clauses.parse_plain_text``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from litestar.datastructures import UploadFile

from consensus.core.clauses import Draft, parse_plain_text
from consensus.documents.importing import read_draft
from consensus.errors import DomainError, Invalid
from consensus.i18n import _

TEXT_LIMIT = 2_000_000
"""Characters of pasted text read at most (the longest drafts are a few hundred thousand)."""


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as it came: its name (which says its format) and its bytes."""

    filename: str
    content: bytes


def upload_of(value: Any) -> Upload | None:
    """The file of a multipart form field, or None when no file was chosen."""
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return Upload(value.filename, value.file.read())


def draft_from(upload: Upload | None, text: str, title: str = "") -> Draft:
    """The draft found in the file (if one was given) or in the text; a title given replaces the
    one found. Invalid names the field at fault (``file`` or ``text``)."""
    title = title.strip()
    if upload is not None:
        try:
            draft = read_draft(upload.filename, upload.content, title)
        except DomainError as unreadable:
            raise Invalid({"file": unreadable.message}) from None
    elif not text.strip():
        raise Invalid({"text": _("Paste the text of the draft, or choose a file.")})
    elif len(text) > TEXT_LIMIT:
        raise Invalid(
            {"text": _("The text is too long: {n} characters, at most {limit}.").format(n=len(text), limit=TEXT_LIMIT)}
        )
    else:
        draft = parse_plain_text(text, title)
    return replace(draft, title=title) if title else draft
