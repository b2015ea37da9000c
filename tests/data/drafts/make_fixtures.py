"""How each draft fixture in this folder was made (run once; the tests read the files committed).

    python tests/data/drafts/make_fixtures.py          # needs LibreOffice's soffice for the .fodt sources

- ``declaration.fodt`` (written here, LibreOffice's flat XML) → ``declaration-lo.odt`` and
  ``declaration-lo.docx`` by ``soffice --headless --convert-to``: a Title paragraph, headings, a
  multilevel numbered list (1. / 1.1 / (a)), a bulleted list, a table and a footnote, written the
  way LibreOffice writes them (its numbering.xml, its list styles).
- ``tracked.fodt`` → ``tracked-lo.docx`` and ``tracked-lo.odt``: a numbered list with an insertion
  and a deletion still tracked.
- ``word-numbering.docx`` (python-docx): Word's automatic numbering written as Word writes it —
  abstractNum with levels "%1." / "%1.%2" / "(%3)" lowerLetter, a num pointing at it, w:numPr on
  each paragraph, a style that carries its numbering, a second list restarted by startOverride —
  plus Heading 1, the Title style, a bulleted list, a table, a footnote in word/footnotes.xml, and
  tracked changes (w:ins, w:del).
- ``empty.docx`` (python-docx, no text), ``not-a-document.docx`` (a PNG image), ``bomb.docx`` (a
  zip whose document.xml expands to 60 MB of spaces), ``declaration-utf16.txt`` (UTF-16 with a BOM),
  ``latin1.txt`` (neither UTF-8 nor UTF-16), ``declaration.md`` (Markdown).
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).parent
TITLE = "Draft Declaration on International Cooperation against Cyber Threats"

OFFICE_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)

LIST_STYLE = """
<text:list-style style:name="Clauses">
  <text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="." text:display-levels="1"/>
  <text:list-level-style-number text:level="2" style:num-format="1" text:display-levels="2"/>
  <text:list-level-style-number text:level="3" style:num-format="a" style:num-prefix="(" style:num-suffix=")"/>
</text:list-style>
<text:list-style style:name="Bullets">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•"/>
</text:list-style>
"""


def fodt(body: str, extra_meta: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {OFFICE_NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{TITLE}</dc:title><meta:initial-creator>Secretariat</meta:initial-creator>{extra_meta}</office:meta>
<office:styles>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"/>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
    style:parent-style-name="Standard" style:default-outline-level="1"/>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
    style:parent-style-name="Standard" style:default-outline-level="2"/>
  {LIST_STYLE}
</office:styles>
<office:body><office:text>{body}</office:text></office:body>
</office:document>
"""


def item(text: str, sub: str = "") -> str:
    return f'<text:list-item><text:p text:style-name="Standard">{text}</text:p>{sub}</text:list-item>'


def sub_list(*items: str) -> str:
    return f"<text:list>{''.join(items)}</text:list>"


DECLARATION = fodt(
    f"""
<text:p text:style-name="Title">{TITLE}</text:p>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Preamble</text:h>
<text:p text:style-name="Standard">Recognising that cyber threats such as hacking, phishing scams and malware attacks pay no attention to borders,</text:p>
<text:p text:style-name="Standard">Aware that national authorities are constrained when investigating threats that originate abroad,</text:p>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Common standards</text:h>
<text:list xml:id="clauses" text:style-name="Clauses">
{
        item(
            "States should devise common standards and frameworks for cyber security policies, covering:",
            sub_list(
                item(
                    "Interoperable systems raise the baseline of security for networks globally.",
                    sub_list(item("encryption;"), item("data protection;"), item("critical infrastructure security.")),
                )
            ),
        )
    }
{item("Standards should be reviewed together at regular intervals.")}
</text:list>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Information sharing</text:h>
<text:list xml:id="sharing" text:style-name="Clauses" text:continue-list="clauses">
{
        item(
            'Computer Emergency Response Teams should exchange information in real time<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>As recommended by the Open-ended Working Group.</text:p></text:note-body></text:note> about:'
        )
    }
</text:list>
<text:list text:style-name="Bullets">
<text:list-item><text:p>indicators of compromise;</text:p></text:list-item>
<text:list-item><text:p>hacking campaigns and malicious domains.</text:p></text:list-item>
</text:list>
<table:table table:name="Contacts">
<table:table-column table:number-columns-repeated="2"/>
<table:table-row><table:table-cell><text:p>Channel</text:p></table:table-cell><table:table-cell><text:p>Response time</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell><text:p>CERT hotline</text:p></table:table-cell><table:table-cell><text:p>24 hours</text:p></table:table-cell></table:table-row>
</table:table>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Capacity building</text:h>
<text:list text:style-name="Clauses" text:continue-list="sharing">
{item("Developed States should share best practices with less capable partners.")}
</text:list>
"""
)

