"""Drafts read from real files: written by LibreOffice (its .odt and .docx), by python-docx with
Word's automatic numbering as Word writes it, Markdown and UTF-16 text; and files refused by name
of what is wrong (empty, not a document, a zip bomb, an unknown encoding). The files are made once
by tests/data/drafts/make_fixtures.py and committed: these tests need no LibreOffice."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from consensus.core.clauses import Draft, DraftClause
from consensus.core.tally import ENGLISH
from consensus.documents.importing import UnreadableFile, read_draft


def said(draft: Draft) -> list[str]:
    return [ENGLISH.phrase(note) for note in draft.notes]


DRAFTS = Path(__file__).parent.parent / "data" / "drafts"
DECLARATION = "Draft Declaration on International Cooperation against Cyber Threats"


def read(name: str, title: str = "") -> Draft:
    return read_draft(name, (DRAFTS / name).read_bytes(), title)


def numbers(draft: Draft) -> list[str]:
    return [clause.number for clause in draft.clauses]


def clause(draft: Draft, number: str) -> DraftClause:
    return next(c for c in draft.clauses if c.number == number)


@pytest.mark.parametrize("name", ["declaration-lo.odt", "declaration-lo.docx"])
def test_a_libreoffice_file_gives_its_title_headings_numbered_clauses_lists_table_and_footnote(name: str) -> None:
    draft = read(name)
    assert draft.title == DECLARATION
    assert numbers(draft) == ["0", "1", "1.1", "2", "3", "4"]
    assert [c.heading for c in draft.clauses] == [
        "Preamble",
        "Common standards",
        "",
        "",
        "Information sharing",
        "Capacity building",
    ]
    assert clause(draft, "0").text.startswith("Recognising that cyber threats")
    assert clause(draft, "0").text.split("\n\n")[1].startswith("Aware that")
    assert clause(draft, "1").text.startswith("States should devise common standards")
    assert clause(draft, "1.1").text.splitlines()[2:] == [
        "(a) encryption;",
        "(b) data protection;",
        "(c) critical infrastructure security.",
    ]
    sharing = clause(draft, "3").text.split("\n\n")
    assert sharing == [
        "Computer Emergency Response Teams should exchange information in real time[1] about:",
        "- indicators of compromise;\n- hacking campaigns and malicious domains.",
        "Channel | Response time\nCERT hotline | 24 hours",
        "[1] As recommended by the Open-ended Working Group.",
    ]
    assert clause(draft, "4").text == "Developed States should share best practices with less capable partners."
    assert any("Clause 3: a table was kept as lines" in note for note in said(draft))
    assert any("Clause 3: footnotes [1]" in note for note in said(draft))


def test_word_automatic_numbering_gives_the_labels_a_reader_sees() -> None:
    draft = read("word-numbering.docx")
    assert draft.title == "Draft Declaration on Coordinated Response"
    assert numbers(draft) == ["0", "1", "1.1", "1.2", "2", "2.1", "3", "4", "5", "6"]
    assert clause(draft, "0").heading == "Purpose"
    assert clause(draft, "1").heading == "Coordinated response"
    assert clause(draft, "1").text.startswith("States should pool investigative resources")
    assert (
        clause(draft, "1.2").text
        == "Evidence gathering should be combined:\n\n(a) technical evidence;\n(b) digital evidence."
    )
    # numbered by its paragraph style, not by the paragraph itself
    assert clause(draft, "2").text == "Requests for assistance are answered without delay."
    # a second list on the same definition, restarted by startOverride
    assert clause(draft, "4").text.endswith("(i) mutual legal assistance;\n(ii) shared forensic laboratories.")
    assert clause(draft, "5").text.endswith("Delegation | Point of contact\nKEN | National KE-CERT")
    assert clause(draft, "6").heading == "Capacity building"
    assert clause(draft, "6").text.endswith("- training national CERT staff;\n- sharing best practices.")


def test_a_footnote_in_word_moves_to_the_end_of_its_clause() -> None:
    draft = read("word-numbering.docx")
    assert (
        clause(draft, "3").text
        == "Information requests follow the treaties in force[1].\n\n[1] Including mutual legal assistance treaties."
    )
    assert "Clause 3: footnotes [1] were moved to the end of the clause." in said(draft)


@pytest.mark.parametrize("name", ["word-numbering.docx", "tracked-lo.docx", "tracked-lo.odt"])
def test_tracked_changes_still_in_a_file_read_insertions_and_skip_deletions_with_a_note(name: str) -> None:
    draft = read(name)
    texts = " ".join(c.text for c in draft.clauses)
    assert "may be refused" not in texts and "unilateral" not in texts
    assert "Extradition is granted across frontiers." in texts or "combined evidence gathering amplify" in texts
    assert "The file still holds tracked changes: insertions were read as text, deletions left out." in said(draft)


def test_a_libreoffice_file_with_tracked_changes_gives_the_text_with_its_insertions() -> None:
    draft = read("tracked-lo.docx")
    assert draft.title == "Tracked draft"
    assert [(c.number, c.text) for c in draft.clauses] == [
        ("1", "States should pursue coordinated response strategies."),
        ("2", "Joint operations and combined evidence gathering amplify deterrence."),
    ]


def test_a_title_given_replaces_the_one_in_the_file() -> None:
    assert read("word-numbering.docx", title="Declaration").title == "Declaration"


def test_markdown_gives_headings_numbered_items_bullets_and_tables() -> None:
    draft = read("declaration.md")
    assert draft.title == DECLARATION
    assert numbers(draft) == ["0", "1", "2", "3"]
    assert clause(draft, "0").text.startswith(
        "Recognising that international cooperation between States on security in cyberspace is vital"
    )
    assert clause(draft, "1").heading == "Trust-building"
    assert (
        clause(draft, "2").text
        == "Regular dialogue between national CERTs should be supported:\n\n- through joint exercises;\n- through exchanges of staff."
    )
    assert clause(draft, "3").heading == "Capacity building"
    assert clause(draft, "3").text.endswith("Programme | Partners\nCERT training | 12 States")


def test_utf16_text_with_a_byte_order_mark_is_read() -> None:
    draft = read("declaration-utf16.txt")
    assert draft.title == DECLARATION
    assert [(c.number, c.heading) for c in draft.clauses] == [
        ("0", "Preamble"),
        ("1", "Common standards"),
        ("2", ""),
        ("3", ""),
    ]
    assert (
        clause(draft, "2").text
        == "States should share information on:\n\n(a) indicators of compromise;\n(b) malicious domains."
    )


def test_utf8_text_with_a_byte_order_mark_is_read() -> None:
    draft = read_draft("draft.txt", "\ufeffDraft\n\n1. States cooperate.\n".encode())
    assert draft == Draft("Draft", (DraftClause("1", "", "States cooperate."),))


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.docx", None, "No clauses found"),
        ("not-a-document.docx", None, "This is not a Word document: it is a PNG image."),
        ("bomb.docx", None, "The archive expands to more than 50 MB."),
        ("latin1.txt", None, "The file is not UTF-8 text"),
        ("draft.docx", b"", "The file is empty."),
        ("draft.docx", b"\x07random bytes that are no document", "This is not a Word document."),
        ("draft.odt", (DRAFTS / "word-numbering.docx").read_bytes(), "This is a Word document: name it .docx."),
        ("draft.docx", (DRAFTS / "declaration-lo.odt").read_bytes(), "This is an OpenDocument text: name it .odt."),
        ("draft.txt", (DRAFTS / "not-a-document.docx").read_bytes(), "This is not a text file (a PNG image)."),
        ("draft.pdf", b"%PDF-1.7", "Choose a .docx, .odt, .md or .txt file"),
        ("draft.txt", b"x" * (10 * 1024 * 1024 + 1), "The file is larger than 10 MB."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_naming_what_is_wrong(
    name: str, content: bytes | None, problem: str
) -> None:
    data = (DRAFTS / name).read_bytes() if content is None else content
    with pytest.raises(UnreadableFile) as refused:
        read_draft(name, data)
    assert problem in refused.value.message
    assert refused.value.status_code == 422


def test_an_archive_of_too_many_files_is_refused_before_it_is_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(2_001):
            archive.writestr(f"word/media/{n}.xml", "")
    with pytest.raises(UnreadableFile, match="more than 2000 files"):
        read_draft("draft.docx", buffer.getvalue())


def test_xml_with_an_entity_declaration_is_refused_not_expanded() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
        )
    with pytest.raises(UnreadableFile, match="declares a DTD"):
        read_draft("draft.odt", buffer.getvalue())
