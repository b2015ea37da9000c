"""The downloads of a published text: HTML, Markdown, PDF, DOCX, JSON and Akoma Ntoso XML.

Each is made from the same ``PublishedText``; each names the group, the document, the version and
the adoption date; in each, text typed by users stays inert (escaped for HTML, Markdown and XML;
plain runs in DOCX and PDF). ``EXPORTS`` is the one list of them: the download route, the public
page's list of downloads, the command line's choices and the kept renders are all made from it, so
adding a format is one entry there."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from consensus.core.markdown import inert
from consensus.i18n import _
from consensus.labels import choice_label
from consensus.validation import CONTROL

if TYPE_CHECKING:  # only named in annotations: the command line reads EXPORTS without the services
    from jinja2 import Environment

    from consensus.publishing.services import PublishedText, Statement

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"


def to_html(text: PublishedText, env: Environment) -> str:
    """A self-contained HTML file (styles inline, print styles included, no scripts)."""
    return env.get_template("public/standalone.html").render(text=text)


def refuse_urls(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"no external resources in published PDFs ({url})")


def to_pdf(text: PublishedText, env: Environment) -> bytes:
    """A PDF from the self-contained HTML (WeasyPrint; nothing is fetched from anywhere)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=to_html(text, env), url_fetcher=refuse_urls).write_pdf()
    return pdf


def to_markdown(text: PublishedText) -> str:
    lines = [
        f"# {inert(text.title)}",
        "",
        f"{inert(text.group_name)} — "
        + _("version {n}, adopted on {date}").format(n=text.version, date=text.adopted_on),
        "",
        "## " + _("Adoption"),
        "",
        _adoption_sentence(text, inert),
        "",
    ]
    for clause in text.clauses:
        hashes = "#" * min(6, 2 + clause.depth)
        heading = f" {inert(clause.heading)}" if clause.heading else ""
        lines += [f"{hashes} {inert(clause.number)}{heading}", ""]
        lines += [inert(paragraph, line_start=True) + "\n" for paragraph in _paragraphs(clause.text)]
    if text.statements:
        lines += ["## " + _("Annex I: reservations and explanations of position"), ""]
        for delegation, statements in text.statements.items():
            lines += [f"### {inert(delegation)}", ""]
            for s in statements:
                lines.append(f"- {inert(_statement_label(s))}: {inert(s.text)}")
                if s.earlier:
                    lines.append(f"  - *{inert(_earlier_note(s))}*")
            lines.append("")
    if text.roll_calls:
        lines += ["## " + _("Annex II: record of votes"), ""]
        for call in text.roll_calls:
            lines += [f"### {inert(call.title)}", "", inert(call.reason, line_start=True), ""]
            if call.secret:
                lines += [
                    _("Secret ballot. Took part: {names}.").format(names=", ".join(inert(n) for n in call.took_part)),
                    "",
                ]
            else:
                lines += [
                    "| " + " | ".join([_("Delegation"), _("Ballot"), _("Explanation")]) + " |",
                    "| --- | --- | --- |",
                ]
                lines += [f"| {inert(n)} | {inert(choice_label(c))} | {inert(x)} |" for n, c, x in call.votes]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _statement_label(statement: Any) -> str:
    if statement.kind == "explanation":
        return _("explanation of vote ({choice}) in “{round}”").format(
            choice=choice_label(statement.choice), round=statement.subject
        )
    where = _("clause {n}").format(n=statement.subject) if statement.subject else _("the whole text")
    return (_("reservation on {where}") if statement.kind == "reservation" else _("objection to {where}")).format(
        where=where
    )


def _earlier_note(statement: Statement) -> str:
    """What a statement made on an earlier text was made on ('' for one on this text)."""
    earlier = statement.earlier
    if earlier is None:
        return ""
    if not statement.subject:
        return _("Stated on version {v}, on the whole text as it then stood.").format(v=earlier.version)
    return _("Stated on version {v}, on clause {n} as it then read: “{text}”").format(
        v=earlier.version, n=earlier.number, text=" ".join(earlier.text.split())
    )


