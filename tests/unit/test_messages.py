"""Every word of the interface is marked for translation, and every catalogue translates it all,
keeping its placeholders."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from consensus import PROJECT_ROOT
from consensus.i18n import LANGUAGES, LOCALE_DIR

TEMPLATES = PROJECT_ROOT / "templates"
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
# Not words of the interface: the product's name in the footer of exports is marked; these are
# symbols, codes and markup that read the same in every language.
ALLOWED = {"UTC", "PDF", "HTML", "DOCX", "JSON", "CSV", "XML", "Markdown", "Akoma Ntoso", "ISO"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self._check(value)
            # An input button shows its value; a <button>'s value is sent, not shown (its content is).
            if (
                name == "value"
                and value
                and tag == "input"
                and dict(attrs).get("type") in ("submit", "button", "reset")
            ):
                self._check(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        words = text.strip()
        if words and LETTERS.search(words) and words not in ALLOWED:
            self.found.append(words)


def unmarked_text(template: Path) -> list[str]:
    """Text in a template that reaches the reader without going through ``_()``."""
    source = JINJA.sub(" ", template.read_text())
    parser = _Text()
    parser.feed(source)
    parser.close()
    return parser.found


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_hold_no_text_that_is_not_marked_for_translation(template: Path) -> None:
    assert unmarked_text(template) == []


def test_the_checker_finds_unmarked_words(tmp_path: Path) -> None:
    sample = tmp_path / "sample.html"
    sample.write_text(
        '<p>{{ _("Marked") }}</p><p>Not marked</p><img alt="A picture"><input type="submit" value="Send">'
        "<span title=\"{{ _('Fine') }}\">{{ name }}</span>"
    )
    assert unmarked_text(sample) == ["Not marked", "A picture", "Send"]


def _catalogue(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _template():  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        return read_po(handle)


BRACES = re.compile(r"{[a-z_]*}")
PERCENT = re.compile(r"%\([a-z_]+\)[sd]")


def _placeholders(text: str) -> list[str]:
    return sorted(BRACES.findall(text) + PERCENT.findall(text))


def _unusable(string: str, flags: set[str]) -> str | None:
    """Why a translation would fail when formatted as the code formats it, or None."""
    names = {name: 1 for name in re.findall(r"%\(([a-z_]+)\)", string) + re.findall(r"{([a-z_]*)}", string)}
    try:
        if "python-format" in flags or not BRACES.search(string):
            # Templates always %-format their messages: a literal percent sign must be written %%.
            string % names
        if "python-brace-format" in flags:
            string.format(**names)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        return f"cannot be formatted ({error})"
    return None


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_every_catalogue_translates_every_message_and_keeps_its_placeholders(language: str) -> None:
    catalogue = _catalogue(language)
    problems = []
    for message in _template():
        if not message.id:
            continue
        translated = catalogue.get(message.id, context=message.context)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if translated is None or translated.fuzzy:
            problems.append(f"not translated: {ids[0]!r}")
            continue
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        if not all(strings):
            problems.append(f"not translated: {ids[0]!r}")
            continue
        expected = _placeholders(ids[-1])
        for string in strings:
            problem = _unusable(string, message.flags)
            if problem:
                problems.append(f"{ids[0]!r}: {problem}")
            found = _placeholders(string)
            # A plural form for exactly one may leave out the count ("one objection").
            if found != expected and not (len(strings) > 1 and set(found) < set(expected)):
                problems.append(f"placeholders of {ids[0]!r}: {found} instead of {expected}")
    assert problems == [], f"{len(problems)} problems in {language}:\n" + "\n".join(problems[:40])


def test_the_template_catalogue_is_up_to_date_with_the_code() -> None:
    """`make messages` was run after the last change of a message."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    method_map = [("consensus/**.py", "python"), ("templates/**.html", "jinja2")]
    options_map = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
    found = set()
    keywords = {**DEFAULT_KEYWORDS, "Nn_": (1, 2), "NC_": ((1, "c"), 2)}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, method_map=method_map, options_map=options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    known = {message.id if isinstance(message.id, str) else message.id[0] for message in _template() if message.id}
    assert sorted(found - known) == [], "run `make messages`: messages missing from messages.pot"
