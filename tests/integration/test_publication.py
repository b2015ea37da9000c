"""Adoption and publication: refusals, the frozen version, the public section, and every download
opened by a real reader."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus import PROJECT_ROOT
from consensus.agreement import services as agreement
from consensus.amendments import services as amendments
from consensus.models import Adoption, Clause, Publication, Version
from consensus.voting import services as voting
from tests.conftest import D, clause_url, post_form, q, who

G, DOC = "oewg-ict", "declaration"
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
HOSTILE = '<script>alert("x")</script> [click](javascript:alert(1)) **bold** # heading'


def agree_everything(db: Session) -> None:
    q(db).execute(update(Clause).values(status="agreed_ad_ref"))
    db.commit()


def adopt(client, version: int = 1, **fields: str):  # type: ignore[no-untyped-def]
    return post_form(client, f"{D}/versions/{version}/adopt", {"round": "", **fields}, page=f"{D}/versions")


def publish(client, version: int = 1):  # type: ignore[no-untyped-def]
    return post_form(client, f"{D}/versions/{version}/publish", {}, page=f"{D}/versions")


def passed_round_on_the_whole_text(db: Session, explanation: str = "") -> int:
    chair = who(db, "chair@demo.example")
    rid = voting.create_round(
        db, chair, G, voting.RoundInput(document=DOC, title="Adoption vote", rule="simple_majority")
    )
    voting.open_round(db, chair, G, rid)
    voting.cast_ballot(db, who(db, "ken.head@demo.example"), G, rid, "yes", explanation)
    voting.cast_ballot(db, who(db, "ind.head@demo.example"), G, rid, "no", "We cannot support it.")
    voting.cast_ballot(db, who(db, "bra.head@demo.example"), G, rid, "yes")
    voting.close_round(db, chair, G, rid)
    return rid


def test_adoption_is_refused_while_clauses_are_open_or_amendments_undecided(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    amendment = amendments.propose(
        db, who(db, "ken.head@demo.example"), G, DOC, "3.2", amendments.AmendmentInput("delete")
    )
    q(db).execute(update(Clause).where(Clause.number != "4.1").values(status="agreed_ad_ref"))
    db.commit()
    refused = adopt(browsers("chair"))
    assert refused.status_code == 409
    assert "clauses still open: 4.1" in refused.text and f"amendments not yet decided: {amendment}" in refused.text
    assert q(db).execute(select(func.count()).select_from(Adoption)).scalar_one() == 0


def test_the_chair_overrides_with_a_reason_and_the_version_freezes(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    response = adopt(browsers("chair"), override_reason="Time ran out; the brackets are noted in the report.")
    assert response.status_code == 303
    stored = q(db).execute(select(Adoption)).scalar_one()
    assert (
        stored.method == "consensus" and stored.override_reason.startswith("Time ran out") and stored.open_clauses == 41
    )
    assert set(q(db).execute(select(Clause.status)).scalars()) == {"adopted"}
    ken = browsers("ken.head")
    frozen = post_form(ken, f"{clause_url('3.2')}/comments", {"kind": "general", "body": "Late."}, page=D)
    assert frozen.status_code == 409 and "adopted and is frozen" in frozen.text
    assert post_form(ken, f"{clause_url('3.2')}/amendments", {"kind": "delete", "text": ""}, page=D).status_code == 409
    assert post_form(ken, f"{D}/position", {"clause": "3.2", "position": "support"}, page=D).status_code == 409
    again = adopt(browsers("chair"), override_reason="Twice.")
    assert again.status_code == 409 and "already been adopted" in again.text
    assert "has been adopted and is frozen" in ken.get(D).text


@pytest.mark.parametrize(
    ("account", "fields", "status"),
    [
        ("secretariat", {}, 403),  # only the chair declares consensus
        ("secretariat", {"override_reason": "x"}, 403),
        ("ken.head", {}, 403),
        ("observer", {}, 403),
    ],
)
def test_who_may_record_an_adoption(browsers, db: Session, account: str, fields: dict[str, str], status: int) -> None:  # type: ignore[no-untyped-def]
    agree_everything(db)
    assert adopt(browsers(account), **fields).status_code == status
    assert q(db).execute(select(func.count()).select_from(Adoption)).scalar_one() == 0


def test_the_secretariat_records_adoption_by_a_passed_round(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    agree_everything(db)
    rid = passed_round_on_the_whole_text(db)
    assert adopt(browsers("secretariat"), round=str(rid)).status_code == 303
    stored = q(db).execute(select(Adoption)).scalar_one()
    assert stored.method == "round" and stored.round_id == rid


def test_a_failed_round_or_a_round_on_a_clause_does_not_adopt(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    agree_everything(db)
    chair = who(db, "chair@demo.example")
    on_clause = voting.create_round(
        db, chair, G, voting.RoundInput(document=DOC, title="3.2", rule="consensus", clause="3.2")
    )
    voting.open_round(db, chair, G, on_clause)
    voting.close_round(db, chair, G, on_clause)
    refused = adopt(browsers("secretariat"), round=str(on_clause))
    assert refused.status_code == 422 and "not on the whole text" in refused.text
    failed = voting.create_round(db, chair, G, voting.RoundInput(document=DOC, title="Fails", rule="unanimity"))
    voting.open_round(db, chair, G, failed)
    voting.close_round(db, chair, G, failed)
    refused = adopt(browsers("secretariat"), round=str(failed))
    assert refused.status_code == 422 and "passing result" in refused.text


def test_publication_makes_the_text_public_and_nothing_else(browsers, client, db: Session) -> None:  # type: ignore[no-untyped-def]
    agree_everything(db)
    assert publish(browsers("secretariat")).status_code == 409  # not adopted yet
    assert client.get("/p/oewg-ict/declaration").status_code == 404
    assert client.get("/p/oewg-ict/declaration/v1.pdf").status_code == 404
    adopt(browsers("chair"))
    assert client.get("/p/oewg-ict/declaration").status_code == 404  # adopted is not published
    assert publish(browsers("chair")).status_code == 403
    assert publish(browsers("secretariat")).status_code == 303
    assert publish(browsers("secretariat")).status_code == 303  # harmless twice
    assert q(db).execute(select(func.count()).select_from(Publication)).scalar_one() == 1
    page = client.get("/p/oewg-ict/declaration")
    assert page.status_code == 200 and "Adopted on" in page.text and 'href="#main"' in page.text
    # Cached by the reader's browser only: the interface around the text follows their language.
    assert "<main" in page.text and page.headers["cache-control"].startswith("private")
    assert "Accept-Language" in page.headers["vary"]
    assert client.get("/p/oewg-ict/declaration/v1.pdf").headers["cache-control"].startswith("public")
    assert client.get("/p/oewg-ict").status_code == 200
    # The private pages stay private, drafts unreachable.
    assert client.get(D, follow_redirects=False).status_code == 303
    assert client.get("/p/oewg-ict/declaration/v2").status_code == 404
    assert client.get("/p/oewg-ict/nothing").status_code == 404
    assert client.get("/p/nobody").status_code == 404


@pytest.fixture
def published(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    """The demo draft adopted by a round and published, with reservations and explanations typed
    by users (some hostile)."""
    ken = who(db, "ken.head@demo.example")
    agreement.state_position(db, ken, G, DOC, "3.2", "reservation", f"Kenya reserves on storage. {HOSTILE}")
    agreement.state_position(db, who(db, "ind.head@demo.example"), G, DOC, None, "objection", "India objects.")
    agree_everything(db)
    rid = passed_round_on_the_whole_text(db, explanation=f"We vote yes. {HOSTILE}")
    assert adopt(browsers("chair"), round=str(rid)).status_code == 303
    assert publish(browsers("secretariat")).status_code == 303


def clause_rows(db: Session) -> list[tuple[str, str, str]]:
    return [
        tuple(r)  # type: ignore[misc]
        for r in q(db)
        .execute(
            select(Clause.number, Clause.heading, Clause.text)
            .join(Version, Version.id == Clause.version_id)
            .where(Version.number == 1)
            .order_by(Clause.position)
        )
        .all()
    ]


def squash(text: str) -> str:
    return " ".join(text.split())


def download(client, fmt: str):  # type: ignore[no-untyped-def]
    response = client.get(f"/p/oewg-ict/declaration/v1.{fmt}")
    assert response.status_code == 200, response.text
    assert 'filename="oewg-ict-declaration-v1-adopted-' in response.headers["content-disposition"]
    return response


def test_the_pdf_holds_every_clause(published, client, db: Session) -> None:  # type: ignore[no-untyped-def]
    response = download(client, "pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages))
    assert "Open-ended Working Group" in text and "adopted on" in text
    for number, heading, body in clause_rows(db):
        assert f"{number} {heading}" in text, number
        assert squash(body)[:60] in text, number
    assert "Annex I" in text and "Annex II" in text and HOSTILE.split(" [")[0] in text


def test_the_docx_reads_back(published, client, db: Session) -> None:  # type: ignore[no-untyped-def]
    document = docx.Document(io.BytesIO(download(client, "docx").content))
    paragraphs = [p.text for p in document.paragraphs]
    for number, heading, body in clause_rows(db):
        assert f"{number} {heading}" in paragraphs
        assert body.split("\n\n")[0].strip() in paragraphs
    assert any(HOSTILE in p for p in paragraphs)  # typed text is kept as plain text
    properties = document.core_properties
    assert properties.title.startswith("Draft Declaration")
    # The file's own properties, not those of python-docx's template (its author, its 2013 dates)
    adopted_at = q(db).execute(select(Adoption.adopted_at)).scalar_one()
    assert properties.author.startswith("Open-ended Working Group") and properties.last_modified_by == properties.author
    assert properties.created is not None and properties.created.date() == adopted_at.date()
    assert not any(rel.reltype.endswith("/thumbnail") for rel in document.part.package.rels.values())
    # A ballot is named in the reader's words: the record says "Yes", not the stored "yes"
    record = [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    assert any(row.startswith(("Kenya | Yes | We vote yes.", "Kenya | Yes | ")) for row in record), record


def test_the_akoma_ntoso_xml_parses_with_frbr_and_every_clause(published, client, db: Session) -> None:  # type: ignore[no-untyped-def]
    root = ET.fromstring(download(client, "akn.xml").content)  # noqa: S314 (our own output)
    assert root.tag == f"{AKN}akomaNtoso"
    work = root.find(f"{AKN}doc/{AKN}meta/{AKN}identification/{AKN}FRBRWork")
    assert work is not None
    adopted_on = q(db).execute(select(Adoption.adopted_at)).scalar_one().strftime("%Y-%m-%d")
    assert work.find(f"{AKN}FRBRdate").get("date") == adopted_on  # type: ignore[union-attr]
    assert work.find(f"{AKN}FRBRthis").get("value").startswith("/akn/int/doc/oewg-ict/")  # type: ignore[union-attr]
    expression = root.find(f"{AKN}doc/{AKN}meta/{AKN}identification/{AKN}FRBRExpression/{AKN}FRBRversionNumber")
    assert expression is not None and expression.get("value") == "1"
    numbers = [n.text for n in root.iter(f"{AKN}num")]
    assert numbers == [number for number, _h, _t in clause_rows(db)]
    body_text = squash(" ".join(root.find(f"{AKN}doc/{AKN}mainBody").itertext()))  # type: ignore[union-attr]
    for _number, heading, body in clause_rows(db):
        assert heading in body_text and squash(body)[:80] in body_text
    assert not list(root.iter("script")) and not list(root.iter(f"{AKN}script"))
    assert HOSTILE in " ".join(root.itertext())


def test_markdown_and_json_match_the_clauses(published, client, db: Session) -> None:  # type: ignore[no-untyped-def]
    markdown = download(client, "md").text
    data = json.loads(download(client, "json").content)
    rows = clause_rows(db)
    assert [(c["number"], c["heading"], c["text"]) for c in data["clauses"]] == rows
    assert data["version"] == 1 and data["adopted"]["method"] == "round" and data["document"]["slug"] == "declaration"
    assert any(s["text"].endswith(HOSTILE) for s in data["statements"]["Kenya"])
    for number, heading, _body in rows:
        # Readable as typed: "1.1" and "Open-ended" are not over-escaped (issue 18)...
        assert f" {number} " in markdown and heading.split(" ")[0] in markdown
    assert "Open-ended" in markdown
    # ...and inert: what a delegation typed makes no markup, HTML or link in any renderer.
    assert "<script>" not in markdown and "&lt;script>" in markdown
    assert "\\[click\\](javascript:alert(1))" in markdown
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table"]).render(markdown)
    assert "<script" not in rendered and "href=" not in rendered and "<strong>" not in rendered


def test_the_html_download_is_self_contained_and_inert(published, client) -> None:  # type: ignore[no-untyped-def]
    response = download(client, "html")
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    assert "<style>" in html and "<script" not in html and "<link" not in html
    assert "&lt;script&gt;alert" in html
    assert "@media print" in html


def test_the_public_page_has_the_annexes(published, client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/p/oewg-ict/declaration").text
    assert "Annex I: reservations and explanations of position" in page
    assert "Reservation on clause 3.2" in page and "Objection to the whole text" in page
    assert "Annex II: record of votes" in page and "We cannot support it." in page
    assert "<script>alert" not in page


def test_the_export_command_writes_the_same_files(published, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "declaration.pdf"
    env = {
        "CONSENSUS_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.database.url,
        "SECRET_KEY": "x",
        "PATH": "/usr/bin",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "consensus.cli",
            "export",
            G,
            DOC,
            "--version",
            "1",
            "--format",
            "pdf",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    missing = subprocess.run(
        [sys.executable, "-m", "consensus.cli", "export", G, DOC, "--version", "7", "--format", "md"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )
    assert missing.returncode == 1 and "no published text" in missing.stderr


def test_the_api_adopts_and_publishes(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    refused = api("chair").post(f"/api/v1/groups/{G}/documents/{DOC}/versions/1/adopt", {})
    assert refused.status_code == 409 and len(refused.json()["open_clauses"]) == 41
    adopted = api("chair").post(f"/api/v1/groups/{G}/documents/{DOC}/versions/1/adopt", {"override_reason": "Enough."})
    assert adopted.status_code == 200 and adopted.json()["adopted"] is True
    assert api("chair").post(f"/api/v1/groups/{G}/documents/{DOC}/versions/1/publish").status_code == 403
    published = api("secretariat").post(f"/api/v1/groups/{G}/documents/{DOC}/versions/1/publish")
    assert published.status_code == 200 and published.json()["published"] is True
