"""The Jinja environment: autoescaping, translation hooks, and display filters."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine

from consensus.core.tally import RULE_NAMES, number_text
from consensus.i18n import _, ngettext

ROLE_LABELS = {
    "chair": "Chair",
    "secretariat": "Secretariat",
    "delegate": "Delegate",
    "observer": "Observer",
}
VOTING_STATUS_LABELS = {
    "participating": "Participating",
    "observing": "Observing",
    "non_voting": "Non-voting",
}
DOCUMENT_STATUS_LABELS = {
    "draft": "Draft",
    "open": "Open for negotiation",
    "adopted": "Adopted",
    "withdrawn": "Withdrawn",
}
CLAUSE_STATUS_LABELS = {
    "open": "Open",
    "agreed_ad_ref": "Agreed ad referendum",
    "adopted": "Adopted",
}


COMMENT_KIND_LABELS = {"general": "General", "technical": "Technical", "editorial": "Editorial"}
DISPOSITION_LABELS = {
    "accepted": "Accepted",
    "accepted_in_principle": "Accepted in principle",
    "noted": "Noted",
    "rejected": "Rejected",
}
AMENDMENT_STATUS_LABELS = {
    "proposed": "Proposed",
    "withdrawn": "Withdrawn",
    "accepted": "Accepted",
    "rejected": "Rejected",
}
ROUND_STATUS_LABELS = {"draft": "In preparation", "open": "Open", "closed": "Closed", "cancelled": "Cancelled"}
CHOICE_LABELS = {
    "yes": "Yes",
    "no": "No",
    "abstain": "Abstain",
    "support": "Support",
    "accept": "Accept (can live with it)",
    "reservation": "Reservation",
    "objection": "Objection",
    "silent": "Did not vote",
}
POSITION_SYMBOLS = {"support": "✔", "accept": "○", "reservation": "◐", "objection": "✖"}
CHANGE_LABELS = {"unchanged": "unchanged", "changed": "changed", "added": "added", "deleted": "deleted"}


def amendment_kind(kind: str, number: str) -> str:
    """What an amendment does, in words."""
    if kind == "replace":
        return _("replace the text of clause {number}").format(number=number)
    if kind == "insert":
        return _("insert a new clause after clause {number}").format(number=number)
    if kind == "delete":
        return _("delete clause {number}").format(number=number)
    return kind


def query_with(params: Any, **changes: object) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    merged = {key: value for key, value in params.items() if key not in changes}
    merged.update({key: str(value) for key, value in changes.items()})
    return urlencode(merged)


def rule_name(kind: str) -> str:
    return _(RULE_NAMES.get(kind, kind))


def format_weight(value: Decimal) -> str:
    """A weight as written, without trailing zeros."""
    text = format(value.normalize(), "f")
    return text


def format_datetime(value: datetime | None) -> str:
    """A timestamp shown in UTC, to the minute."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def format_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d")


def paragraphs(text: str) -> list[str]:
    """Text split into paragraphs at blank lines (each still autoescaped when shown)."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part]


def label(value: str, labels: dict[str, str]) -> str:
    return _(labels.get(value, value))


def asset_url_maker(directories: dict[str, Path]) -> Any:
    """A template function giving a static file's URL with a content fingerprint (long caching,
    fresh after every change)."""

    @lru_cache(maxsize=256)
    def fingerprint(router: str, path: str) -> str:
        try:
            return hashlib.sha256((directories[router] / path).read_bytes()).hexdigest()[:12]
        except (KeyError, OSError):
            return "missing"

    @pass_context
    def asset(context: Any, router: str, path: str) -> str:
        url = context["request"].app.route_reverse(router, file_path="/" + path)
        return f"{url}?v={fingerprint(router, path)}"

    return asset


def make_environment(
    directory: Path, globals_: dict[str, object] | None = None, *, auto_reload: bool = False
) -> Environment:
    """A Jinja environment that autoescapes every template and knows ``_()``.

    Templates are not re-checked on disk for every render unless ``auto_reload`` (debug): the
    check costs a stat per include, which showed up in the document page's profile.
    """
    env = Environment(
        loader=FileSystemLoader(directory),
        auto_reload=auto_reload,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(globals_ or {})
    env.filters["paragraphs"] = paragraphs
    env.filters["weight"] = format_weight
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date
    env.filters["role"] = lambda v: label(v, ROLE_LABELS)
    env.filters["voting_status"] = lambda v: label(v, VOTING_STATUS_LABELS)
    env.filters["document_status"] = lambda v: label(v, DOCUMENT_STATUS_LABELS)
    env.filters["clause_status"] = lambda v: label(v, CLAUSE_STATUS_LABELS)
    env.filters["comment_kind"] = lambda v: label(v, COMMENT_KIND_LABELS)
    env.filters["disposition"] = lambda v: label(v, DISPOSITION_LABELS)
    env.filters["amendment_status"] = lambda v: label(v, AMENDMENT_STATUS_LABELS)
    env.filters["change_label"] = lambda v: label(v, CHANGE_LABELS)
    env.filters["amendment_kind"] = amendment_kind
    env.filters["query_with"] = query_with
    env.filters["round_status"] = lambda v: label(v, ROUND_STATUS_LABELS)
    env.filters["choice_label"] = lambda v: label(v, CHOICE_LABELS)
    env.filters["rule_name"] = rule_name
    env.filters["fraction"] = lambda v: number_text(v)
    env.globals["position_symbols"] = POSITION_SYMBOLS
    return env


def make_template_engine(
    directory: Path, globals_: dict[str, object] | None = None, *, auto_reload: bool = False
) -> JinjaTemplateEngine:
    return JinjaTemplateEngine.from_environment(make_environment(directory, globals_, auto_reload=auto_reload))
