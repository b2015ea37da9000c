"""Domain errors that services raise and the web layer turns into pages or JSON (never a 500)."""

from __future__ import annotations

from collections.abc import Mapping

from consensus.core.refusal import Refusal
from consensus.core.tally import Words
from consensus.i18n import _, ngettext


class DomainError(Exception):
    """Base of every refusal a service can give; ``status_code`` is the HTTP equivalent."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""

    status_code = 404


class Forbidden(DomainError):
    """The asker lacks the right to do this."""

    status_code = 403


class Conflict(DomainError):
    """The request clashes with the current state."""

    status_code = 409


class Invalid(DomainError):
    """Input that cannot be accepted; ``errors`` maps each field to what is wrong with it."""

    status_code = 422

    def __init__(self, errors: Mapping[str, str], message: str | None = None) -> None:
        self.errors = dict(errors)
        summary = message or "; ".join(f"{field}: {problem}" for field, problem in self.errors.items())
        super().__init__(summary)


def refusal_text(refusal: Refusal) -> str:
    """The words of a refusal of one of the rules in ``core``, in the reader's language (for a form
    field or the reason a page gives)."""
    return Words(_, ngettext).phrase(refusal.phrase)


def refusal_error(refusal: Refusal) -> DomainError:
    """The error a service raises for the refusal of one of the rules in ``core``, in the reader's
    language (an ``unsettled`` refusal is a conflict unless the caller says more)."""
    message = refusal_text(refusal)
    if refusal.kind == "forbidden":
        return Forbidden(message)
    if refusal.kind == "invalid":
        return Invalid({refusal.field: message})
    return Conflict(message)
