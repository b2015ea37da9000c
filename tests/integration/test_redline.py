"""Amendments from a Word file over HTTP: a delegate uploads the version as their capital changed it
(tracked changes made the way Word makes them, or text simply edited) and proposes what it finds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import Amendment, AuditEvent, Comment
from tests.conftest import login, q

REDLINES = Path(__file__).parent.parent / "data" / "redlines"
DRAFTS = Path(__file__).parent.parent / "data" / "drafts"
API = "/api/v1/groups/oewg-ict/documents/principles"
REDLINE = f"{API}/redline"
PAGE = "/groups/oewg-ict/documents/principles"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fixture(name: str) -> bytes:
    return (REDLINES / name).read_bytes()


def circulate_principles(api: Any) -> None:
    """The secretariat imports ``base.docx`` as a new document and circulates it (version 1)."""
    made = api("secretariat").post_files(
        "/api/v1/groups/oewg-ict/documents/import",
        {"file": ("base.docx", fixture("base.docx"), DOCX)},
        slug="principles",
        language="en",
    )
    assert made.status_code == 201, made.text
    assert api("secretariat").post(f"{API}/circulate").status_code == 200


@pytest.fixture
def principles(api: Any) -> Any:
    circulate_principles(api)
    for who in ("ken.head", "chair", "secretariat", "observer"):
        api(who)  # each token made (and its audit event written) before rows are counted
    return api


def upload(api: Any, who: str, name: str, submit: str = "false", content: bytes | None = None, **fields: str) -> Any:
    data = fixture(name) if content is None else content
    return api(who).post_files(REDLINE, {"file": (name, data, DOCX)}, submit=submit, **fields)


def rows(db: Session) -> tuple[int, int, int]:
    session = q(db)
    return (
        session.execute(select(func.count()).select_from(Amendment)).scalar_one(),
        session.execute(select(func.count()).select_from(Comment)).scalar_one(),
        session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
    )


def found(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(a["kind"], a["clause"], a["text"]) for a in body["amendments"]]


def test_tracked_changes_become_replacements_a_deletion_and_an_insertion_with_their_rationale(principles, db) -> None:  # type: ignore[no-untyped-def]
    before = rows(db)
    response = upload(principles, "ken.head", "tracked.docx")
    assert response.status_code == 200, response.text
    body = response.json()
    assert found(body) == [
        ("replace", "1", "States cooperate to respond to ICT incidents that affect more than one State."),
        ("replace", "2", "Each State names a national point of contact for incident response."),
        (
            "replace",
            "3",
            "A State that receives a request for assistance acknowledges it within 48 hours.\n\n"
            "The point of contact is reachable at all times.",
        ),
        ("insert", "3", "States help one another build the capacity to respond to incidents."),
        ("delete", "4", ""),
    ]
    by_kind = {(a["kind"], a["clause"]): a for a in body["amendments"]}
    assert by_kind[("replace", "1")]["rationale"] == "ICT is the term the group uses elsewhere."
    assert by_kind[("delete", "4")]["rationale"] == "Already covered by the CERT network's own rules."
    assert by_kind[("insert", "3")]["heading"] == "Capacity building"
    assert {"op": "delete", "text": "cyber"} in by_kind[("replace", "1")]["diff"]
    assert {"op": "insert", "text": "ICT"} in by_kind[("replace", "1")]["diff"]
    assert [(c["clause"], c["body"]) for c in body["comments"]] == [("5", "We can accept two years.")]
    assert [u["text"] for u in body["unmatched"]] == ["Comments of the capital, 30 November"]
    assert rows(db) == before  # the preview writes nothing


def test_submitting_proposes_every_amendment_and_comment_in_one_go_with_audit_events(principles, db) -> None:  # type: ignore[no-untyped-def]
    amendments, comments, events = rows(db)
    response = upload(principles, "ken.head", "tracked.docx", submit="true")
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["amendments"]) == 5 and len(body["comments"]) == 1
    assert rows(db) == (amendments + 5, comments + 1, events + 5 + 1 + 1)
    stored = [q(db).get(Amendment, i) for i in body["amendments"]]
    assert [(a.kind, a.status) for a in stored if a] == [("replace", "proposed")] * 3 + [
        ("insert", "proposed"),
        ("delete", "proposed"),
    ]
    actions = q(db).execute(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(7)).scalars().all()
    assert sorted(actions) == sorted(["amendment.propose"] * 5 + ["comment.create", "amendment.redline"])
    listed = principles("ken.head").get(f"{API}/amendments?delegation=KEN").json()
    assert {a["id"] for a in listed} >= set(body["amendments"])


def test_only_the_amendments_named_are_proposed(principles, db) -> None:  # type: ignore[no-untyped-def]
    preview = upload(principles, "ken.head", "tracked.docx").json()
    keys = [a["key"] for a in preview["amendments"] if a["kind"] != "delete"]
    amendments, comments, _events = rows(db)
    response = principles("ken.head").post_files(
        REDLINE, {"file": ("tracked.docx", fixture("tracked.docx"), DOCX)}, submit="true", amendments=keys[0]
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["amendments"]) == 1 and response.json()["comments"] == []
    assert rows(db)[:2] == (amendments + 1, comments)


def test_an_untracked_edit_is_matched_by_number_and_by_text_when_renumbered(principles, db) -> None:  # type: ignore[no-untyped-def]
    body = upload(principles, "ken.head", "edited.docx").json()
    assert found(body) == [
        ("insert", "1", "In these principles, an incident is an event that compromises an ICT system."),
        (
            "replace",
            "2",
            "Each State designates a national point of contact for incident response.\n\n"
            "The point of contact is reachable at all times.",
        ),
        ("delete", "5", ""),
    ]
    # The soft hyphen and non-breaking spaces in clauses 3 and 4 are no change; the comment on 3 is a comment.
    assert [(c["clause"], c["body"]) for c in body["comments"]] == [("3", "Seventy-two hours is too long for us.")]


@pytest.mark.parametrize(
    ("who", "name", "content", "status", "words"),
    [
        ("ken.head", "other.docx", None, 422, "does not look like version 1"),
        ("ken.head", "bomb.docx", (DRAFTS / "bomb.docx").read_bytes(), 422, "expands to more than 50 MB"),
        ("ken.head", "image.docx", (DRAFTS / "not-a-document.docx").read_bytes(), 422, "PNG"),
        ("ken.head", "tracked.odt", None, 422, "Choose a Word file (.docx)"),
        ("ken.head", "empty.docx", b"", 422, "empty"),
        ("chair", "tracked.docx", None, 403, ""),
        ("secretariat", "tracked.docx", None, 403, ""),
    ],
)
def test_bad_files_and_people_who_may_not_propose_are_refused_with_words(  # type: ignore[no-untyped-def]
    principles, db, who, name, content, status, words
) -> None:
    if content is None:
        content = fixture(name if (REDLINES / name).exists() else "tracked.docx")
    before = rows(db)
    response = principles(who).post_files(REDLINE, {"file": (name, content, DOCX)}, submit="true")
    assert response.status_code == status, response.text
    assert words in response.text
    assert rows(db) == before


def test_no_file_is_refused_naming_the_field(principles) -> None:  # type: ignore[no-untyped-def]
    response = principles("ken.head").post_files(REDLINE, {"other": ("x.txt", b"x", "text/plain")}, submit="false")
    assert response.status_code == 422 and "file" in {e["field"] for e in response.json()["errors"]}


def test_a_file_of_an_earlier_version_is_refused_naming_it(principles, db) -> None:  # type: ignore[no-untyped-def]
    ken = principles("ken.head")
    replaced = upload(principles, "ken.head", "tracked.docx").json()["amendments"][0]
    made = ken.post(f"{API}/clauses/1/amendments", json={"kind": "replace", "text": replaced["text"]})
    assert made.status_code == 201
    chair = principles("chair")
    assert (
        chair.post(f"/api/v1/amendments/{made.json()['id']}/decision", json={"decision": "accepted"}).status_code == 200
    )
    consolidated = principles("secretariat").post(f"{API}/versions", json={"note": "v2"})
    assert consolidated.status_code == 201, consolidated.text
    response = upload(principles, "ken.head", "edited.docx")
    assert response.status_code == 422, response.text
    assert "version 1, not of the current version 2" in response.text


def test_an_observer_is_refused(principles) -> None:  # type: ignore[no-untyped-def]
    assert upload(principles, "observer", "tracked.docx").status_code == 403


def test_an_adopted_version_takes_no_amendment_from_a_file(principles, db) -> None:  # type: ignore[no-untyped-def]
    adopted = principles("chair").post(f"{API}/versions/1/adopt", json={"override_reason": "Adopted as it stands."})
    assert adopted.status_code in (200, 201), adopted.text
    before = rows(db)
    response = upload(principles, "ken.head", "tracked.docx", submit="true")
    assert response.status_code == 409 and "frozen" in response.json()["detail"]
    assert rows(db) == before


def test_an_unreadable_file_is_named_on_the_form_and_in_the_api(client: TestClient, principles) -> None:  # type: ignore[no-untyped-def]
    response = upload(principles, "ken.head", "image.docx", content=(DRAFTS / "not-a-document.docx").read_bytes())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file" and "PNG" in response.json()["errors"][0]["message"]
    _page, token = page_login(client, "ken.head")
    page = client.post(
        f"{PAGE}/redline/preview",
        data={"_csrf_token": token},
        files={"file": ("bomb.docx", (DRAFTS / "bomb.docx").read_bytes(), DOCX)},
    )
    assert page.status_code == 422 and "expands to more than 50 MB" in page.text and 'id="file"' in page.text


# --- pages -------------------------------------------------------------------------------------------


def page_login(client: TestClient, who: str) -> str:
    login(client, f"{who}@demo.example", next_path=PAGE)
    page = client.get(PAGE)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return page.text, token.group(1)  # type: ignore[return-value]


def test_the_page_previews_then_proposes_only_what_stays_ticked(client: TestClient, principles, db) -> None:  # type: ignore[no-untyped-def]
    page, token = page_login(client, "ken.head")
    assert "Propose amendments from a Word file" in page
    before = rows(db)
    preview = client.post(
        f"{PAGE}/redline/preview",
        data={"_csrf_token": token},
        files={"file": ("tracked.docx", fixture("tracked.docx"), DOCX)},
    )
    assert preview.status_code == 200, preview.text
    assert rows(db) == before
    assert "<del>" in preview.text and "ICT is the term the group uses elsewhere." in preview.text
    assert "Comments of the capital, 30 November" in preview.text and "We can accept two years." in preview.text
    keys = re.findall(r'name="amendment" value="([0-9a-f]+)" checked', preview.text)
    assert len(keys) == 5
    comment_keys = re.findall(r'name="comment" value="([0-9a-f]+)" checked', preview.text)
    hidden = dict(re.findall(r'<input type="hidden" name="(filename|version|file_data)" value="([^"]*)"', preview.text))
    response = client.post(
        f"{PAGE}/redline/propose",
        data={"_csrf_token": token, **hidden, "amendment": keys[1:], "comment": comment_keys},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "/documents/principles/amendments" in response.headers["location"]
    assert rows(db)[:2] == (before[0] + 4, before[1] + 1)
    listed = client.get(response.headers["location"]).text
    assert "4 amendments were proposed from the Word file." in listed
    assert "ICT incidents" not in listed  # the unticked replacement of clause 1


def test_a_preview_made_before_the_version_moved_on_is_refused(client: TestClient, principles, db) -> None:  # type: ignore[no-untyped-def]
    _page, token = page_login(client, "ken.head")
    preview = client.post(
        f"{PAGE}/redline/preview",
        data={"_csrf_token": token},
        files={"file": ("tracked.docx", fixture("tracked.docx"), DOCX)},
    )
    hidden = dict(re.findall(r'<input type="hidden" name="(filename|version|file_data)" value="([^"]*)"', preview.text))
    keys = re.findall(r'name="amendment" value="([0-9a-f]+)"', preview.text)
    before = rows(db)
    stale = client.post(
        f"{PAGE}/redline/propose", data={"_csrf_token": token, **hidden, "version": "0", "amendment": keys}
    )
    assert stale.status_code == 422 and "upload the file again" in stale.text
    gone = client.post(
        f"{PAGE}/redline/propose", data={"_csrf_token": token, **hidden, "amendment": ["0123456789abcdef"]}
    )
    assert gone.status_code == 422 and "no longer gives what was previewed" in gone.text
    nothing = client.post(f"{PAGE}/redline/propose", data={"_csrf_token": token, **hidden})
    assert nothing.status_code == 422 and "Nothing is ticked" in nothing.text
    assert rows(db) == before


def test_a_bad_file_on_the_page_is_named_on_the_form(client: TestClient, principles) -> None:  # type: ignore[no-untyped-def]
    _page, token = page_login(client, "ken.head")
    response = client.post(
        f"{PAGE}/redline/preview",
        data={"_csrf_token": token},
        files={"file": ("other.docx", fixture("other.docx"), DOCX)},
    )
    assert response.status_code == 422 and "does not look like version 1" in response.text


def test_the_chair_sees_no_upload_on_the_document_page(client: TestClient, principles) -> None:  # type: ignore[no-untyped-def]
    page, _token = page_login(client, "chair")
    assert "Propose amendments from a Word file" not in page
    assert client.get(f"{PAGE}/redline").status_code == 403


def test_payloads_in_the_file_and_its_comments_are_shown_inert(client: TestClient, principles) -> None:  # type: ignore[no-untyped-def]
    _page, token = page_login(client, "ken.head")
    preview = client.post(
        f"{PAGE}/redline/preview",
        data={"_csrf_token": token},
        files={"file": ("payloads.docx", fixture("payloads.docx"), DOCX)},
    )
    assert preview.status_code == 200, preview.text
    assert "<script>alert('clause')" not in preview.text and "<img src=x" not in preview.text
    assert "<svg onload" not in preview.text
    assert "&lt;script&gt;" in preview.text and "&lt;svg onload=" in preview.text


def test_the_openapi_schema_describes_the_redline_route(client: TestClient) -> None:
    schema = client.get("/schema").json()
    operation = schema["paths"]["/api/v1/groups/{group}/documents/{document}/redline"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "submit" in operation["description"] and {"200", "201"} <= set(operation["responses"])


def tracked_in_word(exported: bytes, old: str, new: str) -> bytes:
    """The exported file as Word leaves it once a capital changed ``old`` to ``new`` with Track
    Changes on: the run holding ``old`` split around a w:del and a w:ins."""
    import io
    import zipfile

    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    source = zipfile.ZipFile(io.BytesIO(exported))
    root = etree.fromstring(source.read("word/document.xml"))
    text = next(t for t in root.iter(f"{{{w}}}t") if t.text and old in t.text)
    run = text.getparent()
    before, after = text.text.split(old, 1)

    def piece(words: str, tag: str = "t") -> etree._Element:
        made = etree.Element(f"{{{w}}}r")
        node = etree.SubElement(made, f"{{{w}}}{tag}")
        node.text = words
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return made

    change = {f"{{{w}}}id": "901", f"{{{w}}}author": "Capital", f"{{{w}}}date": "2026-12-01T09:00:00Z"}
    deleted = etree.Element(f"{{{w}}}del", change)
    deleted.append(piece(old, "delText"))
    inserted = etree.Element(f"{{{w}}}ins", {**change, f"{{{w}}}id": "902"})
    inserted.append(piece(new))
    text.text = before
    parent = run.getparent()
    for offset, element in enumerate([deleted, inserted, piece(after)], start=1):
        parent.insert(parent.index(run) + offset, element)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(member, data if member.filename == "word/document.xml" else source.read(member))
    return out.getvalue()


def test_the_version_downloaded_as_word_and_changed_with_tracking_comes_back_as_its_amendment(principles) -> None:  # type: ignore[no-untyped-def]
    exported = principles("ken.head").get(f"{PAGE}/versions/1/text.docx")
    assert exported.status_code == 200, exported.text
    assert upload(principles, "ken.head", "text.docx", content=exported.content).json()["amendments"] == []
    changed = tracked_in_word(exported.content, "72", "48")
    body = upload(principles, "ken.head", "text.docx", content=changed).json()
    assert found(body) == [
        ("replace", "3", "A State that receives a request for assistance acknowledges it within 48 hours.")
    ]


def test_two_new_clauses_in_a_row_are_both_found_and_the_clash_is_said(principles, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("redlines", REDLINES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    made = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(made)
    doc = made.Writer()
    doc.paragraph(doc.run(made.TITLE), "Title")
    for n, (heading, paragraphs) in enumerate(made.CLAUSES):
        doc.clause(heading, paragraphs)
        if n == 1:
            doc.clause("Training", ["States train the staff of their points of contact."])
            doc.clause("Exercises", ["States hold a joint exercise every year."])
    doc.save(tmp_path / "two.docx")
    body = upload(principles, "ken.head", "two.docx", content=(tmp_path / "two.docx").read_bytes()).json()
    assert [(a["kind"], a["clause"], a["number"]) for a in body["amendments"]] == [
        ("insert", "2", "3"),
        ("insert", "2", "4"),
    ]
    assert body["amendments"][0]["note"] == "" and "cannot both be accepted" in body["amendments"][1]["note"]
