"""Translation hooks: every user-facing string goes through ``_`` so it can be translated later."""

from __future__ import annotations

import gettext as _gettext

_translations: _gettext.NullTranslations = _gettext.NullTranslations()


def _(message: str) -> str:
    """Translate a message for the interface (English until catalogues are installed)."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count."""
    return _translations.ngettext(singular, plural, n)


def translations() -> _gettext.NullTranslations:
    """The catalogue templates use."""
    return _translations