TRACKED = fodt(
    """
<text:tracked-changes>
  <text:changed-region text:id="ct1"><text:insertion><office:change-info><dc:creator>KEN</dc:creator><dc:date>2025-03-01T10:00:00</dc:date></office:change-info></text:insertion></text:changed-region>
  <text:changed-region text:id="ct2"><text:deletion><office:change-info><dc:creator>KEN</dc:creator><dc:date>2025-03-01T10:00:00</dc:date></office:change-info><text:p>unilateral </text:p></text:deletion></text:changed-region>
</text:tracked-changes>
<text:p text:style-name="Title">Tracked draft</text:p>
<text:list text:style-name="Clauses">
<text:list-item><text:p>States should pursue <text:change text:change-id="ct2"/>coordinated response strategies.</text:p></text:list-item>
<text:list-item><text:p>Joint operations<text:change-start text:change-id="ct1"/> and combined evidence gathering<text:change-end text:change-id="ct1"/> amplify deterrence.</text:p></text:list-item>
</text:list>
"""
)


def convert(source: Path, target_suffix: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        filters = {"docx": "docx:MS Word 2007 XML", "odt": "odt"}
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to",
             filters[target_suffix], "--outdir", work, str(source)],
            check=True, capture_output=True,
        )  # fmt: skip
        shutil.move(Path(work) / f"{source.stem}.{target_suffix}", out)


# --- python-docx, with numbering written the way Word writes it -------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

ABSTRACT = f"""<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="792" w:hanging="432"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="1224" w:hanging="504"/></w:pPr></w:lvl>
</w:abstractNum>"""
BULLET_ABSTRACT = f"""<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="91">
  <w:multiLevelType w:val="hybridMultilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>"""
ROMAN_ABSTRACT = f"""<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="92">
  <w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%1)"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>"""
NUMS = f"""<w:numbering xmlns:w="{W_NS}">
<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
<w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>
<w:num w:numId="92"><w:abstractNumId w:val="92"/></w:num>
<w:num w:numId="93"><w:abstractNumId w:val="92"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
</w:numbering>"""

FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Including mutual legal assistance treaties.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def word_numbering_docx(path: Path) -> None:
    import docx
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    document = docx.Document()
    set_properties(document, "Draft Declaration on Coordinated Response")
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for abstract in (ABSTRACT, BULLET_ABSTRACT, ROMAN_ABSTRACT):
        first_num.addprevious(parse_xml(abstract))
    for num in parse_xml(NUMS):
        numbering.append(copy.deepcopy(num))

    # A paragraph style that carries its numbering, as Word's "List Number" styles do.
    styles = document.styles.element
    styles.append(
        parse_xml(
            f'<w:style xmlns:w="{W_NS}" w:type="paragraph" w:customStyle="1" w:styleId="Clause">'
            '<w:name w:val="Clause"/><w:basedOn w:val="Normal"/>'
            '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr></w:pPr></w:style>'
        )
    )

    def numbered(text: str, num_id: int, ilvl: int = 0):
        paragraph = document.add_paragraph(text)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(
            parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )
        return paragraph

    document.add_paragraph("Draft Declaration on Coordinated Response", style="Title")
    document.add_heading("Purpose", level=1)
    document.add_paragraph("Cooperation drives coordinated response strategies against cyber criminals.")
    document.add_heading("Coordinated response", level=1)
    numbered("States should pool investigative resources, expertise and jurisdiction.", 90)
    numbered("Joint operations multiply deterrence.", 90, 1)
    numbered("Evidence gathering should be combined:", 90, 1)
    numbered("technical evidence;", 90, 2)
    numbered("digital evidence.", 90, 2)
    document.add_paragraph("Requests for assistance are answered without delay.", style="Clause")
    tracked = numbered("", 90, 1)
    tracked._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve">Extradition </w:t></w:r>'))
    tracked._p.append(
        parse_xml(
            f'<w:del xmlns:w="{W_NS}" w:id="10" w:author="KEN" w:date="2025-03-01T10:00:00Z">'
            '<w:r><w:delText xml:space="preserve">may be refused </w:delText></w:r></w:del>'
        )
    )
    tracked._p.append(
        parse_xml(
            f'<w:ins xmlns:w="{W_NS}" w:id="11" w:author="KEN" w:date="2025-03-01T10:00:00Z">'
            '<w:r><w:t xml:space="preserve">is granted </w:t></w:r></w:ins>'
        )
    )
    tracked._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:t>across frontiers.</w:t></w:r>'))
    footnoted = numbered("Information requests follow the treaties in force", 90)
    footnoted._p.append(
        parse_xml(
            f'<w:r xmlns:w="{W_NS}"><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
        )
    )
    footnoted._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:t>.</w:t></w:r>'))
    numbered("Law enforcement gains follow-through through:", 90)
    numbered("mutual legal assistance;", 93)
    numbered("shared forensic laboratories.", 93)
    numbered("Points of contact are listed below:", 90)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Delegation", "Point of contact"), ("KEN", "National KE-CERT")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_heading("Capacity building", level=1)
    numbered("Developed States should help lift all boats together by:", 90)
    numbered("training national CERT staff;", 91)
    numbered("sharing best practices.", 91)

    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, FOOTNOTES.encode(), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    document.save(path)


def set_properties(document, title: str) -> None:
    """python-docx's template carries its own properties (creator, 2013 dates): set every one."""
    properties = document.core_properties
    moment = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    properties.title = title
    properties.author = properties.last_modified_by = "Secretariat"
    properties.created = properties.modified = moment
    properties.revision = 1
    properties.comments = properties.subject = properties.keywords = properties.category = ""


def empty_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    set_properties(document, "")
    document.save(path)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        archive.writestr("word/document.xml", b" " * (60 * 1024 * 1024))


MARKDOWN = f"""# {TITLE}

Recognising that international cooperation between States on security in cyberspace
is vital to counter the growing dangers in this domain,

## Trust-building

1. States should build trust through multilateral fora.
2. Regular dialogue between national CERTs should be supported:
   - through joint exercises;
   - through exchanges of staff.

## 3. Capacity building

Developed States should share best practices with less capable partners.

| Programme | Partners |
|-----------|----------|
| CERT training | 12 States |
"""

PLAIN = f"""{TITLE}

Preamble

Recognising that cyber threats pay no attention to borders,

1. Common standards
States should devise common standards for robust cyber security policies.

2. States should share information on:
(a) indicators of compromise;
(b) malicious domains.

3. Coordinated response strategies amplify deterrence.
"""


def main() -> None:
    (HERE / "declaration.fodt").write_text(DECLARATION, encoding="utf-8")
    (HERE / "tracked.fodt").write_text(TRACKED, encoding="utf-8")
    for stem in ("declaration", "tracked"):
        for suffix in ("odt", "docx"):
            convert(HERE / f"{stem}.fodt", suffix, HERE / f"{stem}-lo.{suffix}")
    word_numbering_docx(HERE / "word-numbering.docx")
    empty_docx(HERE / "empty.docx")
    (HERE / "not-a-document.docx").write_bytes(png())
    bomb(HERE / "bomb.docx")
    (HERE / "declaration.md").write_text(MARKDOWN, encoding="utf-8")
    (HERE / "declaration-utf16.txt").write_bytes(PLAIN.encode("utf-16"))
    (HERE / "latin1.txt").write_bytes("Déclaration sur la coopération\n\n1. Les États coopèrent.\n".encode("latin-1"))


if __name__ == "__main__":
    main()
