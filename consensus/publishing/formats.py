"""The downloads of a published text: HTML, Markdown, PDF, DOCX, JSON and Akoma Ntoso XML.

Each is made from the same ``PublishedText``; each names the group, the document, the version and
the adoption date; in each, text typed by users stays inert (escaped for HTML, Markdown and XML;
plain runs in DOCX and PDF)."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from jinja2 import Environment

from consensus.i18n import _
from consensus.publishing.services import PublishedText, Statement
from consensus.validation import CONTROL

FORMATS = {
    "html": "text/html",
    "md": "text/markdown",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
    "akn.xml": "application/akn+xml",
}
AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"


def to_html(text: PublishedText, env: Environment) -> str:
    """A self-contained HTML file (styles inline, print styles included, no scripts)."""
    return env.get_template("public/standalone.html").render(text=text)


def _refuse_urls(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"no external resources in published PDFs ({url})")


def to_pdf(text: PublishedText, env: Environment) -> bytes:
    """A PDF from the self-contained HTML (WeasyPrint; nothing is fetched from anywhere)."""
    from weasyprint import HTML

    return HTML(string=to_html(text, env), url_fetcher=_refuse_urls).write_pdf()  # type: ignore[no-any-return]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md_escape(value: str) -> str:
    """Typed text as inert Markdown: HTML-significant characters as entities, markup escaped."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value).replace("&gt;", "&gt;")


def to_markdown(text: PublishedText) -> str:
    lines = [
        f"# {md_escape(text.title)}",
        "",
        f"{md_escape(text.group_name)} — "
        + _("version {n}, adopted on {date}").format(n=text.version, date=text.adopted_on),
        "",
        "## " + _("Adoption"),
        "",
        _adoption_sentence(text, md_escape),
        "",
    ]
    for clause in text.clauses:
        hashes = "#" * min(6, 2 + clause.depth)
        heading = f" {md_escape(clause.heading)}" if clause.heading else ""
        lines += [f"{hashes} {md_escape(clause.number)}{heading}", ""]
        lines += [md_escape(paragraph) + "\n" for paragraph in _paragraphs(clause.text)]
    if text.statements:
        lines += ["## " + _("Annex I: reservations and explanations of position"), ""]
        for delegation, statements in text.statements.items():
            lines += [f"### {md_escape(delegation)}", ""]
            for s in statements:
                lines.append(f"- {md_escape(_statement_label(s))}: {md_escape(s.text)}")
                if s.earlier:
                    lines.append(f"  - *{md_escape(_earlier_note(s))}*")
            lines.append("")
    if text.roll_calls:
        lines += ["## " + _("Annex II: record of votes"), ""]
        for call in text.roll_calls:
            lines += [f"### {md_escape(call.title)}", "", md_escape(call.reason), ""]
            if call.secret:
                lines += [
                    _("Secret ballot. Took part: {names}.").format(
                        names=", ".join(md_escape(n) for n in call.took_part)
                    ),
                    "",
                ]
            else:
                lines += [
                    "| " + " | ".join([_("Delegation"), _("Ballot"), _("Explanation")]) + " |",
                    "| --- | --- | --- |",
                ]
                lines += [f"| {md_escape(n)} | {md_escape(c)} | {md_escape(x)} |" for n, c, x in call.votes]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _statement_label(statement: Any) -> str:
    if statement.kind == "explanation":
        return _("explanation of vote ({choice}) in “{round}”").format(choice=statement.choice, round=statement.subject)
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


