"""How each redline fixture in this folder was made (run once; the tests read the files committed).

    python tests/data/redlines/make_fixtures.py

Each file is a Word document written part by part the way Word writes it — [Content_Types].xml,
the package and document relationships, styles.xml with a "Heading 1" style that carries automatic
numbering ("1", "2", …) from numbering.xml, document.xml with w:rsid attributes, docProps/core.xml —
of the small document ``base.docx`` holds: a title and five numbered clauses, each a numbered
Heading 1 paragraph and a Normal paragraph of text. The tests import ``base.docx`` as a new
document, circulate it, and upload the others as a delegate of the capital would.

- ``base.docx``: the document itself.
- ``tracked.docx``: the capital's changes made with Track Changes on: in clause 1 a word deleted and
  another inserted (w:del with w:delText, w:ins, each with w:id, w:author, w:date); in clause 3
  "72" becomes "48"; the second paragraph of clause 2 moved to the end of clause 3 (w:moveFrom /
  w:moveTo with their w:moveFromRangeStart/End and w:moveToRangeStart/End markers, the paragraph
  marks moved too); clause 4 deleted whole (its runs in w:del and the paragraph marks deleted: w:del
  in the w:rPr of w:pPr); a new numbered clause "Capacity building" inserted before the last one
  (inserted runs and paragraph marks); a note typed above the first clause. Comments (word/comments.xml,
  its content type and relationship; w:commentRangeStart / w:commentRangeEnd and a run with
  w:commentReference in document.xml) on clause 1 (changed), clause 4 (deleted) and clause 5 (not
  changed).
- ``edited.docx``: the text edited without tracking: a new clause "Definitions" after clause 1
  (renumbering every clause after it), clause 2's text edited, clause 5 removed, and a comment on
  clause 3 (unchanged); non-breaking spaces and a soft hyphen in unchanged text.
- ``other.docx``: another document altogether, with the same look.
- ``payloads.docx``: clause 1's text and a comment made of script payloads.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
TITLE = "Draft principles on incident response"
AUTHOR = "Ministry of Foreign Affairs"
DATE = "2026-11-30T10:15:00Z"

CLAUSES = [
    ("Purpose", ["States cooperate to respond to cyber incidents that affect more than one State."]),
    (
        "Points of contact",
        [
            "Each State names a national point of contact for incident response.",
            "The point of contact is reachable at all times.",
        ],
    ),
    ("Requests for assistance", ["A State that receives a request for assistance acknowledges it within 72 hours."]),
    ("Information sharing", ["States share technical information on incidents through their national CERTs."]),
    ("Review", ["The group reviews these principles every two years."]),
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
{comments}<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""
COMMENTS_TYPE = (
    '<Override PartName="/word/comments.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>\n'
)

PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{REL}">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

DOCUMENT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{REL}">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
{{comments}}</Relationships>"""
COMMENTS_REL = (
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
    'Target="comments.xml"/>\n'
)

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="character" w:styleId="CommentReference"><w:name w:val="annotation reference"/></w:style>
</w:styles>"""

NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{title}</dc:title><dc:creator>Secretariat</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-20T09:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>
</cp:coreProperties>"""


