"""Typed text in Markdown files reads as typed and stays inert (core/markdown.py)."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from consensus.core.markdown import inert

READABLE = [
    "Open-ended working group",
    "2452.16 > 2000 (see resolution 79/237).",
    "States should, in accordance with international law; and: (a) cooperate!",
    "Kenya's proposal — 24 hours, not 72.",
    "1 + 1 = 2",
]


@pytest.mark.parametrize("text", READABLE)
def test_plain_prose_is_left_as_typed(text: str) -> None:
    assert inert(text) == text
    assert inert(text, line_start=True) == text or text[0].isdigit()


PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "<https://evil.example>",
    "# heading",
    "- list",
    "+ list",
    "1. list",
    "3) list",
    "> quote",
    "**bold** _em_ `code` ~~gone~~",
    "&lt;script&gt; &#60;b&#62;",
    "| a | b |",
    "=====",
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("html", [False, True])
def test_markup_in_typed_text_does_nothing_even_where_html_is_allowed(payload: str, html: bool) -> None:
    renderer = MarkdownIt("commonmark", {"html": html}).enable(["table", "strikethrough"])
    rendered = renderer.render(inert(payload, line_start=True))
    assert rendered.startswith("<p>") and rendered.count("<p>") == 1, rendered
    for tag in (
        "<script",
        "<img",
        "<a ",
        "<strong",
        "<em",
        "<code",
        "<blockquote",
        "<ol",
        "<ul",
        "<h1",
        "<s>",
        "<table",
        "<b>",
    ):
        assert tag not in rendered, (payload, rendered)


def test_it_is_one_line_whatever_was_typed() -> None:
    assert inert("first line\n\n# second\r\n- third") == "first line \\# second - third"