def _adoption_sentence(text: PublishedText, escape: Callable[[str], str] = lambda s: s) -> str:
    a = text.adoption
    if a.method == "round":
        sentence = _("Adopted on {date} by the round “{round}”: {reason}").format(
            date=text.adopted_on, round=escape(a.round_title or ""), reason=escape(a.round_reason or "")
        )
    else:
        sentence = _("Adopted on {date} by consensus, declared by the chair.").format(date=text.adopted_on)
    if a.override_reason:
        sentence += " " + _(
            "The chair overrode {clauses} open clauses and {amendments} undecided amendments: {reason}"
        ).format(clauses=a.open_clauses, amendments=a.undecided_amendments, reason=escape(a.override_reason))
    return sentence


def to_dict(text: PublishedText) -> dict[str, Any]:
    return {
        "group": {"slug": text.group_slug, "name": text.group_name},
        "document": {"slug": text.document_slug, "title": text.title},
        "version": text.version,
        "adopted": {
            "date": text.adopted_on,
            "at": text.adoption.adopted_at.isoformat(),
            "method": text.adoption.method,
            "round": text.adoption.round_title,
            "reason": text.adoption.round_reason,
            "override_reason": text.adoption.override_reason or None,
        },
        "published_at": text.published_at.isoformat(),
        "checkpoint": {"seq": text.checkpoint.seq, "hash": text.checkpoint.hash} if text.checkpoint else None,
        "clauses": [{"number": c.number, "heading": c.heading, "text": c.text} for c in text.clauses],
        "statements": {
            name: [
                {
                    "kind": s.kind,
                    "subject": s.subject,
                    "text": s.text,
                    "choice": s.choice or None,
                    "stated_on": (
                        {
                            "version": s.earlier.version,
                            "clause": s.earlier.number or None,
                            "text": s.earlier.text or None,
                        }
                        if s.earlier
                        else None
                    ),
                }
                for s in items
            ]
            for name, items in text.statements.items()
        },
        "roll_calls": [
            {
                "title": r.title,
                "subject": r.subject,
                "rule": r.rule_text,
                "reason": r.reason,
                "passed": r.passed,
                "secret": r.secret,
                "votes": [{"delegation": n, "choice": c, "explanation": x} for n, c, x in r.votes],
                "took_part": r.took_part,
                "audit_head": r.audit_head,
                "audit_seq": r.audit_seq,
            }
            for r in text.roll_calls
        ],
    }


def to_json(text: PublishedText) -> bytes:
    return json.dumps(to_dict(text), ensure_ascii=False, indent=2).encode()


def _clean(value: str) -> str:
    """Text without control characters (XML and DOCX cannot hold them)."""
    return CONTROL.sub("", value)