class Writer:
    """document.xml and comments.xml built paragraph by paragraph, with the ids Word gives."""

    def __init__(self) -> None:
        self.body: list[str] = []
        self.comments: list[str] = []
        self.next_id = 100

    def change_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def mark(self, tag: str) -> str:
        return f'<w:{tag} w:id="{self.change_id()}" w:author="{AUTHOR}" w:date="{DATE}"/>'

    @staticmethod
    def run(text: str) -> str:
        return f'<w:r w:rsidR="00A1B2C3"><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

    @staticmethod
    def deleted_run(text: str) -> str:
        return f'<w:r w:rsidDel="00D4E5F6"><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r>'

    def ins(self, text: str) -> str:
        return f'<w:ins w:id="{self.change_id()}" w:author="{AUTHOR}" w:date="{DATE}">{self.run(text)}</w:ins>'

    def deleted(self, text: str) -> str:
        return f'<w:del w:id="{self.change_id()}" w:author="{AUTHOR}" w:date="{DATE}">{self.deleted_run(text)}</w:del>'

    def paragraph(self, content: str, style: str = "", mark: str = "") -> None:
        ppr = ""
        if style or mark:
            ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
            ppr += f"<w:rPr>{mark}</w:rPr>" if mark else ""
            ppr += "</w:pPr>"
        self.body.append(f'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">{ppr}{content}</w:p>')

    def comment(self, text: str) -> tuple[str, str]:
        """The range start and (end + reference run) of a new comment, to put around its text."""
        number = len(self.comments)
        self.comments.append(
            f'<w:comment w:id="{number}" w:author="{AUTHOR}" w:date="{DATE}" w:initials="MFA">'
            f'<w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="CommentReference"/>'
            f"</w:rPr><w:annotationRef/></w:r>{self.run(text)}</w:p></w:comment>"
        )
        start = f'<w:commentRangeStart w:id="{number}"/>'
        end = (
            f'<w:commentRangeEnd w:id="{number}"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            f'<w:commentReference w:id="{number}"/></w:r>'
        )
        return start, end

    def clause(self, heading: str, paragraphs: list[str]) -> None:
        self.paragraph(self.run(heading), "Heading1")
        for text in paragraphs:
            self.paragraph(self.run(text))

    def document(self) -> str:
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" xmlns:r="{R}">'
            f'<w:body>{"".join(self.body)}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
        )

    def save(self, path: Path, title: str = TITLE) -> None:
        comments = ""
        if self.comments:
            comments = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{W}">'
            comments += "".join(self.comments) + "</w:comments>"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(comments=COMMENTS_TYPE if comments else ""))
            archive.writestr("_rels/.rels", PACKAGE_RELS)
            archive.writestr(
                "word/_rels/document.xml.rels", DOCUMENT_RELS.format(comments=COMMENTS_REL if comments else "")
            )
            archive.writestr("word/document.xml", self.document())
            archive.writestr("word/styles.xml", STYLES)
            archive.writestr("word/numbering.xml", NUMBERING)
            if comments:
                archive.writestr("word/comments.xml", comments)
            archive.writestr("docProps/core.xml", CORE.format(title=escape(title), author=AUTHOR, date=DATE))


def base(path: Path) -> None:
    doc = Writer()
    doc.paragraph(doc.run(TITLE), "Title")
    for heading, paragraphs in CLAUSES:
        doc.clause(heading, paragraphs)
    doc.save(path)