def to_akoma_ntoso(text: PublishedText) -> bytes:
    """Akoma Ntoso 3.0: a ``doc`` with FRBR identification, the adoption date, the clauses as
    numbered paragraphs (sub-clauses nested in their clause) and the annexes as attachments."""
    ET.register_namespace("", AKN_NS)

    def el(parent: ET.Element, tag: str, text_value: str | None = None, **attrs: str) -> ET.Element:
        child = ET.SubElement(parent, f"{{{AKN_NS}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
        if text_value is not None:
            child.text = _clean(text_value)
        return child

    date = text.adopted_on
    work = f"/akn/int/doc/{text.group_slug}/{date}/{text.document_slug}"
    expression = f"{work}/eng@v{text.version}"
    root = ET.Element(f"{{{AKN_NS}}}akomaNtoso")
    doc = el(root, "doc", name=text.document_slug)
    meta = el(doc, "meta")
    identification = el(meta, "identification", source="#consensus")
    for level, this, uri in [
        ("FRBRWork", f"{work}/!main", work),
        ("FRBRExpression", f"{expression}/!main", expression),
        ("FRBRManifestation", f"{expression}/!main.xml", f"{expression}.akn"),
    ]:
        frbr = el(identification, level)
        el(frbr, "FRBRthis", value=this)
        el(frbr, "FRBRuri", value=uri)
        if level == "FRBRExpression":
            el(frbr, "FRBRversionNumber", value=str(text.version))
        el(frbr, "FRBRdate", date=date, name="adoption" if level != "FRBRManifestation" else "generation")
        el(frbr, "FRBRauthor", href=f"#{text.group_slug}", **({"as": "#author"} if level == "FRBRWork" else {}))
        if level == "FRBRWork":
            el(frbr, "FRBRcountry", value="int")
            el(frbr, "FRBRname", value=text.title)
        if level == "FRBRExpression":
            el(frbr, "FRBRlanguage", language="eng")
    lifecycle = el(meta, "lifecycle", source="#consensus")
    el(lifecycle, "eventRef", eId="evt_adoption", date=date, source="#adoption", refersTo="#adoption")
    references = el(meta, "references", source="#consensus")
    el(
        references,
        "TLCOrganization",
        eId=text.group_slug,
        href=f"/ontology/organizations/{text.group_slug}",
        showAs=text.group_name,
    )
    el(references, "TLCOrganization", eId="consensus", href="/ontology/organizations/consensus", showAs="Consensus")
    el(references, "TLCEvent", eId="adoption", href="/ontology/events/adoption", showAs=_adoption_sentence(text))
    preface = el(doc, "preface")
    el(el(preface, "p"), "docTitle", text.title)
    el(preface, "p", _("Version {n}, adopted on {date}").format(n=text.version, date=date))
    body = el(doc, "mainBody")
    # Sub-clauses nest inside their clause; a clause with sub-clauses puts its text in <intro>.
    stack: list[tuple[int, ET.Element]] = [(-1, body)]
    for index, clause in enumerate(text.clauses):
        while stack[-1][0] >= clause.depth:
            stack.pop()
        tag = ("section", "paragraph", "subparagraph")[min(clause.depth, 2)]
        node = el(stack[-1][1], tag, eId="clause_" + clause.number.replace(".", "__"))
        el(node, "num", clause.number)
        if clause.heading:
            el(node, "heading", clause.heading)
        following = text.clauses[index + 1] if index + 1 < len(text.clauses) else None
        has_children = following is not None and following.depth > clause.depth
        block = el(node, "intro" if has_children else "content")
        for part in _paragraphs(clause.text) or [""]:
            el(block, "p", part)
        stack.append((clause.depth, node))
    if text.statements or text.roll_calls:
        attachments = el(doc, "attachments")
        if text.statements:
            annex = el(el(attachments, "attachment"), "doc", name="reservations")
            el(el(annex, "preface"), "p", _("Annex I: reservations and explanations of position"))
            annex_body = el(annex, "mainBody")
            for delegation, statements in text.statements.items():
                block = el(annex_body, "tblock")
                el(block, "heading", delegation)
                for s in statements:
                    el(block, "p", f"{_statement_label(s)}: {s.text}")
                    if s.earlier:
                        el(block, "p", _earlier_note(s), **{"class": "stated-on-earlier-text"})
        if text.roll_calls:
            annex = el(el(attachments, "attachment"), "doc", name="votes")
            el(el(annex, "preface"), "p", _("Annex II: record of votes"))
            annex_body = el(annex, "mainBody")
            for call in text.roll_calls:
                block = el(annex_body, "tblock")
                el(block, "heading", call.title)
                el(block, "p", call.reason)
                for name, choice, explanation in call.votes:
                    el(block, "p", f"{name}: {choice}" + (f" — {explanation}" if explanation else ""))
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue()


def to_docx(text: PublishedText) -> bytes:
    """A Word document: title, adoption record, numbered clauses, annexes."""
    from docx import Document as Docx

    docx = Docx()
    docx.core_properties.title = text.title
    docx.core_properties.subject = f"{text.group_name}, version {text.version}, adopted {text.adopted_on}"
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
                    cells[0].text, cells[1].text, cells[2].text = name, choice, explanation
            else:
                docx.add_paragraph(_("Secret ballot. Took part: {names}.").format(names=", ".join(call.took_part)))
    for paragraph in docx.paragraphs:
        for run in paragraph.runs:
            run.text = _clean(run.text)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def render(text: PublishedText, fmt: str, env: Environment) -> bytes:
    """The published text in one of ``FORMATS``."""
    if fmt == "html":
        return to_html(text, env).encode()
    if fmt == "md":
        return to_markdown(text).encode()
    if fmt == "pdf":
        return to_pdf(text, env)
    if fmt == "docx":
        return to_docx(text)
    if fmt == "json":
        return to_json(text)
    if fmt == "akn.xml":
        return to_akoma_ntoso(text)
    raise ValueError(f"unknown format {fmt}")