def _el(parent: ET.Element, tag: str, text_value: str | None = None, **attrs: str) -> ET.Element:
    """An Akoma Ntoso element under ``parent``, its text and attributes cleaned of control characters."""
    child = ET.SubElement(parent, f"{{{AKN_NS}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
    if text_value is not None:
        child.text = _clean(text_value)
    return child


def to_akoma_ntoso(text: PublishedText) -> bytes:
    """Akoma Ntoso 3.0: a ``doc`` with FRBR identification, the adoption date, the clauses as
    numbered paragraphs (sub-clauses nested in their clause) and the annexes as attachments."""
    ET.register_namespace("", AKN_NS)
    root = ET.Element(f"{{{AKN_NS}}}akomaNtoso")
    doc = _el(root, "doc", name=text.document_slug)
    _akn_meta(_el(doc, "meta"), text)
    preface = _el(doc, "preface")
    _el(_el(preface, "p"), "docTitle", text.title)
    _el(preface, "p", _("Version {n}, adopted on {date}").format(n=text.version, date=text.adopted_on))
    _akn_clauses(_el(doc, "mainBody"), text)
    if text.statements or text.roll_calls:
        attachments = _el(doc, "attachments")
        if text.statements:
            _akn_statements(attachments, text)
        if text.roll_calls:
            _akn_roll_calls(attachments, text)
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue()


def _akn_meta(meta: ET.Element, text: PublishedText) -> None:
    """The FRBR identification (work, expression, manifestation), the adoption as the lifecycle's
    event, and the organisations and event it refers to."""
    date = text.adopted_on
    work = f"/akn/int/doc/{text.group_slug}/{date}/{text.document_slug}"
    expression = f"{work}/eng@v{text.version}"
    identification = _el(meta, "identification", source="#consensus")
    for level, this, uri in [
        ("FRBRWork", f"{work}/!main", work),
        ("FRBRExpression", f"{expression}/!main", expression),
        ("FRBRManifestation", f"{expression}/!main.xml", f"{expression}.akn"),
    ]:
        _akn_frbr(_el(identification, level), level, this, uri, text)
    lifecycle = _el(meta, "lifecycle", source="#consensus")
    _el(lifecycle, "eventRef", eId="evt_adoption", date=date, source="#adoption", refersTo="#adoption")
    references = _el(meta, "references", source="#consensus")
    _el(
        references,
        "TLCOrganization",
        eId=text.group_slug,
        href=f"/ontology/organizations/{text.group_slug}",
        showAs=text.group_name,
    )
    _el(references, "TLCOrganization", eId="consensus", href="/ontology/organizations/consensus", showAs="Consensus")
    _el(references, "TLCEvent", eId="adoption", href="/ontology/events/adoption", showAs=_adoption_sentence(text))


def _akn_frbr(frbr: ET.Element, level: str, this: str, uri: str, text: PublishedText) -> None:
    """One level of the FRBR identification."""
    _el(frbr, "FRBRthis", value=this)
    _el(frbr, "FRBRuri", value=uri)
    if level == "FRBRExpression":
        _el(frbr, "FRBRversionNumber", value=str(text.version))
    _el(frbr, "FRBRdate", date=text.adopted_on, name="adoption" if level != "FRBRManifestation" else "generation")
    _el(frbr, "FRBRauthor", href=f"#{text.group_slug}", **({"as": "#author"} if level == "FRBRWork" else {}))
    if level == "FRBRWork":
        _el(frbr, "FRBRcountry", value="int")
        _el(frbr, "FRBRname", value=text.title)
    if level == "FRBRExpression":
        _el(frbr, "FRBRlanguage", language="eng")


def _akn_clauses(body: ET.Element, text: PublishedText) -> None:
    """The clauses as numbered sections and paragraphs: sub-clauses nest inside their clause, and a
    clause with sub-clauses puts its text in <intro>."""
    stack: list[tuple[int, ET.Element]] = [(-1, body)]
    for index, clause in enumerate(text.clauses):
        while stack[-1][0] >= clause.depth:
            stack.pop()
        tag = ("section", "paragraph", "subparagraph")[min(clause.depth, 2)]
        node = _el(stack[-1][1], tag, eId="clause_" + clause.number.replace(".", "__"))
        _el(node, "num", clause.number)
        if clause.heading:
            _el(node, "heading", clause.heading)
        following = text.clauses[index + 1] if index + 1 < len(text.clauses) else None
        has_children = following is not None and following.depth > clause.depth
        block = _el(node, "intro" if has_children else "content")
        for part in _paragraphs(clause.text) or [""]:
            _el(block, "p", part)
        stack.append((clause.depth, node))


def _akn_statements(attachments: ET.Element, text: PublishedText) -> None:
    """Annex I: each delegation's reservations and explanations of position."""
    annex = _el(_el(attachments, "attachment"), "doc", name="reservations")
    _el(_el(annex, "preface"), "p", _("Annex I: reservations and explanations of position"))
    annex_body = _el(annex, "mainBody")
    for delegation, statements in text.statements.items():
        block = _el(annex_body, "tblock")
        _el(block, "heading", delegation)
        for s in statements:
            _el(block, "p", f"{_statement_label(s)}: {s.text}")
            if s.earlier:
                _el(block, "p", _earlier_note(s), **{"class": "stated-on-earlier-text"})


def _akn_roll_calls(attachments: ET.Element, text: PublishedText) -> None:
    """Annex II: the record of votes."""
    annex = _el(_el(attachments, "attachment"), "doc", name="votes")
    _el(_el(annex, "preface"), "p", _("Annex II: record of votes"))
    annex_body = _el(annex, "mainBody")
    for call in text.roll_calls:
        block = _el(annex_body, "tblock")
        _el(block, "heading", call.title)
        _el(block, "p", call.reason)
        for name, choice, explanation in call.votes:
            _el(block, "p", f"{name}: {choice_label(choice)}" + (f" — {explanation}" if explanation else ""))


def to_docx(text: PublishedText) -> bytes:
    """A Word document: title, adoption record, numbered clauses, annexes."""
    from docx import Document as Docx

    from consensus.publishing.wordml import Properties, set_properties

    docx = Docx()
    subject = f"{text.group_name}, version {text.version}, adopted {text.adopted_on}"
    set_properties(docx, Properties(text.group_name, text.title, subject, text.adoption.adopted_at, text.language))
    docx.add_heading(text.title, level=0)
    docx.add_paragraph(
        f"{text.group_name} — " + _("version {n}, adopted on {date}").format(n=text.version, date=text.adopted_on)
    )
    docx.add_heading(_("Adoption"), level=1)
    docx.add_paragraph(_adoption_sentence(text))
    for clause in text.clauses:
        docx.add_heading(f"{clause.number} {clause.heading}".strip(), level=min(2 + clause.depth, 9))
        for paragraph in _paragraphs(clause.text):
            docx.add_paragraph(paragraph)
    if text.statements:
        docx.add_heading(_("Annex I: reservations and explanations of position"), level=1)
        for delegation, statements in text.statements.items():
            docx.add_heading(delegation, level=2)
            for s in statements:
                docx.add_paragraph(f"{_statement_label(s)}: {s.text}", style="List Bullet")
                if s.earlier:
                    docx.add_paragraph(_earlier_note(s), style="List Bullet 2")
    if text.roll_calls:
        docx.add_heading(_("Annex II: record of votes"), level=1)
        for call in text.roll_calls:
            docx.add_heading(call.title, level=2)
            docx.add_paragraph(call.reason)
            if call.votes:
                table = docx.add_table(rows=1, cols=3)
                for cell, label in zip(
                    table.rows[0].cells, [_("Delegation"), _("Ballot"), _("Explanation")], strict=True
                ):
                    cell.text = label
                for name, choice, explanation in call.votes:
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text, cells[2].text = name, choice_label(choice), explanation
            else:
                docx.add_paragraph(_("Secret ballot. Took part: {names}.").format(names=", ".join(call.took_part)))
    for written in docx.paragraphs:
        for run in written.runs:
            run.text = _clean(run.text)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Format:
    """One way a published text is downloaded: ``v{n}.{suffix}``, served as ``media_type``, listed as
    ``label`` (the name of a file format, the same in every language), made by ``render``."""

    suffix: str
    media_type: str
    label: str
    render: Callable[[PublishedText, Environment], bytes]
    kept: bool = False
    """Rendered once and kept (``renders``): slow to make, or not byte for byte the same twice (the
    time it was written is in it), which one ETag for its content requires."""


EXPORTS: tuple[Format, ...] = (
    Format("html", "text/html", "HTML", lambda text, env: to_html(text, env).encode()),
    Format("md", "text/markdown", "Markdown", lambda text, env: to_markdown(text).encode()),
    Format("pdf", "application/pdf", "PDF", to_pdf, kept=True),
    Format(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
        lambda text, env: to_docx(text),
        kept=True,
    ),
    Format("json", "application/json", "JSON", lambda text, env: to_json(text)),
    Format("akn.xml", "application/akn+xml", "Akoma Ntoso XML", lambda text, env: to_akoma_ntoso(text)),
)
"""Every export format, in the order the public page lists them."""
BY_SUFFIX = {export.suffix: export for export in EXPORTS}
FORMATS = {export.suffix: export.media_type for export in EXPORTS}
"""Suffix → media type: the choices of ``consensus export --format``."""
SUFFIX_PATTERN = "|".join(re.escape(suffix) for suffix in sorted(BY_SUFFIX, key=len, reverse=True))
"""A regular expression matching any suffix (the download route's)."""


def render(text: PublishedText, fmt: str, env: Environment) -> bytes:
    """The published text in one of ``EXPORTS``, by its suffix."""
    export = BY_SUFFIX.get(fmt)
    if export is None:
        raise ValueError(f"unknown format {fmt}")
    return export.render(text, env)
