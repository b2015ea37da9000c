"""The ISO commenting template as files: the comment table written as the Word form and as a
spreadsheet, and a filled form (Word, Excel or CSV) read back into rows.

The columns are ``core.commentform.COLUMNS`` for every format. The Word form follows the 2012-03
template: A4 landscape, a header table (title, date, document, project) and the comment table on
the template's grid, whose heading row Word repeats at the top of every page. (The template itself
keeps both tables in the page header; here they are in the body, where every reader of .docx files
finds them, and this reader accepts either.)

Files come from outside: a size limit, a limit on what a zip may unpack to, no XML entities
(python-docx's parser resolves none; openpyxl uses defusedxml), and a clear message for whatever
cannot be read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from consensus.comments.services import TableFilters, form_rows
from consensus.core.commentform import COLUMNS, FORM_COLUMNS, FormRow, cells, form_row, header_positions
from consensus.core.spreadsheet import FORMULA_STARTS, typed
from consensus.db import utcnow
from consensus.errors import Invalid
from consensus.i18n import _
from consensus.lookups import version_in_group

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_BYTES = 4 * 1024 * 1024
"""The largest form accepted: a form of a thousand long comments is well under a megabyte."""
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""What a .docx or .xlsx may unpack to, all its parts together (a zip bomb unpacks to gigabytes)."""
MAX_PARTS = 2_000
MAX_ROWS = 5_000
HEADER_SEARCH_ROWS = 10
"""How far down a sheet or table the heading row is looked for (a title may stand above it)."""
TITLE = "Template for comments and secretariat observations"
TEMPLATE_NOTE = "ISO/IEC/CEN/CENELEC electronic balloting commenting template/version 2012-03"
FOOTNOTES = (
    "¹ MB/NC = member body / national committee: here, the code of the delegation.",
    "² Type of comment: ge = general, te = technical, ed = editorial.",
)


@dataclass(frozen=True, slots=True)
class FormHead:
    """What the header table of the form says, and the file's properties."""

    title: str
    """The document commented on, with its version."""
    group_name: str
    written_at: datetime


@dataclass(frozen=True, slots=True)
class ReadForm:
    """The rows of a filled form, each with its row number as the file shows it (the heading row
    of a sheet or table is row 1 when it is the first)."""

    format: str
    rows: list[tuple[int, FormRow]]


def unreadable(message: str) -> Invalid:
    return Invalid({"file": message})


# --- writing ---------------------------------------------------------------------------------------


def _heading_text(column_heading: str, example: str, mark: str) -> str:
    return column_heading + mark + (f"\n{example}" if example else "")


def to_docx(head: FormHead, rows: Sequence[FormRow]) -> bytes:
    """The comment table as the ISO commenting form (Word)."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt, Twips

    docx = Docx()
    _properties(docx, head)
    section = docx.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(16840), Twips(11907)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Twips(851))
    section.header_distance = section.footer_distance = Twips(567)
    docx.styles["Normal"].font.size = Pt(9)
    _header_table(docx, head)
    docx.add_paragraph()
    marks = {"mb": "¹", "type": "²"}
    table = docx.add_table(rows=1, cols=len(FORM_COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    for index, column in enumerate(FORM_COLUMNS):
        table.columns[index].width = Twips(column.form_width)
        cell = table.rows[0].cells[index]
        cell.width = Twips(column.form_width)
        cell.text = _heading_text(column.heading, column.example, marks.get(column.key, ""))
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_as_heading(table.rows[0])
    for row in rows:
        written = table.add_row()
        for index, (column, text) in enumerate(zip(FORM_COLUMNS, cells(row, FORM_COLUMNS), strict=True)):
            written.cells[index].width = Twips(column.form_width)
            written.cells[index].text = text
    _footer(section)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def _properties(docx: Any, head: FormHead) -> None:
    """The file's own properties: python-docx's template would say it was written by python-docx
    in 2013, and carry its thumbnail."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    properties = docx.core_properties
    properties.title = f"Comments on {head.title}"
    properties.subject = TITLE
    properties.author = properties.last_modified_by = head.group_name
    properties.comments = properties.keywords = properties.category = ""
    properties.created = properties.modified = head.written_at.replace(tzinfo=None, microsecond=0)
    properties.revision = 1
    package = docx.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


