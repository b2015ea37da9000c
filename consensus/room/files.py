"""The summary of proceedings as files: Markdown as written, HTML rendered from it, and PDF made
from that HTML by WeasyPrint (fetching nothing, as the published texts' PDFs). ``RECORD_FORMATS`` is
the one list of them: the download routes and the pages' lists of downloads are made from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from consensus.publishing.formats import refuse_urls

if TYPE_CHECKING:
    from jinja2 import Environment

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable("image")
"""Typed HTML is shown as text, images (which would fetch from elsewhere) are not made, and
links to ``javascript:`` and the like are refused (markdown-it's own check)."""


def markdown_html(body: str) -> Markup:
    """The summary's Markdown as HTML, safe to put in a page: nothing typed becomes markup but the
    Markdown's own."""
    return Markup(_MARKDOWN.render(body))  # noqa: S704  (markdown-it escapes every typed character; html off)


def to_html(record: Any, env: Environment) -> str:
    """A self-contained HTML file (styles inline, no scripts)."""
    return env.get_template("room/record_standalone.html").render(record=record, body=markdown_html(record.body))


def to_pdf(record: Any, env: Environment) -> bytes:
    """A PDF from the self-contained HTML; nothing is fetched from anywhere."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=to_html(record, env), url_fetcher=refuse_urls).write_pdf()
    return pdf


@dataclass(frozen=True, slots=True)
class RecordFormat:
    """One way a published summary is downloaded: ``summary.{suffix}``, as ``media_type``."""

    suffix: str
    media_type: str
    label: str
    render: Callable[[Any, Environment], bytes]


RECORD_FORMATS: tuple[RecordFormat, ...] = (
    RecordFormat("md", "text/markdown", "Markdown", lambda record, env: record.body.encode()),
    RecordFormat("html", "text/html", "HTML", lambda record, env: to_html(record, env).encode()),
    RecordFormat("pdf", "application/pdf", "PDF", to_pdf),
)
BY_SUFFIX = {f.suffix: f for f in RECORD_FORMATS}
