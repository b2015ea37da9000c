"""The ISO commenting template through HTTP: the comment table exported as the Word form and as a
spreadsheet (re-opened and read cell by cell), and filled forms imported (Word, Excel, CSV as Excel
writes it) with a preview, per-row errors, and nothing written unless every row is good."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import docx
import openpyxl
from docx.oxml.ns import qn
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.comments import isoform
from consensus.models import AuditEvent, Comment, Delegation
from tests.conftest import D, clause_url, csrf_token, post_form, q

HEADINGS_2012 = [
    "MB/NC¹",
    "Line number\n(e.g. 17)",
    "Clause/ Subclause\n(e.g. 3.1)",
    "Paragraph/ Figure/ Table/\n(e.g. Table 1)",
    "Type of comment²",
    "Comments",
    "Proposed change",
    "Observations of the secretariat",
]
IMPORT = f"{D}/comments/import"
API_IMPORT = "/api/v1/groups/oewg-ict/documents/declaration/comments/import"
CSV_TYPE = "text/csv"
GROUP_NAME = "Open-ended Working Group on Security of and in the Use of ICTs"


def comment_on(client, number: str, body: str, kind: str = "technical", **fields: str):  # type: ignore[no-untyped-def]
    response = post_form(client, f"{clause_url(number)}/comments", {"kind": kind, "body": body, **fields}, page=D)
    assert response.status_code == 303, response.text
    return response


def stored(db: Session, code: str) -> list[tuple[str, str, str, str, str]]:
    """The delegation's comments as (clause, kind, paragraph, body, proposed change), in order."""
    from consensus.models import Clause

    rows = q(db).execute(
        select(Clause.number, Comment.kind, Comment.paragraph, Comment.body, Comment.proposed_change)
        .join(Clause, Clause.id == Comment.clause_id)
        .join(Delegation, Delegation.id == Comment.delegation_id)
        .where(Delegation.code == code)
        .order_by(Comment.id)
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


def comment_count(db: Session) -> int:
    return q(db).execute(select(func.count()).select_from(Comment)).scalar_one()


def word_form(rows: list[list[str]], *, headings: list[str] = HEADINGS_2012) -> bytes:
    """A form as a national body fills it in Word: the header table, then the comment table."""
    form = docx.Document()
    head = form.add_table(rows=1, cols=4)
    for cell, text in zip(
        head.rows[0].cells,
        ["Template for comments and secretariat observations", "Date: 2026-11-20", "Document: Draft", "Project:"],
        strict=True,
    ):
        cell.text = text
    form.add_paragraph()
    table = form.add_table(rows=1, cols=len(headings))
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=False):
            cell.text = text
    out = io.BytesIO()
    form.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str, delegation: str = ""):  # type: ignore[no-untyped-def]
    token = csrf_token(client, IMPORT)
    return client.post(
        IMPORT,
        data={"_csrf_token": token, "delegation": delegation},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def confirm(client, preview_html: str):  # type: ignore[no-untyped-def]
    """Press the preview's Import button: post back its hidden fields, as a browser does."""
    import re

    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', preview_html))
    assert "file_data" in fields, "the preview offers no import"
    return client.post(f"{IMPORT}/confirm", data=fields, follow_redirects=False)


# --- export ----------------------------------------------------------------------------------------


def test_the_word_export_is_the_iso_form_read_back_cell_by_cell(browsers) -> None:  # type: ignore[no-untyped-def]
    ken, secretariat = browsers("ken.head"), browsers("secretariat")
    comment_on(ken, "3.2", "The scope is unclear.\nSecond paragraph.", proposed_change="Say 'data'.", paragraph="2")
    comment_on(ken, "4.1", "=1+1 is not a formula here", kind="editorial")
    before = datetime.now(UTC) - timedelta(seconds=5)
    response = secretariat.get(f"{D}/comments.docx?delegation=KEN")
    assert response.status_code == 200
    assert response.headers["content-type"] == isoform.DOCX_TYPE
    assert 'filename="oewg-ict-declaration-comments.docx"' in response.headers["content-disposition"]
    form = docx.Document(io.BytesIO(response.content))
    section = form.sections[0]
    assert section.page_width > section.page_height and section.orientation == 1  # landscape
    head, table = form.tables
    assert head.rows[0].cells[0].text == "Template for comments and secretariat observations"
    assert head.rows[0].cells[1].text.startswith("Date: ")
    assert head.rows[0].cells[2].text.startswith("Document: ") and "version 1" in head.rows[0].cells[2].text
    assert [cell.text for cell in table.rows[0].cells] == [
        "MB/NC¹",
        "Line number\n(e.g. 17)",
        "Clause/Subclause\n(e.g. 3.1)",
        "Paragraph/Figure/Table\n(e.g. Table 1)",
        "Type of comment²",
        "Comments",
        "Proposed change",
        "Observations of the secretariat",
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert [[cell.text for cell in row.cells] for row in table.rows[1:]] == [
        ["KEN", "", "3.2", "2", "te", "The scope is unclear.\nSecond paragraph.", "Say 'data'.", ""],
        ["KEN", "", "4.1", "", "ed", "=1+1 is not a formula here", "", ""],
    ]
    assert [column.width.twips for column in table.columns] == [606, 908, 1209, 1209, 1115, 4177, 4233, 2419]
    properties = form.core_properties
    assert properties.title.startswith("Comments on ")
    assert properties.author == properties.last_modified_by == GROUP_NAME and properties.comments == ""
    assert properties.created.replace(tzinfo=UTC) >= before.replace(microsecond=0)
    assert "docProps/thumbnail.jpeg" not in zipfile.ZipFile(io.BytesIO(response.content)).read("_rels/.rels").decode()


def test_the_spreadsheet_export_has_the_template_columns_and_keeps_formulas_as_text(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken, secretariat = browsers("ken.head"), browsers("secretariat")
    comment_on(ken, "3.2", '=HYPERLINK("http://evil.example")', proposed_change="-3 days")
    comment_id = q(db).execute(select(Comment.id)).scalars().all()[-1]
    post_form(
        secretariat,
        f"/groups/oewg-ict/comments/{comment_id}/disposition",
        {"disposition": "rejected", "observation": "Out of scope."},
        page=D,
    )
    response = ken.get(f"{D}/comments.xlsx?delegation=KEN")
    assert response.status_code == 200 and response.headers["content-type"] == isoform.XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Comments"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "MB/NC",
        "Line number",
        "Clause/Subclause",
        "Paragraph/Figure/Table",
        "Type of comment",
        "Comments",
        "Proposed change",
        "Observations of the secretariat",
        "Comment ID",
        "Version",
    ]
    assert rows[1] == [
        "KEN",
        None,
        "3.2",
        None,
        "te",
        '=HYPERLINK("http://evil.example")',
        "-3 days",
        "Rejected: Out of scope.",
        str(comment_id),
        "1",
    ]
    assert sheet["F2"].data_type == "s" and sheet["F2"].quotePrefix  # text, never computed
    assert sheet["G2"].data_type == "s" and sheet["G2"].quotePrefix
    assert sheet.column_dimensions["F"].width == 60 and sheet.freeze_panes == "A2"
    assert workbook.properties.creator == GROUP_NAME
    assert workbook.properties.title.startswith("Comments on ")


def test_the_table_links_to_the_three_files_and_to_the_import_for_those_who_may(browsers) -> None:  # type: ignore[no-untyped-def]
    for name, may_import in [("secretariat", True), ("ken.delegate", True), ("chair", False), ("observer", False)]:
        page = browsers(name).get(f"{D}/comments").text
        for suffix in ("csv", "xlsx", "docx"):
            assert f"/comments.{suffix}" in page
        assert ("/comments/import" in page) is may_import, name


# --- import ----------------------------------------------------------------------------------------


def test_the_secretariat_previews_and_imports_a_word_form_for_a_delegation(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    form = word_form(
        [
            ["KEN-001", "17", "Clause 3.2", "2", "te", "Too vague.", "Name the authority."],
            ["KEN-002", "", "4.1.", "", "ED", "Typo: 'recieve'.", "receive"],
            ["", "", "", "", "", "", ""],  # the template's empty rows
            ["KEN-003", "", "1", "Table 1", "general", "Line one\nLine two", ""],
        ]
    )
    before = comment_count(db)
    preview = upload(secretariat, form, "KEN comments.docx", delegation="KEN")
    assert preview.status_code == 200, preview.text
    assert "Every row can be imported" in preview.text and "Import 3 comments" in preview.text
    assert 'id="row-2"' in preview.text and 'id="row-5"' in preview.text and 'id="row-4"' not in preview.text
    assert comment_count(db) == before  # a preview writes nothing
    done = confirm(secretariat, preview.text)
    assert done.status_code == 303 and done.headers["location"].endswith("/comments?delegation=KEN")
    assert stored(db, "KEN") == [
        ("3.2", "technical", "2, line 17", "Too vague.", "Name the authority."),
        ("4.1", "editorial", "", "Typo: 'recieve'.", "receive"),
        ("1", "general", "Table 1", "Line one\nLine two", ""),
    ]
    events = q(db).execute(select(AuditEvent.action).where(AuditEvent.action.in_(["comment.create", "comment.import"])))
    assert sorted(events.scalars().all()) == ["comment.create"] * 3 + ["comment.import"]
    table = secretariat.get(f"{D}/comments?delegation=KEN").text
    assert "Too vague." in table and "Typo: &#39;recieve&#39;." in table


def test_the_template_with_its_headings_in_the_page_header_is_read_too(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    form = docx.Document()
    header = form.sections[0].header.add_table(rows=1, cols=8, width=docx.shared.Cm(27))
    for cell, text in zip(header.rows[0].cells, HEADINGS_2012, strict=True):
        cell.text = text
    body = form.add_table(rows=0, cols=8)
    for cell, text in zip(body.add_row().cells, ["IN", "", "3.2", "", "ge", "From India.", "", ""], strict=True):
        cell.text = text
    out = io.BytesIO()
    form.save(out)
    response = api("ind.head").post_files(API_IMPORT, {"file": ("form.docx", out.getvalue(), isoform.DOCX_TYPE)})
    assert response.status_code == 201, response.text
    assert response.json()["delegation"] == "IND" and len(response.json()["created"]) == 1
    assert stored(db, "IND") == [("3.2", "general", "", "From India.", "")]


def test_a_delegate_imports_an_excel_sheet_for_their_own_delegation_through_the_api(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Comments of Kenya"])  # a title above the heading row
    sheet.append(
        [
            "MB/NC",
            "Line number",
            "Clause/Subclause",
            "Paragraph/Figure/Table",
            "Type of comment",
            "Comments",
            "Proposed change",
            "Observations of the secretariat",
        ]
    )
    sheet.append(["KEN", 12, 3, None, "te", "A number typed as a number.", None, None])
    sheet.append(["KEN", None, "3.2", "(b)", "ge", "Second.", "Add (c).", None])
    out = io.BytesIO()
    workbook.save(out)
    response = api("ken.delegate").post_files(API_IMPORT, {"file": ("kenya.xlsx", out.getvalue(), isoform.XLSX_TYPE)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["dry_run"] is False and body["version"] == 1 and len(body["created"]) == 2
    assert [row["row"] for row in body["rows"]] == [3, 4]
    assert stored(db, "KEN") == [
        ("3", "technical", "line 12", "A number typed as a number.", ""),
        ("3.2", "general", "(b)", "Second.", "Add (c)."),
    ]
    other = api("ken.delegate").post_files(
        API_IMPORT, {"file": ("kenya.xlsx", out.getvalue(), isoform.XLSX_TYPE)}, delegation="IND"
    )
    assert other.status_code == 403 and "their own delegation" in other.json()["detail"]


def test_a_csv_as_excel_writes_it_in_europe_is_read_semicolons_bom_crlf_and_quoted_newlines(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    text = (
        "MB/NC;Line number;Clause/Subclause;Paragraph/Figure/Table;Type of comment;Comments;Proposed change;"
        "Observations of the secretariat\r\n"
        'IND;;3.2;;te;"Two lines:\r\nthe second; with a semicolon";"Use ""shall""";\r\n'
        "IND;;4.1;;ed;Café, naïve — UTF-8;;\r\n"
    )
    content = "\ufeff".encode() + text.encode("utf-8")
    files = {"file": ("india.csv", content, CSV_TYPE)}
    dry = api("secretariat").post_files(API_IMPORT, files, delegation="IND", dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["created"] == []
    assert stored(db, "IND") == []
    done = api("secretariat").post_files(API_IMPORT, files, delegation="IND")
    assert done.status_code == 201, done.text
    assert stored(db, "IND") == [
        ("3.2", "technical", "", "Two lines:\nthe second; with a semicolon", 'Use "shall"'),
        ("4.1", "editorial", "", "Café, naïve — UTF-8", ""),
    ]
    plain = "Clause/Subclause,Type of comment,Comments\n3.2,ge,Comma separated without BOM\n"
    again = api("secretariat").post_files(API_IMPORT, {"file": ("c.csv", plain.encode(), CSV_TYPE)}, delegation="IND")
    assert again.status_code == 201 and stored(db, "IND")[-1] == (
        "3.2",
        "general",
        "",
        "Comma separated without BOM",
        "",
    )


def test_bad_rows_are_listed_in_the_preview_and_nothing_is_written(browsers, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    form = word_form(
        [
            ["KEN", "", "3.2", "", "te", "A good row.", ""],
            ["KEN", "", "99.9", "", "te", "No such clause.", ""],
            ["KEN", "", "3.2", "", "major", "Bad type.", ""],
            ["KEN", "", "3.2", "", "ge", "", "Only a proposed change."],
            ["KEN", "", "3.2", "", "ge", "x" * 10_001, ""],
            ["IND", "", "3.2", "", "ge", "India's row in Kenya's form.", ""],
            ["KEN", "", "", "", "", "No clause, no type.", ""],
        ]
    )
    before = comment_count(db)
    preview = upload(browsers("secretariat"), form, "bad.docx", delegation="KEN")
    assert preview.status_code == 422
    page = preview.text
    assert "6 rows cannot be imported" in page and "Nothing has been saved" in page
    assert 'name="file_data"' not in page  # no import button
    for message in [
        "There is no clause 99.9 in version 1.",
        "The type of comment must be ge, te or ed, not “major”.",
        "The comment is empty: write something.",
        "The comment is too long: 10001 characters, at most 10000.",
        "This row is from IND, not from KEN.",
        "No clause is given: a comment goes on a clause.",
        "The type of comment is empty: write ge, te or ed.",
    ]:
        assert message in page, message
    response = api("secretariat").post_files(
        API_IMPORT, {"file": ("bad.docx", form, isoform.DOCX_TYPE)}, delegation="KEN"
    )
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert set(errors) == {"row 3", "row 4", "row 5", "row 6", "row 7", "row 8"}
    assert errors["row 3"] == "There is no clause 99.9 in version 1."
    assert "nothing was imported" in response.json()["detail"]
    assert comment_count(db) == before


def test_a_file_that_is_not_a_form_gets_a_clear_message(browsers, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (isoform.MAX_UNPACKED_BYTES + 1))
    no_table = io.BytesIO()
    docx.Document().save(no_table)
    cases = {
        "picture.png": (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64,
            "not a Word document, an Excel workbook or a CSV",
        ),
        "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "of the old kind"),
        "bomb.docx": (bomb.getvalue(), "unpacks to more than 64 MB"),
        "broken.docx": (b"PK\x03\x04 not really a zip", "damaged"),
        "empty.docx": (no_table.getvalue(), "No comment table was found in the Word file"),
        "latin1.csv": ("Clause/Subclause;Type of comment;Comments\n3.2;ge;Caf\xe9\n".encode("latin-1"), "not in UTF-8"),
        "big.csv": (b"x" * (isoform.MAX_FILE_BYTES + 1), "too large"),
        "nothing.csv": (b"", "empty"),
        "list.csv": (b"name,email\nA,a@example.org\n", "no heading row in the template"),
    }
    before = comment_count(db)
    for name, (content, message) in cases.items():
        page = upload(secretariat, content, name, delegation="KEN")
        assert page.status_code == 422, name
        assert message in page.text, (name, page.text[-2000:])
        response = api("secretariat").post_files(API_IMPORT, {"file": (name, content, CSV_TYPE)}, delegation="KEN")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file", name
    missing = api("secretariat").post_files(API_IMPORT, {"note": ("n.txt", b"x", "text/plain")}, delegation="KEN")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"
    assert api("secretariat").post(API_IMPORT, {"delegation": "KEN"}).status_code == 400  # not multipart
    unchosen = upload(secretariat, word_form([["", "", "3.2", "", "ge", "x", ""]]), "f.docx")
    assert unchosen.status_code == 422 and "Choose the delegation whose comments these are." in unchosen.text
    assert comment_count(db) == before


def test_the_chair_and_observers_do_not_import(browsers, api) -> None:  # type: ignore[no-untyped-def]
    for name in ("chair", "observer"):
        assert browsers(name).get(IMPORT).status_code == 403
        form = word_form([["", "", "3.2", "", "ge", "x", ""]])
        assert api(name).post_files(API_IMPORT, {"file": ("f.docx", form, isoform.DOCX_TYPE)}).status_code == 403


def test_an_exported_form_imported_again_gives_the_same_comments(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken, secretariat = browsers("ken.head"), browsers("secretariat")
    comment_on(ken, "3.2", "First point.\nWith a second line.", proposed_change="=SUM(A1)", paragraph="(a)")
    comment_on(ken, "4.1", "-Starts like a formula", kind="editorial")
    comment_on(ken, "1", "General remark.", kind="general")
    original = stored(db, "KEN")
    for suffix in ("docx", "xlsx", "csv"):
        exported = secretariat.get(f"{D}/comments.{suffix}?delegation=KEN").content
        # Withdrawn, the comments exported no longer stand: their copies are not refused as already there.
        db.execute(
            Comment.__table__.update().where(Comment.withdrawn_at.is_(None)).values(withdrawn_at=datetime.now(UTC))
        )
        db.commit()
        preview = upload(secretariat, exported, f"again.{suffix}", delegation="KEN")
        assert preview.status_code == 200, (suffix, preview.text[-3000:])
        assert confirm(secretariat, preview.text).status_code == 303
        assert sorted(stored(db, "KEN")[-3:]) == sorted(original), suffix


def test_a_form_imported_twice_is_refused_the_second_time_row_by_row(browsers, api, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    comment_on(ken, "3.2", "Already typed in.", kind="general")
    form = "Clause/Subclause;Type of comment;Comments\r\n3.2;ge;Already typed in.\r\n4.1;te;A new point.\r\n"
    response = api("ken.delegate").post_files(API_IMPORT, {"file": ("kenya.csv", form.encode(), "text/csv")})
    assert response.status_code == 422, response.text
    assert "already on clause 3.2" in response.text and "row 3" not in response.json()["detail"]
    assert [body for _c, _k, _p, body, _x in stored(db, "KEN")] == ["Already typed in."]
