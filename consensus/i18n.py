"""The interface's languages: gettext catalogues (Babel), the language and time zone of the
request in progress, and formatting of dates and numbers for them.

Every user-facing string goes through ``_`` (or ``ngettext``); strings defined before any request
is known (labels in tables) are marked with ``N_`` and translated where they are shown. The
language of a request is chosen once by the web layer (``use``); code that runs outside a request
(the command line, exports) speaks English.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent
from babel.support import Translations

from consensus.core.numbers import number_text

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
"""The six official languages of the United Nations, each named in itself (never translated)."""
RIGHT_TO_LEFT = frozenset({"ar"})

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)
_time_zone: contextvars.ContextVar[str] = contextvars.ContextVar("time_zone", default="UTC")


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> NullTranslations:
    """The compiled catalogue of a language (English, and any language not compiled, translate to
    themselves)."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(LOCALE_DIR, [language], domain="messages")


def compile_catalogues() -> list[Path]:
    """Compile every catalogue whose .po is newer than its .mo: ``make install`` calls it, and so
    does the test session (for runs without make). Returns the catalogues compiled."""
    compiled = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalog)
        compiled.append(mo)
    catalogue.cache_clear()
    return compiled


def _(message: str) -> str:
    """Translate a message into the language of the request in progress."""
    return catalogue(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count (languages have one to six plural forms)."""
    return catalogue(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for the catalogues without translating it yet (it is translated where shown)."""
    return message


def pgettext(context: str, message: str) -> str:
    """Translate a message whose translation depends on what it qualifies (``round status``:
    "Open" is feminine in Spanish for a round, masculine in French)."""
    return catalogue(_language.get()).pgettext(context, message)


def NC_(context: str, message: str) -> tuple[str, str]:
    """Mark a message with its context for the catalogues, to be translated with ``pgettext`` where shown."""
    return context, message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with its plural for the catalogues, to be translated by count where shown."""
    return singular, plural


def language() -> str:
    """The language of the request in progress."""
    return _language.get()


def is_right_to_left() -> bool:
    return _language.get() in RIGHT_TO_LEFT


def time_zone() -> tzinfo:
    return _zone(_time_zone.get())


def time_zone_name() -> str:
    """The reader's time zone, as its IANA name (``UTC`` unless they chose one)."""
    return _time_zone.get()


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def valid_time_zone(name: str) -> bool:
    """A time zone of the IANA database (``Europe/Geneva``, ``UTC``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def set_request_language(
    language_code: str, zone: str = "UTC"
) -> tuple[contextvars.Token[str], contextvars.Token[str]]:
    """Choose the language (one of ours, else English) and time zone for the rest of this request
    (the web layer calls it once); returns what ``use`` needs to undo it."""
    return (
        _language.set(language_code if language_code in LANGUAGES else DEFAULT_LANGUAGE),
        _time_zone.set(zone or "UTC"),
    )


@contextlib.contextmanager
def use(language_code: str, zone: str = "UTC") -> Iterator[None]:
    """Speak a language (and show times in a zone) inside the block."""
    language_token, zone_token = set_request_language(language_code, zone)
    try:
        yield
    finally:
        _language.reset(language_token)
        _time_zone.reset(zone_token)


def negotiate(accept_language: str | None) -> str | None:
    """The best of our languages for an ``Accept-Language`` header, or None."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().replace("_", "-").split("-")[0]
        if quality > 0 and primary in LANGUAGES:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


# --- formatting ----------------------------------------------------------------------------------


def _locale() -> str:
    return _language.get()


def format_datetime(value: datetime | None) -> str:
    """A moment to the minute, in the reader's language and time zone, with UTC alongside when the
    zone is another one: "30 nov. 2026, 21:15 CET (20:15 UTC)"."""
    if value is None:
        return ""
    zone = time_zone()
    language_code = _locale()
    local = _moment_pattern(language_code).format(
        format_time(value, "short", tzinfo=zone, locale=language_code),
        babel_date(value.astimezone(zone), "medium", locale=language_code),
    )
    if getattr(zone, "key", "UTC") in ("UTC", "Etc/UTC"):
        return f"{local} UTC"
    utc = format_time(value, "HH:mm", tzinfo=UTC, locale=language_code)
    return f"{local} {zone_label(value, zone)} ({utc} UTC)"


@lru_cache(maxsize=len(LANGUAGES))
def _moment_pattern(language_code: str) -> str:
    """How the language joins a time and a date ("{1}, {0}")."""
    return str(Locale.parse(language_code).datetime_formats["medium"])


def zone_label(value: datetime, zone: tzinfo) -> str:
    """The short name of a zone at a moment (``CET``), or its UTC offset where it has none."""
    name = value.astimezone(zone).tzname() or ""
    return name if name and name[0] not in "+-" else "UTC" + name


def format_date(value: datetime | None) -> str:
    if value is None:
        return ""

    return babel_date(value.astimezone(time_zone()), "medium", locale=_locale())


def format_number(value: Decimal | Fraction | int | str) -> str:
    """A number as the reader's language writes it (a weight: ``54.03``, ``54,03``, ``٥٤٫٠٣``). A
    fraction that has no exact decimal form stays a fraction."""
    text = number_text(value) if isinstance(value, Fraction) else str(value)
    if "/" in text:
        return text
    exact = Decimal(text).normalize()
    places = max(0, -int(exact.as_tuple().exponent))
    return format_decimal(exact, format="#,##0." + "#" * places if places else "#,##0", locale=_locale())


def format_percent(value: Decimal | Fraction | float) -> str:
    """A share as a percentage to a tenth, the language's way (``66.7%``, ``66,7 %``)."""
    share = Decimal(str(float(value))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return babel_percent(share, locale=_locale(), decimal_quantization=False)
