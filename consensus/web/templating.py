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

from consensus import i18n
from consensus.core.tally import RULE_NAMES, Phrase, Result, Rule, Words
from consensus.i18n import LANGUAGES, N_, NC_, _, ngettext, pgettext

ROLE_LABELS = {
    "chair": N_("Chair"),
    "secretariat": N_("Secretariat"),
    "delegate": N_("Delegate"),
    "observer": N_("Observer"),
}
VOTING_STATUS_LABELS = {
    "participating": NC_("delegation status", "Participating"),
    "observing": NC_("delegation status", "Observing"),
    "non_voting": NC_("delegation status", "Non-voting"),
}
DOCUMENT_STATUS_LABELS = {
    "draft": NC_("document status", "Draft"),
    "open": NC_("document status", "Open for negotiation"),
    "adopted": NC_("document status", "Adopted"),
    "withdrawn": NC_("document status", "Withdrawn"),
}
CLAUSE_STATUS_LABELS = {
    "open": NC_("clause status", "Open"),
    "agreed_ad_ref": NC_("clause status", "Agreed ad referendum"),
    "adopted": NC_("clause status", "Adopted"),
}


COMMENT_KIND_LABELS = {
    "general": NC_("comment kind", "General"),
    "technical": NC_("comment kind", "Technical"),
    "editorial": NC_("comment kind", "Editorial"),
}
DISPOSITION_LABELS = {
    "accepted": NC_("comment disposition", "Accepted"),
    "accepted_in_principle": NC_("comment disposition", "Accepted in principle"),
    "noted": NC_("comment disposition", "Noted"),
    "rejected": NC_("comment disposition", "Rejected"),
}
AMENDMENT_STATUS_LABELS = {
    "proposed": NC_("amendment status", "Proposed"),
    "withdrawn": NC_("amendment status", "Withdrawn"),
    "accepted": NC_("amendment status", "Accepted"),
    "rejected": NC_("amendment status", "Rejected"),
}
ROUND_STATUS_LABELS = {
    "draft": NC_("round status", "In preparation"),
    "open": NC_("round status", "Open"),
    "closed": NC_("round status", "Closed"),
    "cancelled": NC_("round status", "Cancelled"),
}
CHOICE_LABELS = {
    "yes": N_("Yes"),
    "no": N_("No"),
    "abstain": N_("Abstain"),
    "support": N_("Support"),
    "accept": N_("Accept (can live with it)"),
    "reservation": N_("Reservation"),
    "objection": N_("Objection"),
    "silent": N_("Did not vote"),
}
POSITION_SYMBOLS = {"support": "✔", "accept": "○", "reservation": "◐", "objection": "✖"}
CHANGE_LABELS = {"unchanged": N_("unchanged"), "changed": N_("changed"), "added": N_("added"), "deleted": N_("deleted")}


@pass_context
def conflict_links(context: Any, conflict: Any, group_slug: str) -> Markup:
    """A conflict between two accepted amendments in the reader's language, each amendment linked to
    its page (where the chair can reopen it)."""
    reverse = context["request"].app.route_reverse

    def link(amendment_id: int) -> Markup:
        url = reverse("amendment", group=group_slug, amendment_id=amendment_id)
        return Markup('<a href="{url}">{id}</a>').format(url=url, id=amendment_id)

    message = escape(_("Amendments {first} and {second} on clause {clause}: {reason}"))
    return message.format(
        first=link(conflict.first), second=link(conflict.second), clause=conflict.clause, reason=_(conflict.reason)
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


def label(value: str, labels: Mapping[str, str | tuple[str, str]]) -> str:
    """The words for a stored value, in the reader's language (with its context where it has one)."""
    entry = labels.get(value)
    if entry is None:
        return value
    if isinstance(entry, tuple):
        return pgettext(*entry)
    return _(entry)


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
    from consensus.documents.versions import conflict_text

    env.filters["paragraphs"] = paragraphs
    env.filters["conflict"] = conflict_text
    env.filters["conflict_links"] = conflict_links
    env.filters["weight"] = i18n.format_number
    env.filters["number"] = i18n.format_number
    env.filters["percent"] = i18n.format_percent
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
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
    env.filters["rule_text"] = rule_text
    env.filters["reason"] = reason_text
    env.filters["phrase"] = lambda phrase: interface_words().phrase(phrase)
    env.filters["fraction"] = i18n.format_number
    env.globals["position_symbols"] = POSITION_SYMBOLS
    env.globals["languages"] = LANGUAGES
    env.globals["current_language"] = i18n.language
    env.globals["right_to_left"] = i18n.is_right_to_left
    env.globals["time_zone_name"] = i18n.time_zone_name
    return env


def make_template_engine(
    directory: Path, globals_: dict[str, object] | None = None, *, auto_reload: bool = False
) -> JinjaTemplateEngine:
    return JinjaTemplateEngine.from_environment(make_environment(directory, globals_, auto_reload=auto_reload))