def _header_table(docx: Any, head: FormHead) -> None:
    from docx.shared import Twips

    table = docx.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.autofit = False
    texts = [
        TITLE,
        f"Date: {head.written_at.date().isoformat()}",
        f"Document: {head.title}",
        f"Project: {head.group_name}",
    ]
    for index, (width, text) in enumerate(zip((7740, 2410, 3119, 2607), texts, strict=True)):
        table.columns[index].width = Twips(width)
        table.rows[0].cells[index].width = Twips(width)
        table.rows[0].cells[index].text = text
    table.rows[0].cells[0].paragraphs[0].runs[0].bold = True


def _repeat_as_heading(row: Any) -> None:
    """Word repeats a row marked so at the top of every page the table runs on to."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    for name in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(name)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _footer(section: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = section.footer
    footer.paragraphs[0].text = FOOTNOTES[0]
    footer.add_paragraph(FOOTNOTES[1])
    pages = footer.add_paragraph("page ")
    for instruction, after in (("PAGE", " of "), ("NUMPAGES", "")):
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), instruction)
        pages._p.append(field)
        if after:
            pages.add_run(after)
    footer.add_paragraph(TEMPLATE_NOTE)


def to_xlsx(head: FormHead, rows: Sequence[FormRow]) -> bytes:
    """The comment table as a spreadsheet in the template's columns (and our ids), every cell text:
    none that looks like a formula is run."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Comments"
    properties = workbook.properties
    properties.title = f"Comments on {head.title}"
    properties.subject = TITLE
    properties.creator = properties.lastModifiedBy = head.group_name
    properties.created = properties.modified = head.written_at.replace(tzinfo=None, microsecond=0)
    sheet.append([column.heading for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(cells(row))
    top = Alignment(wrap_text=True, vertical="top")
    for written in sheet.iter_rows():
        for cell in written:
            cell.alignment = top
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS):
                # openpyxl takes "=…" for a formula: it is the text someone typed. Stored as a
                # string with the quote prefix, a spreadsheet shows it and never computes it.
                cell.data_type = "s"
                cell.quotePrefix = True
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.sheet_width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------------


def read_form(content: bytes) -> ReadForm:
    """The rows of a filled form: Word (.docx), Excel (.xlsx) or CSV, told apart by their content."""
    if len(content) > MAX_FILE_BYTES:
        raise unreadable(
            _("The file is too large: {size} MB, at most {limit} MB.").format(
                size=round(len(content) / 1_048_576, 1), limit=MAX_FILE_BYTES // 1_048_576
            )
        )
    if not content.strip():
        raise unreadable(_("The file is empty."))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise unreadable(
            _("This is a Word or Excel file of the old kind (.doc, .xls): save it as .docx or .xlsx and upload that.")
        )
    if content.startswith(b"PK"):
        archive = _archive(content)
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return ReadForm("docx", _docx_rows(content))
        if "xl/workbook.xml" in names:
            return ReadForm("xlsx", _xlsx_rows(content))
        raise unreadable(_("This file is neither a Word document (.docx) nor an Excel workbook (.xlsx)."))
    return ReadForm("csv", _csv_rows(content))


def _archive(content: bytes) -> zipfile.ZipFile:
    """The zip a .docx or .xlsx is, checked before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable(_("The file is damaged: it cannot be opened as a Word or Excel file.")) from None
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise unreadable(
            _("The file unpacks to more than {limit} MB: it is not a commenting form.").format(
                limit=MAX_UNPACKED_BYTES // 1_048_576
            )
        )
    return archive


def _rows_under_header(table: Iterable[tuple[int, list[str]]]) -> list[tuple[int, FormRow]] | None:
    """The rows under the template's heading row (looked for in the first rows), or None."""
    positions: dict[str, int] | None = None
    rows: list[tuple[int, FormRow]] = []
    for number, values in table:
        if positions is None:
            if number > HEADER_SEARCH_ROWS:
                return None
            positions = header_positions(values)
            continue
        row = form_row([typed(value) for value in values], positions)
        if not row.blank():
            rows.append((number, row))
        if len(rows) > MAX_ROWS:
            raise unreadable(_("The form has more than {limit} rows.").format(limit=MAX_ROWS))
    return rows if positions is not None else None


def _docx_rows(content: bytes) -> list[tuple[int, FormRow]]:
    from docx import Document as Docx

    try:
        docx = Docx(io.BytesIO(content))
    except Exception:  # python-docx raises many kinds (KeyError, ValueError, lxml's) on a bad part
        raise unreadable(_("The Word file is damaged: it cannot be read.")) from None
    for table in docx.tables:
        rows = _rows_under_header(_numbered(_docx_table(table)))
        if rows is not None:
            return rows
    rows = _rows_under_page_header(docx)
    if rows is not None:
        return rows
    raise unreadable(
        _(
            "No comment table was found in the Word file: its heading row must name the clause, "
            "the type of comment and the comment."
        )
    )


def _rows_under_page_header(docx: Any) -> list[tuple[int, FormRow]] | None:
    """The 2012-03 template itself keeps its heading row in the page header and only the comments
    in the body: the last table of the body, read through the page header's headings."""
    if not docx.tables:
        return None
    for section in docx.sections:
        for header_table in section.header.tables:
            for values in _docx_table(header_table):
                positions = header_positions(values)
                if positions is None:
                    continue
                rows = [
                    (number, form_row([typed(value) for value in values], positions))
                    for number, values in _numbered(_docx_table(docx.tables[-1]))
                ]
                return [(number, row) for number, row in rows if not row.blank()][:MAX_ROWS]
    return None


def _docx_table(table: Any) -> Iterator[list[str]]:
    """A Word table's rows as text; a cell merged across columns is read once."""
    for row in table.rows:
        values: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            values.append(cell.text)
        yield values


def _numbered(rows: Iterable[list[str]], start: int = 1) -> Iterator[tuple[int, list[str]]]:
    return ((number, values) for number, values in enumerate(rows, start=start))


def _xlsx_rows(content: bytes) -> list[tuple[int, FormRow]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a bad workbook
        raise unreadable(_("The Excel file is damaged: it cannot be read.")) from None
    try:
        for sheet in workbook.worksheets:
            rows = _rows_under_header(
                (number, [_sheet_text(value) for value in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            )
            if rows is not None:
                return rows
    finally:
        workbook.close()
    raise unreadable(
        _("No sheet of the Excel file has the template's heading row (clause, type of comment, comments).")
    )


def _sheet_text(value: object) -> str:
    """A spreadsheet cell as the text it shows: 3 not 3.0, a date as a date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    return str(value)


def _csv_rows(content: bytes) -> list[tuple[int, FormRow]]:
    if b"\x00" in content[:4096]:
        raise unreadable(_("This file is not a Word document, an Excel workbook or a CSV file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise unreadable(
            _("The CSV file is not in UTF-8: save it again as “CSV UTF-8 (comma delimited)” and upload that.")
        ) from None
    lines = text.splitlines()
    first = lines[0] if lines else ""
    if first.lower().startswith("sep=") and len(first) >= 5:
        # Excel's own line naming the separator.
        delimiter, text = first[4], text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = max((";", ",", "\t"), key=first.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = _rows_under_header(_numbered(reader))
    except csv.Error:
        raise unreadable(_("The CSV file cannot be read: a quoted cell is not closed.")) from None
    if rows is None:
        raise unreadable(
            _("The CSV file has no heading row in the template's columns (clause, type of comment, comments).")
        )
    return rows


# --- the comment table as a file -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableFile:
    """The comment table in one format: ``{document}-comments.{suffix}``, served as ``media_type``."""

    suffix: str
    media_type: str
    render: Callable[[FormHead, Sequence[FormRow]], bytes]


TABLE_FILES = {
    "docx": TableFile("docx", DOCX_TYPE, to_docx),
    "xlsx": TableFile("xlsx", XLSX_TYPE, to_xlsx),
}
"""The comment table as the Word form and as a spreadsheet (the CSV is ``services.comment_csv``)."""


def table_file(session: Session, group_slug: str, document_slug: str, filters: TableFilters, suffix: str) -> bytes:
    """The filtered comment table as a file of ``TABLE_FILES``."""
    rows = form_rows(session, group_slug, document_slug, filters)
    ref = version_in_group(session, group_slug, document_slug, filters.version)
    shown = filters.version if filters.version is not None else ref.number
    head = FormHead(f"{ref.document_title}, version {shown}", ref.group_name, utcnow())
    return TABLE_FILES[suffix].render(head, rows)
