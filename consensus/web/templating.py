"""The Jinja environment: autoescaping, translation hooks, and display filters."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from consensus import i18n, labels
from consensus.core.alternatives import find_alternatives
from consensus.core.consolidation import clash_words
from consensus.core.tally import RULE_NAMES, Phrase, Result, Rule, Words
from consensus.i18n import LANGUAGES, _, ngettext


@pass_context
def clash_links(context: Any, clash: Any, group_slug: str) -> Markup:
    """A clash between two accepted amendments (or an amendment and an options round's chosen
    alternative) in the reader's language, each amendment or round linked to its page (where the
    chair can reopen or see it)."""
    reverse = context["request"].app.route_reverse

    def link(kind: str, object_id: int) -> Markup:
        if kind == "round":
            url = reverse("round", group=group_slug, round_id=object_id)
        else:
            url = reverse("amendment", group=group_slug, amendment_id=object_id)
        return Markup('<a href="{url}">{id}</a>').format(url=url, id=object_id)

    first_kind, second_kind = getattr(clash, "parties", ("amendment", "amendment"))
    message = escape(_(clash_words(clash)))
    return message.format(
        first=link(first_kind, clash.first),
        second=link(second_kind, clash.second),
        clause=clash.clause,
        reason=_(clash.reason),
    )


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


def interface_words() -> Words:
    """Phrases of reasons and rules in the request's language, figures formatted for it."""
    return Words(_, ngettext, i18n.format_number)


def reason_text(result: Result | Mapping[str, Any]) -> str:
    """Why a round passed or not, in the reader's language (a result stored before reasons were
    kept as phrases shows its English sentence)."""
    if isinstance(result, Result):
        return interface_words().reason(result.phrases) if result.phrases else result.reason
    phrases = result.get("phrases")
    if not phrases:
        return str(result.get("reason", ""))
    return interface_words().reason([Phrase.from_json(phrase) for phrase in phrases])


def rule_text(rule: Rule) -> str:
    return interface_words().phrase(rule.phrase())


def rule_name(kind: str) -> str:
    return _(RULE_NAMES.get(kind, kind))


def paragraphs(text: str) -> list[str]:
    """Text split into paragraphs at blank lines (each still autoescaped when shown)."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part]


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
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension at run time
    env.globals.update(globals_ or {})
    env.filters["paragraphs"] = paragraphs
    env.filters["alternatives"] = find_alternatives
    env.filters["clash_links"] = clash_links
    env.filters["weight"] = i18n.format_number
    env.filters["number"] = i18n.format_number
    env.filters["percent"] = i18n.format_percent
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    env.filters["role"] = lambda v: labels.label(v, labels.ROLES)
    env.filters["voting_status"] = lambda v: labels.label(v, labels.VOTING_STATUSES)
    env.filters["document_status"] = lambda v: labels.label(v, labels.DOCUMENT_STATUSES)
    env.filters["clause_status"] = lambda v: labels.label(v, labels.CLAUSE_STATUSES)
    env.filters["comment_kind"] = lambda v: labels.label(v, labels.COMMENT_KINDS)
    env.filters["disposition"] = lambda v: labels.label(v, labels.DISPOSITIONS)
    env.filters["amendment_status"] = lambda v: labels.label(v, labels.AMENDMENT_STATUSES)
    env.filters["change_label"] = lambda v: labels.label(v, labels.CHANGES)
    env.filters["amendment_kind"] = amendment_kind
    env.filters["query_with"] = query_with
    env.filters["round_status"] = lambda v: labels.label(v, labels.ROUND_STATUSES)
    env.filters["meeting_status"] = lambda v: labels.label(v, labels.MEETING_STATUSES)
    env.filters["agenda_status"] = lambda v: labels.label(v, labels.AGENDA_STATUSES)
    env.filters["choice_label"] = labels.choice_label
    env.filters["rule_name"] = rule_name
    env.filters["rule_text"] = rule_text
    env.filters["reason"] = reason_text
    env.filters["phrase"] = lambda phrase: interface_words().phrase(phrase)
    env.filters["fraction"] = i18n.format_number
    env.globals["position_symbols"] = labels.POSITION_SYMBOLS
    env.globals["languages"] = LANGUAGES
    env.globals["current_language"] = i18n.language
    env.globals["right_to_left"] = i18n.is_right_to_left
    env.globals["time_zone_name"] = i18n.time_zone_name
    return env


def make_template_engine(
    directory: Path, globals_: dict[str, object] | None = None, *, auto_reload: bool = False
) -> JinjaTemplateEngine:
    return JinjaTemplateEngine.from_environment(make_environment(directory, globals_, auto_reload=auto_reload))
