"""The summary of proceedings over HTTP: generated from the record, edited with a preview that
checks what saving checks, published, read by members, downloaded (the PDF read back), listed
with the published text; through the JSON API too; every change audited."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlmodel import Session

from consensus.agreement import services as agreement
from consensus.models import AuditEvent, MeetingRecord, Round
from consensus.voting import services as voting
from tests.conftest import csrf_token, post_form, q, who
from tests.meetings import GROUP, arrange_meeting

HOSTILE = '<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>'


@pytest.fixture
def meeting(db: Session) -> int:
    """A meeting under way, with a consensus round on 3.2 held at it (closed, passed) and 3.2
    agreed ad referendum by the chair while it sat."""
    arranged = arrange_meeting(db)
    chair = who(db, "chair@demo.example")
    rid = voting.create_round(
        db, chair, GROUP, voting.RoundInput(document="declaration", title="Consensus on 3.2", clause="3.2")
    )
    db.get(Round, rid).meeting_id = arranged.meeting  # type: ignore[union-attr]
    db.commit()
    voting.open_round(db, chair, GROUP, rid)
    voting.cast_ballot(db, who(db, "ken.head@demo.example"), GROUP, rid, "support", "")
    voting.close_round(db, chair, GROUP, rid)
    agreement.set_clause_status(db, chair, GROUP, "declaration", "3.2", "agreed_ad_ref")
    return arranged.meeting


def url(meeting: int, rest: str = "") -> str:
    return f"/groups/{GROUP}/meetings/{meeting}/record{rest}"


def events(db: Session, action: str) -> list[AuditEvent]:
    return list(q(db).execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_the_secretariat_sees_the_summary_the_record_gives_before_anything_is_written(
    browsers, meeting: int, db: Session
) -> None:  # type: ignore[no-untyped-def]
    page = browsers("secretariat").get(url(meeting))
    assert page.status_code == 200
    assert "Present: India, Kenya." in page.text
    assert "Absent: Brazil." in page.text
    assert "Speakers: Kenya (3 min 10 s), India (point of order, speaking)." in page.text
    assert "Round " in page.text and "(Consensus on 3.2): Passed:" in page.text
    assert "clauses 3.3–3.4." in page.text and "Not taken up." in page.text
    assert "Kenya: 3 min 10 s" in page.text and "India: 0 s" not in page.text
    assert "Not written yet" in page.text
    assert q(db).execute(select(MeetingRecord)).first() is None


def test_members_read_it_only_once_it_is_published(browsers, meeting: int) -> None:  # type: ignore[no-untyped-def]
    assert browsers("ken.head").get(url(meeting)).status_code == 403
    assert browsers("chair").get(url(meeting)).status_code == 200
    assert browsers("observer").get(url(meeting, "/files/summary.md")).status_code in (403, 404)


def test_generating_keeps_a_draft_and_audits_it(browsers, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    response = post_form(secretariat, url(meeting, "/generate"), {}, page=url(meeting))
    assert response.status_code == 303
    row = q(db).execute(select(MeetingRecord)).scalar_one()
    assert "## Clauses agreed ad referendum\n\n- Draft Declaration" in row.body and row.body.rstrip().endswith(
        "3 min 10 s"
    )
    assert row.published_at is None
    [event] = events(db, "meeting_record.generate")
    assert json.loads(event.details)["meeting"] == meeting


def test_the_preview_renders_the_markdown_and_typed_html_stays_text(browsers, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    body = f"# Summary\n\n- **Kenya** spoke. {HOSTILE}\n"
    preview = post_form(secretariat, url(meeting, "/preview"), {"body": body}, page=url(meeting, "/edit"))
    assert preview.status_code == 200
    assert "<strong>Kenya</strong>" in preview.text
    assert "<script>alert" not in preview.text and "<img src=x" not in preview.text
    assert 'href="javascript:' not in preview.text
    assert "&lt;script&gt;" in preview.text
    assert q(db).execute(select(MeetingRecord)).first() is None, "a preview writes nothing"


def test_the_preview_refuses_what_saving_refuses(browsers, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat = browsers("secretariat")
    for body, words in [("x" * 100_001, "too long"), ("", "is empty"), ("bad \x01 char", "control characters")]:
        preview = post_form(secretariat, url(meeting, "/preview"), {"body": body}, page=url(meeting, "/edit"))
        assert preview.status_code == 422 and words in preview.text, body[:20]
        saved = post_form(secretariat, url(meeting, "/edit"), {"body": body}, page=url(meeting, "/edit"))
        assert saved.status_code == 422 and words in saved.text, body[:20]
    fragment = secretariat.post(
        url(meeting, "/preview"),
        data={"body": "x" * 100_001, "_csrf_token": csrf_token(secretariat, url(meeting, "/edit"))},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 422 and "too long" in fragment.text and "<html" not in fragment.text
    assert q(db).execute(select(MeetingRecord)).first() is None


def test_edit_publish_read_and_download(browsers, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    secretariat, head = browsers("secretariat"), browsers("ken.head")
    body = f"# Summary of the morning\n\nKenya spoke on clause 3.2. {HOSTILE}\n"
    assert post_form(secretariat, url(meeting, "/edit"), {"body": body}, page=url(meeting, "/edit")).status_code == 303
    assert len(events(db, "meeting_record.edit")) == 1
    assert post_form(secretariat, url(meeting, "/publish"), {}, page=url(meeting)).status_code == 303
    assert q(db).execute(select(MeetingRecord)).scalar_one().published_at is not None
    assert len(events(db, "meeting_record.publish")) == 1

    page = head.get(url(meeting))
    assert page.status_code == 200 and "Kenya spoke on clause 3.2." in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text

    markdown = head.get(url(meeting, "/files/summary.md"))
    assert markdown.status_code == 200 and markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.text == body.strip() + "\n" or markdown.text.strip() == body.strip()
    html = head.get(url(meeting, "/files/summary.html"))
    assert html.status_code == 200 and "<script" not in html.text.lower()
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in html.headers["content-security-policy"]
    pdf = head.get(url(meeting, "/files/summary.pdf"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Summary of the morning" in text and "Kenya spoke on clause 3.2." in text
    assert head.get(url(meeting, "/files/summary.docx")).status_code == 404

    # Published, it no longer changes.
    again = post_form(secretariat, url(meeting, "/edit"), {"body": "Changed."}, page=url(meeting))
    assert again.status_code == 409
    assert post_form(secretariat, url(meeting, "/generate"), {}, page=url(meeting)).status_code == 409


def test_only_the_secretariat_writes_it(browsers, meeting: int) -> None:  # type: ignore[no-untyped-def]
    for account in ("chair", "ken.head", "observer"):
        response = post_form(browsers(account), url(meeting, "/edit"), {"body": "Mine."}, page="/login")
        assert response.status_code == 403, account


def test_the_api_reads_replaces_and_publishes(api, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/meetings/{meeting}/record"
    draft = api("secretariat").get(path)
    assert (
        draft.status_code == 200 and draft.json()["saved"] is False and "Present: India, Kenya" in draft.json()["body"]
    )
    assert api("ken.head").get(path).status_code == 403
    assert api("secretariat").put(path, {"body": ""}).status_code == 422
    too_long = api("secretariat").put(path, {"body": "x" * 100_001})
    assert too_long.status_code == 422 and "body" in too_long.text
    replaced = api("secretariat").put(path, {"body": "# The record\n\nShort."})
    assert replaced.status_code == 200 and replaced.json()["saved"] is True
    assert api("chair").put(path, {"body": "No."}).status_code == 403
    published = api("secretariat").post(f"{path}/publish")
    assert published.status_code == 200 and published.json()["published_at"]
    assert api("ken.head").get(path).json()["body"] == "# The record\n\nShort."
    assert api("secretariat").post(f"{path}/publish").status_code == 409
    assert api("secretariat").get("/api/v1/meetings/999999/record").status_code == 404


def test_a_published_summary_is_listed_with_the_published_text(browsers, client, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.test_publication import adopt, agree_everything, passed_round_on_the_whole_text, publish

    secretariat = browsers("secretariat")
    assert post_form(secretariat, url(meeting, "/publish"), {}, page=url(meeting)).status_code == 303
    public = f"/p/{GROUP}/declaration/meetings/{meeting}/summary.md"
    assert client.get(public).status_code == 404, "not public while the text is not published"
    agree_everything(db)
    rid = passed_round_on_the_whole_text(db)
    assert adopt(browsers("chair"), round=str(rid)).status_code == 303
    assert publish(secretariat).status_code == 303
    page = client.get(f"/p/{GROUP}/declaration")
    assert "Summaries of proceedings" in page.text and public in page.text
    download = client.get(public)
    assert download.status_code == 200 and "Present: India, Kenya." in download.text
    assert client.get(f"/p/{GROUP}/declaration/meetings/{meeting + 1}/summary.md").status_code == 404
