"""Checking free text typed by users: present when required, not too long, one message per field."""

from __future__ import annotations

import re

from consensus.errors import Invalid
from consensus.i18n import _

# C0 control characters other than tab and newline (and DEL): nothing typed needs them, and they
# break XML, DOCX and PostgreSQL (which cannot store NUL).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

BODY_LIMIT = 10_000
CLAUSE_TEXT_LIMIT = 20_000
HEADING_LIMIT = 300
SHORT_LIMIT = 100


class Fields:
    """Collects per-field problems; ``done()`` raises ``Invalid`` naming them all."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def text(self, name: str, value: str | None, label: str, *, required: bool, limit: int) -> str:
        text = (value or "").strip().replace("\r\n", "\n").replace("\r", "\n")
        if CONTROL.search(text):
            self.errors[name] = _("{label} contains control characters that cannot be stored.").format(label=label)
            return ""
        if required and not text:
            self.errors[name] = _("{label} is empty: write something.").format(label=label)
        elif len(text) > limit:
            self.errors[name] = _("{label} is too long: {n} characters, at most {limit}.").format(
                label=label, n=len(text), limit=limit
            )
        return text

    def choice(self, name: str, value: str | None, label: str, allowed: list[str]) -> str:
        if value not in allowed:
            self.errors[name] = _("{label} must be one of: {allowed}.").format(label=label, allowed=", ".join(allowed))
            return ""
        return value

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors)
