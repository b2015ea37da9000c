"""Word out: the comparison of two versions as a Word file with real tracked changes (read back by
LibreOffice and on the XML), a clean version that the importer reads back into the same clauses,
a version with its pending amendments as tracked changes and comments, and the same for print."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select
from sqlmodel import Session

from consensus.amendments import services as amendments
from consensus.audit.services import Actor
from consensus.core.groupfile import check_group_file
from consensus.documents import versions
from consensus.documents.corrections import correct_clause
from consensus.documents.importing import read_draft
from consensus.groups.services import load_group_file
from consensus.models import Amendment, Clause, Version
from tests.conftest import D, q, who
from tests.wordfiles import libreoffice_resolved, part, resolved, revisions, w

G, DOC = "oewg-ict", "declaration"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WORDS_2 = (
    "This Declaration applies to cooperation among States",
    "This Declaration applies to cooperation amongst States",
)


def accepted(db: Session, author: str, number: str, data: amendments.AmendmentInput) -> int:
    amendment_id = amendments.propose(db, who(db, f"{author}@demo.example"), G, DOC, number, data)
    amendments.decide(db, who(db, "chair@demo.example"), G, amendment_id, "accepted", "")
    return amendment_id


def clauses(db: Session, version: int) -> list[tuple[str, str, str, str]]:
    return [
        (number, lineage, heading, text)
        for number, lineage, heading, text in q(db)
        .execute(
            select(Clause.number, Clause.lineage, Clause.heading, Clause.text)
            .join(Version, Version.id == Clause.version_id)
            .where(Version.number == version, Version.document_id == 1)
            .order_by(Clause.position)
        )
        .all()
    ]


@pytest.fixture
def consolidated(db: Session) -> dict[str, Any]:
    """Version 2, made from version 1 by Kenya's new text (and heading) for 3.2, India's clause
    inserted after 1.1 (so 1.2 becomes 1.3) and Brazil's deletion of 4.4; then the secretariat
    corrects a word of clause 2 editorially."""
    ids = {
        "Kenya": accepted(
            db,
            "ken.head",
            "3.2",
            amendments.AmendmentInput(
                "replace", "States shall protect personal data shared under this Declaration.", heading="Data"
            ),
        ),
        "India": accepted(
            db,
            "ind.head",
            "1.1",
            amendments.AmendmentInput("insert", "States shall meet once a year.", heading="Meetings"),
        ),
        "Brazil": accepted(db, "bra.head", "4.4", amendments.AmendmentInput("delete")),
    }
    secretariat = who(db, "secretariat@demo.example")
    assert versions.consolidate_version(db, secretariat, G, DOC) == 2
    text_2 = next(t for n, _l, _h, t in clauses(db, 2) if n == "2")
    correct_clause(db, secretariat, G, DOC, "2", text_2.replace(*WORDS_2), "A typo.")
    return ids


def clause_lines(rows: list[tuple[str, str, str, str]]) -> list[str]:
    """What a reader sees of each clause: its heading line, then its text."""
    lines = []
    for number, _lineage, heading, text in rows:
        lines += [f"{number} {heading}".strip(), text]
    return lines


def download(client: Any, path: str, media_type: str = DOCX) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith(media_type)
    assert "attachment" in response.headers["content-disposition"]
    return response.content


def test_accepting_every_change_of_the_comparison_gives_the_newer_version_and_rejecting_the_older(
    browsers, db: Session, consolidated: dict[str, Any], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    content = download(browsers("ken.delegate"), f"{D}/compare.docx?from=1&to=2")
    title = "Draft Declaration on International Cooperation to Counter Transnational Cyber Threats"
    newer, older = clause_lines(clauses(db, 2)), clause_lines(clauses(db, 1))
    accepted_text = resolved(content, accept=True)
    rejected_text = resolved(content, accept=False)
    assert accepted_text[0] == title and accepted_text[2:] == newer
    assert rejected_text[2:] == older
    # LibreOffice Writer itself, with Accept All and Reject All.
    by_writer = libreoffice_resolved(content, True, tmp_path / "lo")
    assert [line for line in by_writer if line][2:] == newer
    by_writer = libreoffice_resolved(content, False, tmp_path / "lo")
    assert [line for line in by_writer if line][2:] == older


def _changes(content: bytes) -> list[tuple[str, str, str]]:
    """(kind, author, text) of each tracked change of runs."""
    found = []
    for element in revisions(content):
        if element.getparent().tag == w("rPr"):
            continue
        text = "".join(t.text or "" for t in element.iter(w("t"), w("delText")))
        found.append((etree.QName(element).localname, element.get(w("author")), text))
    return found


def test_each_change_is_on_the_account_of_the_delegation_whose_amendment_made_it(
    browsers, db: Session, consolidated: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    content = download(browsers("observer"), f"{D}/compare.docx?from=1&to=2")
    changes = _changes(content)
    by_author: dict[str, str] = {}
    for kind, author, text in changes:
        by_author[author] = by_author.get(author, "") + f"[{kind}:{text}]"
    assert set(by_author) == {"Kenya", "India", "Brazil", "Secretariat"}
    assert "[ins:States shall meet once a year.]" in by_author["India"] and "[ins:1.2]" in by_author["India"]
    assert "[ins: Meetings]" in by_author["India"]
    assert "[del:should][ins:shall]" in by_author["Kenya"]  # the text, word by word
    assert "[del: protection]" in by_author["Kenya"]  # the heading "Personal data protection" became "Data"
    four_four = next(t for n, _l, _h, t in clauses(db, 1) if n == "4.4")
    assert f"[del:{four_four}]" in by_author["Brazil"]
    assert "[del:among]" in by_author["Secretariat"] and "[ins:amongst]" in by_author["Secretariat"]
    assert "[del:1.2][ins:1.3]" in by_author["Secretariat"]  # renumbering is the consolidation's
    # Paragraph marks: the inserted clause's two paragraphs are inserted by India, the deleted ones deleted by Brazil.
    marks = [
        (etree.QName(e).localname, e.get(w("author"))) for e in revisions(content) if e.getparent().tag == w("rPr")
    ]
    assert marks.count(("ins", "India")) == 2 and marks.count(("del", "Brazil")) == 2
    # Every revision has its own id, an author and a date in ISO 8601 UTC; Kenya's is its decision's.
    ids = [e.get(w("id")) for e in revisions(content)]
    assert len(ids) == len(set(ids)) and all(ids)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.get(w("date")) or "") for e in revisions(content))
    decided = q(db).execute(select(Amendment.decided_at).where(Amendment.id == consolidated["Kenya"])).scalar_one()
    kenya_dates = {e.get(w("date")) for e in revisions(content) if e.get(w("author")) == "Kenya"}
    assert kenya_dates == {decided.strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_the_word_files_carry_their_own_properties_and_open_in_python_docx(
    browsers, db: Session, consolidated: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    client = browsers("ken.delegate")
    for path in (f"{D}/compare.docx?from=1&to=2", f"{D}/versions/2/text.docx", f"{D}/versions/2/amendments.docx"):
        content = download(client, path)
        document = docx.Document(io.BytesIO(content))
        properties = document.core_properties
        assert properties.author == "Open-ended Working Group on Security of and in the Use of ICTs", path
        assert properties.title.startswith("Draft Declaration on International Cooperation")
        assert properties.created.year >= 2026 and properties.last_modified_by != "python-docx"
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert not [name for name in archive.namelist() if "thumbnail" in name.lower()], path
        assert b"python-docx" not in (part(content, "docProps/core.xml") or b"")
        assert b"Microsoft" not in (part(content, "docProps/app.xml") or b"")
        assert part(content, "customXml/item1.xml") is None


def test_a_clean_version_reads_back_into_the_same_clauses(browsers, db: Session, consolidated: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    client = browsers("ken.delegate")
    for version in (1, 2):
        content = download(client, f"{D}/versions/{version}/text.docx")
        draft = read_draft("x.docx", content)
        expected = clauses(db, version)
        assert draft.title.startswith("Draft Declaration")
        assert [(c.number, c.heading, c.text) for c in draft.clauses] == [(n, h, t) for n, _l, h, t in expected]
        names = [
            b.get(w("name")) for b in etree.fromstring(part(content, "word/document.xml")).iter(w("bookmarkStart"))
        ]
        assert names == ["c" + lineage.replace("-", "") for _n, lineage, _h, _t in expected]
        assert not revisions(content)


def test_pending_amendments_are_tracked_changes_of_their_delegations_with_a_comment_each(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    def propose(author: str, number: str, data: amendments.AmendmentInput) -> int:
        return amendments.propose(db, who(db, f"{author}@demo.example"), G, DOC, number, data)

    kenya = propose(
        "ken.head", "3.2", amendments.AmendmentInput("replace", "States shall protect data.", "To be brief.")
    )
    amendments.sponsor(db, who(db, "ind.head@demo.example"), G, kenya)
    japan = propose("jpn.head", "3.2", amendments.AmendmentInput("replace", "States may protect data."))
    brazil = propose("bra.head", "1.1", amendments.AmendmentInput("insert", "A clause of Brazil's.", heading="New"))
    germany = propose("deu.head", "5.1", amendments.AmendmentInput("delete"))
    withdrawn = propose("ken.head", "2", amendments.AmendmentInput("replace", "Withdrawn words."))
    amendments.withdraw(db, who(db, "ken.head@demo.example"), G, withdrawn)
    rejected = propose("ind.head", "2.1", amendments.AmendmentInput("replace", "Rejected words."))
    amendments.decide(db, who(db, "chair@demo.example"), G, rejected, "rejected", "No.")

    content = download(browsers("observer"), f"{D}/versions/1/amendments.docx")
    authors = {e.get(w("author")) for e in revisions(content)}
    assert authors == {"Kenya", "Japan", "Brazil", "Germany"}
    comments = etree.fromstring(part(content, "word/comments.xml"))
    notes = {c.get(w("author")): "".join(t.text or "" for t in c.iter(w("t"))) for c in comments.iter(w("comment"))}
    assert set(notes) == {"Kenya", "Japan", "Brazil", "Germany"}
    assert (
        notes["Kenya"].startswith(f"Amendment {kenya} by Kenya, co-sponsored by India")
        and "To be brief." in notes["Kenya"]
    )
    assert f"Amendment {japan} by Japan" in notes["Japan"] and "competes" in notes["Japan"]
    assert f"Amendment {brazil} by Brazil" in notes["Brazil"] and f"Amendment {germany} by Germany" in notes["Germany"]
    root = etree.fromstring(part(content, "word/document.xml"))
    body = etree.tostring(root).decode()
    assert "Withdrawn words." not in body and "Rejected words." not in body
    assert f"Amendment {withdrawn}" not in str(notes)
    # Revisions, bookmarks and comments each have an id no other annotation has.
    ids = [e.get(w("id")) for e in root.iter(w("ins"), w("del"), w("bookmarkStart"), w("commentRangeStart"))]
    assert len(ids) == len(set(ids)) and len(ids) > 8
    assert {c.get(w("id")) for c in comments.iter(w("comment"))} == {
        e.get(w("id")) for e in root.iter(w("commentRangeStart"))
    }
    # Accepting Kenya's and rejecting the rest gives Kenya's text in clause 3.2.
    kenya_only = [t for t in resolved(content, accept=True) if "protect data" in t]
    assert kenya_only == ["States shall protect data.", "States may protect data."]
    changes = _changes(content)
    assert ("ins", "Japan", "States may protect data.") in changes
    assert ("ins", "Brazil", "A clause of Brazil's.") in changes
    five_one = next(t for n, _l, _h, t in clauses(db, 1) if n == "5.1")
    assert ("del", "Germany", five_one) in changes


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_printed_comparison_and_amendments_have_a_legend_and_the_words_changed(
    browsers, db: Session, consolidated: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    client = browsers("ken.delegate")
    text = _pdf_text(download(client, f"{D}/compare.pdf?from=1&to=2", "application/pdf"))
    assert "Inserted text is underlined" in text and "Deleted text is struck through" in text
    for author in ("Kenya", "India", "Brazil", "Secretariat"):
        assert author in text
    assert "States shall meet once a year." in text and "amongst" in text and "among" in text
    amendments.propose(
        db,
        who(db, "ken.head@demo.example"),
        G,
        DOC,
        "3.2",
        amendments.AmendmentInput("replace", "Protected words here."),
    )
    printed = _pdf_text(download(client, f"{D}/versions/2/amendments.pdf", "application/pdf"))
    assert "Inserted text is underlined" in printed and "Protected" in printed and "Kenya" in printed


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 0), ("?from=1", 0), ("?from=one&to=2", 0), ("?from=1&to=9", 404), ("?from=1&to=1", 422), ("?from=0&to=2", 0)],
)
def test_bad_versions_to_compare_get_a_clear_page_not_a_file(
    browsers, consolidated: dict[str, Any], query: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    """Refused as the comparison page refuses the same address (``status`` 0), or with the status given."""
    client = browsers("ken.delegate")
    expected = status or client.get(f"{D}/compare{query}").status_code
    assert 400 <= expected < 500
    for suffix in ("docx", "pdf"):
        response = client.get(f"{D}/compare.{suffix}{query}")
        assert response.status_code == expected, (suffix, query, response.text[:300])
        if query == "?from=1&to=1":
            assert "Choose two different versions to compare." in response.text
        assert response.headers["content-type"].startswith("text/html")
    for path in (f"{D}/versions/9/text.docx", f"{D}/versions/9/amendments.docx", f"{D}/versions/9/amendments.pdf"):
        assert client.get(path).status_code == 404


def test_a_document_in_preparation_is_not_there_for_a_delegate(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    spec = check_group_file(
        {
            "group": {"slug": G, "name": "Open-ended Working Group on Security of and in the Use of ICTs"},
            "delegations": [{"code": "KEN", "name": "Kenya", "weight": "54.03"}],
            "documents": [
                {
                    "slug": "draft",
                    "title": "A draft",
                    "status": "preparation",
                    "clauses": [{"number": "1", "heading": "One", "text": "Text."}],
                }
            ],
        }
    )
    load_group_file(db, spec, Actor.command_line(), "test")
    base = f"/groups/{G}/documents/draft"
    for path in (
        f"{base}/compare.docx?from=1&to=1",
        f"{base}/compare.pdf?from=1&to=1",
        f"{base}/versions/1/text.docx",
        f"{base}/versions/1/amendments.docx",
        f"{base}/versions/1/amendments.pdf",
    ):
        assert browsers("ken.head").get(path).status_code == 404, path
        assert browsers("secretariat").get(path).status_code in (200, 422), path


def _document_of(db: Session, slug: str, size: int) -> None:
    """A document of ``size`` clauses, consolidated once (a replacement, an insertion, a deletion on
    each third clause), with an amendment pending on every clause of version 2."""
    spec = check_group_file(
        {
            "group": {"slug": G, "name": "Open-ended Working Group on Security of and in the Use of ICTs"},
            "delegations": [{"code": "KEN", "name": "Kenya", "weight": "54.03"}],
            "documents": [
                {
                    "slug": slug,
                    "title": f"A document of {size} clauses",
                    "clauses": [
                        {"number": str(i), "heading": f"H{i}", "text": f"Text {i}."} for i in range(1, size + 1)
                    ],
                }
            ],
        }
    )
    load_group_file(db, spec, Actor.command_line(), "test")
    ken, chair = who(db, "ken.head@demo.example"), who(db, "chair@demo.example")
    kinds = [
        amendments.AmendmentInput("replace", "New words."),
        amendments.AmendmentInput("insert", "More."),
        amendments.AmendmentInput("delete"),
    ]
    for i in range(1, size + 1, 3):
        for offset, data in enumerate(kinds):
            if i + offset <= size:
                amendment_id = amendments.propose(db, ken, G, slug, str(i + offset), data)
                amendments.decide(db, chair, G, amendment_id, "accepted", "")
    versions.consolidate_version(db, who(db, "secretariat@demo.example"), G, slug)
    for number, *_rest in [row for row in _numbers(db, slug)]:
        amendments.propose(db, ken, G, slug, number, amendments.AmendmentInput("replace", "Pending words."))


def _numbers(db: Session, slug: str) -> list[tuple[str]]:
    from consensus.models import Document

    return [
        (number,)
        for (number,) in q(db)
        .execute(
            select(Clause.number)
            .join(Version, Version.id == Clause.version_id)
            .join(Document, Document.id == Version.document_id)
            .where(Document.slug == slug, Version.number == 2)
        )
        .all()
    ]


def test_the_downloads_do_not_query_per_clause_version_or_amendment(make_client, settings, db: Session) -> None:  # type: ignore[no-untyped-def]
    from litestar.testing import TestClient

    from consensus.app import create_app
    from tests.conftest import login
    from tests.integration.test_query_counts import counted

    _document_of(db, "small", 3)
    _document_of(db, "large", 30)
    counts: dict[str, list[int]] = {}
    with TestClient(create_app(settings, run_deadlines=False)) as client:
        login(client, "ken.delegate@demo.example")
        for slug in ("small", "large"):
            base = f"/groups/{G}/documents/{slug}"
            paths = [
                f"{base}/compare.docx?from=1&to=2",
                f"{base}/compare.pdf?from=2&to=1",
                f"{base}/versions/2/text.docx",
            ]
            paths += [f"{base}/versions/2/amendments.docx", f"{base}/versions/2/amendments.pdf"]
            for path in paths:
                client.get(path)  # warm caches
                with counted(client) as statements:
                    assert client.get(path).status_code == 200, path
                counts.setdefault(path.replace(slug, "-"), []).append(len(statements))
    assert all(small == large for small, large in counts.values()), counts
    assert max(max(c) for c in counts.values()) <= 12, counts


def test_the_document_versions_and_comparison_pages_link_to_the_downloads(
    browsers, consolidated: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    client = browsers("ken.delegate")
    expected = {
        f"{D}/compare.docx?from=1&amp;to=2",
        f"{D}/compare.pdf?from=1&amp;to=2",
        f"{D}/versions/2/text.docx",
        f"{D}/versions/2/amendments.docx",
        f"{D}/versions/2/amendments.pdf",
    }
    for page in (D, f"{D}/versions", f"{D}/compare?from=1&to=2"):
        html = client.get(page).text
        assert "Downloads" in html
        links = set(re.findall(r'href="([^"]+\.(?:docx|pdf)[^"]*)"', html))
        assert expected <= links, (page, links)
    for link in expected:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    assert "text.docx" in client.get(f"{D}?version=1").text


def test_an_arabic_document_is_written_right_to_left(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    spec = check_group_file(
        {
            "group": {"slug": G, "name": "Open-ended Working Group on Security of and in the Use of ICTs"},
            "delegations": [{"code": "KEN", "name": "Kenya", "weight": "54.03"}],
            "documents": [
                {
                    "slug": "arabic",
                    "title": "مشروع إعلان",
                    "language": "ar",
                    "clauses": [{"number": "1", "heading": "الغرض", "text": "تتعاون الدول في مجال الأمن."}],
                }
            ],
        }
    )
    load_group_file(db, spec, Actor.command_line(), "test")
    client = browsers("ken.delegate")
    content = download(client, f"/groups/{G}/documents/arabic/versions/1/text.docx")
    root = etree.fromstring(part(content, "word/document.xml"))
    paragraphs = list(root.iter(w("p")))
    assert paragraphs and all(p.find(f"{w('pPr')}/{w('bidi')}") is not None for p in paragraphs)
    runs = [r for r in root.iter(w("r")) if r.find(w("t")) is not None]
    assert runs and all(r.find(f"{w('rPr')}/{w('rtl')}") is not None for r in runs)
    assert [(c.number, c.heading, c.text) for c in read_draft("x.docx", content).clauses] == [
        ("1", "الغرض", "تتعاون الدول في مجال الأمن.")
    ]
    printed = client.get(f"/groups/{G}/documents/arabic/versions/1/amendments.pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")


def test_over_several_versions_each_delegation_is_credited_with_its_own_words(
    browsers, db: Session, consolidated: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    three_two = next(t for n, _l, _h, t in clauses(db, 2) if n == "3.2")
    accepted(db, "jpn.head", "3.2", amendments.AmendmentInput("replace", three_two.replace("shall", "must")))
    assert versions.consolidate_version(db, who(db, "secretariat@demo.example"), G, DOC) == 3
    client = browsers("ken.delegate")
    content = download(client, f"{D}/compare.docx?from=1&to=3")
    assert resolved(content, accept=True)[2:] == clause_lines(clauses(db, 3))
    assert resolved(content, accept=False)[2:] == clause_lines(clauses(db, 1))
    changes = _changes(content)
    assert ("ins", "Japan", "must") in changes and ("ins", "Kenya", "shall") not in changes
    assert any(author == "Kenya" and "shared" in text for _kind, author, text in changes)
    # Read backwards, from version 2 to version 1: accepting gives version 1.
    backwards = download(client, f"{D}/compare.docx?from=2&to=1")
    assert resolved(backwards, accept=True)[2:] == clause_lines(clauses(db, 1))
    assert resolved(backwards, accept=False)[2:] == clause_lines(clauses(db, 2))
    assert {author for _kind, author, _text in _changes(backwards)} == {"Kenya", "India", "Brazil", "Secretariat"}
