"""Reading Word files the way a reviewer would: every tracked change accepted or rejected, by
LibreOffice itself (headless, a Basic macro calling Accept All / Reject All) and on the XML."""

from __future__ import annotations

import io
import subprocess
import zipfile
from copy import deepcopy
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SOFFICE = "/usr/bin/soffice"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def document_xml(content: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def part(content: bytes, name: str) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name) if name in archive.namelist() else None


def resolved(content: bytes, accept: bool) -> list[str]:
    """The paragraphs' texts once every tracked change is accepted (``accept``) or rejected: on
    accepting, deletions go and insertions stay; a paragraph whose mark is deleted joins the next
    (and an inserted one likewise on rejecting), which for a whole paragraph means it is gone."""
    root = deepcopy(document_xml(content))
    body = root.find(w("body"))
    assert body is not None
    gone = "del" if accept else "ins"
    texts: list[str] = []
    pending = ""
    for p in body.iter(w("p")):
        for element in list(p.iter(w(gone))):
            if element.getparent() is not None and element.getparent().tag != w("rPr"):
                element.getparent().remove(element)
        parts = []
        for node in p.iter(w("t"), w("delText"), w("br"), w("tab")):
            if node.tag == w("br"):
                parts.append("\n")
            elif node.tag == w("tab"):
                parts.append("\t")
            else:
                parts.append(node.text or "")
        text = pending + "".join(parts)
        mark = p.find(f"{w('pPr')}/{w('rPr')}/{w(gone)}")
        if mark is not None:
            pending = text  # the paragraph mark is removed: this paragraph runs on into the next
            continue
        pending = ""
        texts.append(text)
    return texts


def _profile(root: Path) -> Path:
    """A LibreOffice user profile holding one Basic macro: open a file, accept or reject every
    tracked change, save it as plain text. LibreOffice makes the profile on its first start (and
    would overwrite a library written before), so it starts once first."""
    subprocess.run(
        [SOFFICE, "--headless", "--terminate_after_init", f"-env:UserInstallation={root.as_uri()}"],
        check=True,
        timeout=180,
        capture_output=True,
    )
    basic = root / "user" / "basic"
    standard = basic / "Standard"
    standard.mkdir(parents=True, exist_ok=True)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    libraries = (
        head + '<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">\n'
        '<library:libraries xmlns:library="http://openoffice.org/2000/library" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<library:library library:name="Standard" library:link="false"/></library:libraries>\n'
    )
    (basic / "script.xlc").write_text(libraries)
    (basic / "dialog.xlc").write_text(libraries)
    library = (
        head + '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">\n'
        '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
        'library:readonly="false" library:passwordprotected="false">{}</library:library>\n'
    )
    (standard / "script.xlb").write_text(library.format('<library:element library:name="Review"/>'))
    (standard / "dialog.xlb").write_text(library.format(""))
    macro = """Sub Resolve(inUrl As String, outUrl As String, mode As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, args())
  dispatcher = createUnoService("com.sun.star.frame.DispatchHelper")
  frame = doc.getCurrentController().getFrame()
  If mode = "accept" Then
    dispatcher.executeDispatch(frame, ".uno:AcceptAllTrackedChanges", "", 0, Array())
  Else
    dispatcher.executeDispatch(frame, ".uno:RejectAllTrackedChanges", "", 0, Array())
  End If
  Dim out(0) As New com.sun.star.beans.PropertyValue
  out(0).Name = "FilterName"
  out(0).Value = "Text (encoded)"
  doc.storeToURL(outUrl, out())
  doc.close(True)
End Sub
"""
    escaped = macro.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    (standard / "Review.xba").write_text(
        head + '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Review" '
        f'script:language="StarBasic">{escaped}</script:module>\n'
    )
    return root


def libreoffice_resolved(content: bytes, accept: bool, workdir: Path) -> list[str]:
    """The file's text as LibreOffice Writer gives it after Accept All (or Reject All), one line a paragraph."""
    workdir.mkdir(parents=True, exist_ok=True)
    profile = workdir / "profile"
    if not profile.exists():
        _profile(profile)
    source = workdir / "in.docx"
    source.write_bytes(content)
    target = workdir / ("accepted.txt" if accept else "rejected.txt")
    target.unlink(missing_ok=True)
    mode = "accept" if accept else "reject"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--invisible",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            f'macro:///Standard.Review.Resolve("{source.as_uri()}","{target.as_uri()}","{mode}")',
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return target.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")


def revisions(content: bytes) -> list[etree._Element]:
    """Every tracked change (runs and paragraph marks) in the body, in order."""
    root = document_xml(content)
    return [e for e in root.iter(w("ins"), w("del"))]