def tracked(path: Path) -> None:
    doc = Writer()
    doc.paragraph(doc.run(TITLE), "Title")
    # A note typed above the first clause, with tracking on.
    doc.paragraph(doc.ins("Comments of the capital, 30 November"), mark=doc.mark("ins"))
    # 1: "cyber" replaced by "ICT", with a comment saying why.
    start, end = doc.comment("ICT is the term the group uses elsewhere.")
    doc.paragraph(doc.run("Purpose"), "Heading1")
    doc.paragraph(
        doc.run("States cooperate to respond to ")
        + start
        + doc.deleted("cyber")
        + doc.ins("ICT")
        + end
        + doc.run(" incidents that affect more than one State.")
    )
    # 2: its second paragraph moved to the end of clause 3.
    doc.paragraph(doc.run("Points of contact"), "Heading1")
    doc.paragraph(doc.run(CLAUSES[1][1][0]))
    move = doc.change_id()
    doc.paragraph(
        f'<w:moveFromRangeStart w:id="{move}" w:author="{AUTHOR}" w:date="{DATE}" w:name="move1"/>'
        f'<w:moveFrom w:id="{doc.change_id()}" w:author="{AUTHOR}" w:date="{DATE}">'
        f"{doc.run(CLAUSES[1][1][1])}</w:moveFrom>"
        f'<w:moveFromRangeEnd w:id="{move}"/>',
        mark=doc.mark("moveFrom"),
    )
    # 3: "72" becomes "48", and the moved paragraph arrives after it.
    doc.paragraph(doc.run("Requests for assistance"), "Heading1")
    doc.paragraph(
        doc.run("A State that receives a request for assistance acknowledges it within ")
        + doc.deleted("72")
        + doc.ins("48")
        + doc.run(" hours.")
    )
    move_to = doc.change_id()
    doc.paragraph(
        f'<w:moveToRangeStart w:id="{move_to}" w:author="{AUTHOR}" w:date="{DATE}" w:name="move1"/>'
        f'<w:moveTo w:id="{doc.change_id()}" w:author="{AUTHOR}" w:date="{DATE}">'
        f"{doc.run(CLAUSES[1][1][1])}</w:moveTo>"
        f'<w:moveToRangeEnd w:id="{move_to}"/>',
        mark=doc.mark("moveTo"),
    )
    # 4: deleted whole, paragraph marks included, with a comment on the deleted text.
    start, end = doc.comment("Already covered by the CERT network's own rules.")
    doc.paragraph(doc.deleted("Information sharing"), "Heading1", mark=doc.mark("del"))
    doc.paragraph(start + doc.deleted(CLAUSES[3][1][0]) + end, mark=doc.mark("del"))
    # A new numbered clause before the last one.
    doc.paragraph(doc.ins("Capacity building"), "Heading1", mark=doc.mark("ins"))
    doc.paragraph(doc.ins("States help one another build the capacity to respond to incidents."), mark=doc.mark("ins"))
    # 5: unchanged, with a comment: a comment of the delegation on the clause.
    start, end = doc.comment("We can accept two years.")
    doc.paragraph(doc.run("Review"), "Heading1")
    doc.paragraph(start + doc.run(CLAUSES[4][1][0]) + end)
    doc.save(path)


def edited(path: Path) -> None:
    doc = Writer()
    doc.paragraph(doc.run(TITLE), "Title")
    doc.clause(*CLAUSES[0])
    doc.clause("Definitions", ["In these principles, an incident is an event that compromises an ICT system."])
    doc.clause(
        "Points of contact",
        ["Each State designates a national point of contact for incident response.", CLAUSES[1][1][1]],
    )
    start, end = doc.comment("Seventy-two hours is too long for us.")
    doc.paragraph(doc.run("Requests for assistance"), "Heading1")
    doc.paragraph(
        start
        + doc.run("A State that receives a request for assist\u00adance acknowledges it within 72\u00a0hours.")
        + end
    )
    doc.clause(
        "Information sharing", ["States share technical information on incidents through their national\u00a0CERTs."]
    )
    doc.save(path)


def other(path: Path) -> None:
    doc = Writer()
    doc.paragraph(doc.run("Draft rules of procedure for the fisheries committee"), "Title")
    doc.clause("Meetings", ["The committee meets twice a year at the seat of the organisation."])
    doc.clause("Chair", ["The committee elects its chair for two years from among its members."])
    doc.clause("Languages", ["The committee works in English and French, with interpretation."])
    doc.clause("Quorum", ["A majority of members present constitutes a quorum for any decision."])
    doc.clause("Records", ["The secretariat keeps summary records of every meeting held."])
    doc.save(path, "Draft rules of procedure for the fisheries committee")


PAYLOAD = "<script>alert('clause')</script><img src=x onerror=alert(1)>"
COMMENT_PAYLOAD = "\"><svg onload=alert('comment')>"


def payloads(path: Path) -> None:
    doc = Writer()
    doc.paragraph(doc.run(TITLE), "Title")
    start, end = doc.comment(COMMENT_PAYLOAD)
    doc.paragraph(doc.run("Purpose"), "Heading1")
    doc.paragraph(start + doc.run(f"States cooperate {PAYLOAD} against incidents.") + end)
    for heading, paragraphs in CLAUSES[1:]:
        doc.clause(heading, paragraphs)
    doc.save(path)


def main() -> None:
    base(HERE / "base.docx")
    tracked(HERE / "tracked.docx")
    edited(HERE / "edited.docx")
    other(HERE / "other.docx")
    payloads(HERE / "payloads.docx")


if __name__ == "__main__":
    main()
