"""Stored XSS: a corpus of known payloads goes through every free-text field (names, titles,
clause text, comments, proposed changes, amendments, rationales, reservations, explanations,
observations, reasons, notes); every page and fragment that shows them is parsed and must hold no
script, no event-handler attribute and no javascript: URL."""

from __future__ import annotations

import importlib.util
import itertools
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from litestar.testing import TestClient
from sqlmodel import Session

from consensus.agreement import services as agreement
from consensus.amendments import services as amendments
from consensus.audit.services import Actor
from consensus.comments import services as comments
from consensus.core.clauses import Draft, DraftClause
from consensus.core.groupfile import check_group_file
from consensus.core.meetings import SubjectAsked
from consensus.documents import corrections, preparation, versions
from consensus.groups.services import NewMember, add_member, load_group_file
from consensus.lookups import as_viewer
from consensus.meetings import services as meeting_services
from consensus.publishing import services as publishing
from consensus.voting import services as voting
from tests.conftest import csrf_token, login, who

PAYLOADS = [
    line.replace("\\n", "\n")
    for line in (Path(__file__).parent.parent / "data" / "xss_payloads.txt").read_text().splitlines()
    if line and not line.startswith("#")
]
OUR_SCRIPTS = ("/vendor/htmx/", "/vendor/htmx-sse/", "/static/js/")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "background")


def hostile_group(db: Session) -> None:
    """A group whose names and texts are payloads, and a discussion made of payloads."""
    names = itertools.cycle(PAYLOADS)
    raw = {
        "group": {"slug": "xss", "name": next(names)[:200], "description": next(names), "observers_may_comment": True},
        "delegations": [{"code": f"X{i:02d}", "name": next(names)[:200]} for i in range(12)],
        "users": [
            {"email": "chair@xss.example", "name": next(names)[:200], "password": "xss-password-1", "role": "chair"},
            {
                "email": "sec@xss.example",
                "name": next(names)[:200],
                "password": "xss-password-1",
                "role": "secretariat",
            },
        ]
        + [
            {
                "email": f"h{i}@xss.example",
                "name": next(names)[:200],
                "password": "xss-password-1",
                "role": "delegate",
                "delegation": f"X{i:02d}",
                "head": True,
            }
            for i in range(12)
        ],
        "documents": [
            {
                "slug": "doc",
                "title": next(names)[:300],
                "clauses": [
                    {"number": str(i), "heading": next(names)[:300], "text": next(names)} for i in range(1, 11)
                ],
            }
        ],
    }
    load_group_file(db, check_group_file(raw), Actor.command_line(), "xss")
    chair, secretariat = who(db, "chair@xss.example"), who(db, "sec@xss.example")
    heads = [who(db, f"h{i}@xss.example") for i in range(12)]
    amendment_ids = []
    for i, payload in enumerate(PAYLOADS):
        head = heads[i % 12]
        number = str(1 + i % 10)
        comment = comments.post_comment(
            db, head, "xss", "doc", number, comments.CommentInput(payload, "technical", payload, payload[:100])
        )
        comments.post_comment(
            db, heads[(i + 1) % 12], "xss", "doc", number, comments.CommentInput(payload, parent_id=comment)
        )
        if i % 3 == 0:
            comments.dispose_comment(db, secretariat, "xss", comment, "rejected", payload)
        amendment_ids.append(
            amendments.propose(
                db,
                head,
                "xss",
                "doc",
                number,
                amendments.AmendmentInput("replace" if i % 2 else "insert", f"{payload} {i}", payload, payload[:300]),
            )
        )
    for i, head in enumerate(heads):
        agreement.state_position(db, head, "xss", "doc", str(1 + i % 10), "reservation", PAYLOADS[i])
        agreement.state_position(db, head, "xss", "doc", None, "objection", PAYLOADS[-1 - i])
    amendments.decide(db, chair, "xss", amendment_ids[0], "accepted", PAYLOADS[5])
    amendments.decide(db, chair, "xss", amendment_ids[1], "rejected", PAYLOADS[6])
    # A compromise of payloads (amendment 301) superseding two amendments on clause 3 (3 and 13).
    amendments.propose_compromise(
        db,
        chair,
        "xss",
        "doc",
        "3",
        amendments.CompromiseInput(PAYLOADS[11], PAYLOADS[12], (amendment_ids[2], amendment_ids[12])),
    )
    for i in range(3):
        rid = voting.create_round(
            db, chair, "xss", voting.RoundInput(document="doc", title=PAYLOADS[i][:300], rule="simple_majority")
        )
        voting.open_round(db, chair, "xss", rid)
        for j, head in enumerate(heads):
            voting.cast_ballot(db, head, "xss", rid, "yes" if j % 2 else "no", PAYLOADS[10 + i * 12 + j])
        if i < 2:
            voting.close_round(db, chair, "xss", rid)
    add_member(
        db,
        "xss",
        NewMember(email="new@xss.example", name=PAYLOADS[7][:200], role="observer"),
        secretariat.actor("xss"),
        invitation_days=7,
    )
    versions.consolidate_version(db, secretariat, "xss", "doc", PAYLOADS[8][:2000])
    from sqlalchemy import update

    from consensus.models import Clause

    db.execute(update(Clause).values(status="agreed_ad_ref"))
    db.commit()
    publishing.adopt(db, chair, "xss", "doc", 2, override_reason=PAYLOADS[9])
    publishing.publish(db, secretariat, "xss", "doc", 2)
    # A document still in preparation, and one circulated with an editorial correction, both of payloads.
    clauses = tuple(DraftClause(str(i), PAYLOADS[20 + i][:300], PAYLOADS[40 + i]) for i in range(1, 6))
    for slug in ("draft", "open"):
        preparation.create_document(
            db, secretariat, "xss", preparation.NewDocument(slug, "en", Draft(PAYLOADS[60][:300], clauses))
        )
    membership = secretariat.memberships["xss"]
    as_viewer(db, [(membership.group_id, "xss", membership.role)])  # as a request by the secretariat reads
    preparation.circulate(db, secretariat, "xss", "open")
    corrections.correct_clause(db, secretariat, "xss", "open", "1", PAYLOADS[41] + " x", PAYLOADS[61])
    alternatives_of_payloads(db, chair, secretariat, heads)
    meetings_of_payloads(db, secretariat, heads)


def meetings_of_payloads(db: Session, secretariat, heads) -> None:  # type: ignore[no-untyped-def]
    """Meetings whose titles, places and agenda items are payloads, with a roll call."""
    for i in range(3):
        scheduled = meeting_services.create_meeting(
            db,
            secretariat,
            "xss",
            meeting_services.MeetingInput(
                PAYLOADS[200 + i][:300],
                datetime(2027, 1, 1 + i, 9, tzinfo=UTC),
                datetime(2027, 1, 1 + i, 12, tzinfo=UTC),
                PAYLOADS[210 + i][:300],
                "https://meet.example.org/x?q=" + quote(PAYLOADS[220 + i][:100], safe="<>\"'&;=()"),
            ),
            [
                meeting_services.AgendaInput(
                    title=PAYLOADS[230 + i * 5 + j][:300],
                    subject=SubjectAsked("doc", str(1 + j)) if j % 2 else None,
                )
                for j in range(5)
            ],
        )
        meeting_services.record_attendance(
            db, secretariat, "xss", scheduled.id, {f"X{j:02d}": bool(j % 2) for j in range(6)}
        )


def alternatives_of_payloads(db: Session, chair, secretariat, heads) -> None:  # type: ignore[no-untyped-def]
    """A document whose alternatives are payloads, an options round closed on one set (rounds/4)
    and one open on the other (rounds/5)."""
    plain = [p for p in PAYLOADS if not {"[", "]", "\n", "\r"} & set(p)]
    clauses = (
        DraftClause("1", plain[0][:300], f"States [{plain[1]}] / [{plain[2]}] act [{plain[3]}]."),
        DraftClause("2", plain[4][:300], f"Option A: {plain[5]}\nOption B: {plain[6]}"),
    )
    preparation.create_document(
        db, secretariat, "xss", preparation.NewDocument("alts", "en", Draft(plain[7][:300], clauses))
    )
    membership = secretariat.memberships["xss"]
    as_viewer(db, [(membership.group_id, "xss", membership.role)])
    preparation.circulate(db, secretariat, "xss", "alts")
    for number, close in (("1", True), ("2", False)):
        rid = voting.create_round(
            db,
            chair,
            "xss",
            voting.RoundInput(
                document="alts", title=plain[8][:300], rule="most_support", clause=number, alternatives=1
            ),
        )
        voting.open_round(db, chair, "xss", rid)
        for j, head in enumerate(heads):
            voting.cast_ballot(db, head, "xss", rid, ("option:1", "option:2", "none", "option:2")[j % 4], plain[9 + j])
        if close:
            voting.close_round(db, chair, "xss", rid)


def assert_inert(html: str, where: str) -> int:
    """Parse a page and fail on any script, handler attribute or javascript: URL. Returns the count
    of elements checked."""
    tree = lxml.html.fromstring(html) if html.strip() else None
    if tree is None:
        return 0
    checked = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        checked += 1
        tag = element.tag.lower()
        if tag == "script":
            assert element.get("src", "").startswith(OUR_SCRIPTS) and not (element.text or "").strip(), (
                f"script on {where}"
            )
        assert tag not in {"iframe", "object", "embed", "base", "meta"} or (
            tag == "meta"
            # The projector reloads itself without JavaScript: a delay alone, no address to go to.
            and (element.get("http-equiv") is None or element.get("content", "").isdecimal())
        ), f"<{tag}> on {where}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"handler {name} on <{tag}> at {where}"
            if name.lower() in URL_ATTRIBUTES or (
                name.lower().startswith("hx-") and name.lower() in ("hx-get", "hx-post")
            ):
                assert not value.strip().lower().replace("\x00", "").startswith(("javascript:", "data:text")), (
                    f"{name}={value!r} at {where}"
                )
            if name.lower().startswith(("hx-", "sse-")):
                assert value.startswith(
                    (
                        "/",
                        "#",
                        "{",
                        "closest",
                        "find",
                        "this",
                        "innerHTML",
                        "outerHTML",
                        "toggle",
                        "input",
                        "change",
                        "true",
                        "live",
                        "over",
                        "sse",
                    )
                ) or value in ("",), f"{name}={value!r} at {where}"
    return checked


@pytest.fixture
def hostile(db: Session) -> None:
    hostile_group(db)


def test_no_payload_runs_anywhere(hostile, make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting_ids = [m.id for m in meeting_services.list_meetings(db, "xss")]
    item_ids = [
        i.id for i in meeting_services.read_meeting(db, who(db, "sec@xss.example"), "xss", meeting_ids[0]).agenda
    ]
    pages = [
        "/",
        "/groups/xss",
        "/groups/xss/documents/doc",
        "/groups/xss/documents/doc?version=1",
        "/groups/xss/documents/doc/comments",
        "/groups/xss/documents/doc/comments?page=2",
        "/groups/xss/documents/doc/amendments",
        "/groups/xss/documents/doc/versions",
        "/groups/xss/documents/doc/compare?from=1&to=2&all=1",
        "/groups/xss/documents/doc/agreement",
        "/groups/xss/rounds",
        "/groups/xss/rounds/1",
        "/groups/xss/rounds/2",
        "/groups/xss/rounds/3",
        "/groups/xss/rounds/4",
        "/groups/xss/rounds/5",
        "/groups/xss/documents/alts",
        "/groups/xss/documents/alts/versions",
        "/p/xss",
        "/p/xss/doc",
        "/p/xss/doc/v2.html",
        "/groups/xss/meetings",
    ]
    pages += [f"/groups/xss/meetings/{m}" for m in meeting_ids]
    pages += [f"/groups/xss/documents/doc/versions/1/clauses/{n}" for n in range(1, 11)]
    pages += [f"/groups/xss/amendments/{n}" for n in [*range(1, 301, 37), 3, 13, 301]]
    fragments = [f"/groups/xss/documents/doc/versions/1/clauses/{n}" for n in range(1, 11, 3)]
    fragments += [f"/groups/xss/comments/{n}" for n in range(1, 600, 97)] + ["/groups/xss/rounds/3"]
    checked = 0
    for account in ("chair@xss.example", "sec@xss.example", "h3@xss.example"):
        client: TestClient = make_client()
        assert login(client, account, password="xss-password-1").status_code == 303
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, (account, path, response.status_code)
            checked += assert_inert(response.text, f"{path} as {account}")
            if path in ("/groups/xss/documents/alts", "/groups/xss/rounds/4"):
                assert "Alternative B" in response.text, (account, path)  # the payloads are shown as options
        for path in fragments:
            response = client.get(path, headers={"HX-Request": "true"})
            assert response.status_code == 200, (account, path)
            checked += assert_inert(response.text, f"fragment {path} as {account}")
    desk = [
        "/groups/xss/documents/draft",
        "/groups/xss/delegations/X01",
        "/groups/xss/import?kind=members",
        "/groups/xss/documents/open/clauses/2/correction",
        "/groups/xss/documents/open/compare?from=1&to=1",
        "/groups/xss/documents/doc/versions/1/clauses/3/compromises/new?supersedes=23",
        f"/groups/xss/meetings/{meeting_ids[0]}/edit",
        f"/groups/xss/meetings/{meeting_ids[0]}/attendance",
        *(f"/groups/xss/meetings/{meeting_ids[0]}/agenda/{i}/edit" for i in item_ids),
    ]
    client = make_client()
    assert login(client, "sec@xss.example", password="xss-password-1").status_code == 303
    for path in desk:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        checked += assert_inert(response.text, f"{path} at the desk")
    for code in ("X01", "X02"):
        path = f"/groups/xss/documents/doc/agreement/delegations/{code}?clause=1"
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        checked += assert_inert(response.text, path)
    # What the secretariat pastes is shown back in the preview, and a CSV list in the import's.
    token = csrf_token(client, "/groups/xss/documents/new")
    pasted = "Title\n\n" + "\n\n".join(f"{i}. {payload}" for i, payload in enumerate(PAYLOADS[:40], start=1))
    preview = client.post(
        "/groups/xss/documents/new",
        data={"_csrf_token": token, "slug": "pasted", "language": "en", "text": pasted},
        files={"file": ("", b"")},
    )
    assert preview.status_code in (200, 422), preview.status_code
    checked += assert_inert(preview.text, "the draft preview")
    listed = "code,name\n" + "".join(
        f'Y{i:02d},"{p.replace(chr(34), chr(39))[:150]}"\n' for i, p in enumerate(PAYLOADS[:30])
    )
    token = csrf_token(client, "/groups/xss/import")
    imported = client.post(
        "/groups/xss/import",
        data={"_csrf_token": token, "kind": "delegations", "text": listed},
        files={"file": ("", b"")},
    )
    checked += assert_inert(imported.text, "the import preview")
    checked += redline_preview(make_client())
    assert checked > 10_000  # the pages really were full of payloads
    assert len(PAYLOADS) >= 300


def redline_preview(client: TestClient) -> int:
    """A delegate's Word file of the circulated document, its text and Word comments made of other
    payloads, shown back in the preview of the amendments it makes."""
    spec = importlib.util.spec_from_file_location(
        "redlines", Path(__file__).parent.parent / "data/redlines/make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    made = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(made)
    doc = made.Writer()
    doc.paragraph(doc.run(PAYLOADS[60][:300]), "Title")
    for i in range(1, 6):
        start, end = doc.comment(PAYLOADS[100 + i])
        text = PAYLOADS[40 + i] if i > 2 else PAYLOADS[80 + i]
        doc.paragraph(doc.run(PAYLOADS[20 + i][:300]), "Heading1")
        doc.paragraph(start + doc.run(text) + end)
    doc.paragraph(doc.run(PAYLOADS[90]))
    path = Path(tempfile.mkdtemp()) / "payloads.docx"
    doc.save(path, PAYLOADS[60][:300])
    assert login(client, "h3@xss.example", password="xss-password-1").status_code == 303
    token = csrf_token(client, "/groups/xss/documents/open")
    preview = client.post(
        "/groups/xss/documents/open/redline/preview",
        data={"_csrf_token": token},
        files={"file": ("payloads.docx", path.read_bytes(), "application/octet-stream")},
    )
    assert preview.status_code == 200, preview.text
    assert "Propose what is ticked" in preview.text
    return assert_inert(preview.text, "the Word file's preview")


def hostile_meeting(db: Session) -> int:
    """A meeting of the hostile group: its title, place and agenda made of payloads, on the hostile
    document's clause 1, the hostile delegations present and on the list of speakers."""
    from datetime import timedelta

    from sqlalchemy import select

    from consensus.db import utcnow
    from consensus.models import AgendaItem, Attendance, Clause, Delegation, Document, Meeting, Speaker, Version

    document = db.execute(select(Document).where(Document.slug == "doc")).scalars().first()
    assert document is not None
    version = (
        db.execute(
            select(Version).where(Version.document_id == document.id).order_by(Version.number.desc())  # type: ignore[attr-defined]
        )
        .scalars()
        .first()
    )
    assert version is not None
    clause = db.execute(select(Clause).where(Clause.version_id == version.id, Clause.number == "1")).scalar_one()
    delegations = list(db.execute(select(Delegation).where(Delegation.group_id == document.group_id)).scalars())
    now = utcnow()
    meeting = Meeting(
        group_id=document.group_id,
        title=PAYLOADS[30][:300],
        place=PAYLOADS[31][:300],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        status="in_progress",
    )
    db.add(meeting)
    db.flush()
    item = AgendaItem(
        meeting_id=meeting.id,
        position=0,
        title=PAYLOADS[32][:300],
        document_id=document.id,
        clause_lineage=clause.lineage,
        status="current",
        speaking_limit=60,
    )
    db.add_all([item, AgendaItem(meeting_id=meeting.id, position=1, title=PAYLOADS[33][:300])])
    db.flush()
    for n, delegation in enumerate(delegations):
        db.add(Attendance(meeting_id=meeting.id, delegation_id=delegation.id, present=n % 2 == 0))
        status = "done" if n < 3 else "speaking" if n == 3 else "waiting"
        db.add(
            Speaker(
                item_id=item.id,
                delegation_id=delegation.id,
                position=n,
                status=status,
                started_at=now - timedelta(minutes=10 - n) if n <= 3 else None,
                seconds=42 if n < 3 else None,
            )
        )
    db.commit()
    assert meeting.id is not None
    return meeting.id


def test_no_payload_runs_in_the_room(hostile, make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    meeting = hostile_meeting(db)
    base = f"/groups/xss/meetings/{meeting}"
    secretariat: TestClient = make_client()
    assert login(secretariat, "sec@xss.example", password="xss-password-1").status_code == 303
    checked = 0
    for path in (f"{base}/projector", f"{base}/console", f"{base}/record"):
        response = secretariat.get(path)
        assert response.status_code == 200, (path, response.status_code)
        checked += assert_inert(response.text, path)
    fragment = secretariat.get(f"{base}/projector", headers={"HX-Request": "true"})
    checked += assert_inert(fragment.text, "the projector's fragment")
    body = "\n\n".join(PAYLOADS[:120])
    token = csrf_token(secretariat, f"{base}/record/edit")
    preview = secretariat.post(f"{base}/record/preview", data={"_csrf_token": token, "body": body})
    assert preview.status_code == 200, preview.text[:300]
    checked += assert_inert(preview.text, "the summary's preview")
    saved = secretariat.post(f"{base}/record/edit", data={"_csrf_token": token, "body": body}, follow_redirects=False)
    assert saved.status_code == 303
    checked += assert_inert(secretariat.get(f"{base}/record/edit").text, "the summary's editor")
    published = secretariat.post(f"{base}/record/publish", data={"_csrf_token": token}, follow_redirects=False)
    assert published.status_code == 303
    head: TestClient = make_client()
    assert login(head, "h3@xss.example", password="xss-password-1").status_code == 303
    page = head.get(f"{base}/record")
    assert page.status_code == 200
    checked += assert_inert(page.text, "the published summary")
    html = head.get(f"{base}/record/files/summary.html")
    checked += assert_inert(html.text, "the summary's HTML download")
    assert head.get(f"/api/v1/meetings/{meeting}/record").json()["body"] == body
    assert checked > 500  # the pages really were full of payloads


def test_the_generated_summary_of_a_hostile_meeting_is_inert(hostile, db: Session) -> None:  # type: ignore[no-untyped-def]
    from consensus.core.proceedings import summary
    from consensus.models import Meeting
    from consensus.room.files import markdown_html
    from consensus.room.record import meeting_held

    meeting = db.get(Meeting, hostile_meeting(db))
    assert meeting is not None
    text = summary(meeting_held(db, meeting))
    html = str(markdown_html(text))
    assert assert_inert(html, "the generated summary") > 10
    assert html.count("<h1>") == 1 and "<img" not in html and "<a " not in html


def test_the_policy_forbids_inline_script() -> None:
    from consensus.web.middleware import CONTENT_SECURITY_POLICY

    script = next(part for part in CONTENT_SECURITY_POLICY.split("; ") if part.startswith("script-src"))
    assert script == "script-src 'self'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_no_payload_runs_in_the_list_of_speakers(db: Session, make_client) -> None:  # type: ignore[no-untyped-def]
    """Delegation names, a meeting's title and its agenda items' titles made of payloads, on the list
    of speakers (page and fragment, as a delegate and as the chair) and the speaking-time table."""
    from datetime import timedelta

    from sqlalchemy import select

    from consensus.db import utcnow
    from consensus.models import AgendaItem, Meeting, WorkingGroup
    from consensus.speakers import services as speakers

    names = itertools.cycle(PAYLOADS[::7])
    raw = {
        "group": {"slug": "xss-room", "name": next(names)[:200]},
        "delegations": [{"code": f"R{i:02d}", "name": next(names)[:200]} for i in range(8)],
        "users": [{"email": "chair@room.example", "name": "Chair", "password": "xss-password-1", "role": "chair"}]
        + [
            {
                "email": f"d{i}@room.example",
                "name": next(names)[:200],
                "password": "xss-password-1",
                "role": "delegate",
                "delegation": f"R{i:02d}",
            }
            for i in range(8)
        ],
    }
    load_group_file(db, check_group_file(raw), Actor.command_line(), "xss")
    group_id = db.execute(select(WorkingGroup.id).where(WorkingGroup.slug == "xss-room")).scalar_one()
    meeting = Meeting(
        group_id=group_id, title=next(names)[:300], starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=1)
    )
    db.add(meeting)
    db.flush()
    items = [AgendaItem(meeting_id=meeting.id, position=n, title=next(names)[:300]) for n in range(2)]
    db.add_all(items)
    db.commit()
    chair = who(db, "chair@room.example")
    for item in items:
        for i in range(8):
            speakers.inscribe(db, chair, meeting.id, item.id, f"R{i:02d}", "intervention")
        for _ in range(3):
            speakers.give_floor(db, chair, meeting.id, item.id)
        speakers.inscribe(db, chair, meeting.id, item.id, "R00", "right_of_reply")
    checked = 0
    for account in ("chair@room.example", "d1@room.example"):
        client: TestClient = make_client()
        assert login(client, account, password="xss-password-1").status_code == 303
        for item in items:
            path = f"/meetings/{meeting.id}/items/{item.id}/speakers"
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (account, path)
                checked += assert_inert(response.text, f"{path} as {account}")
        response = client.get(f"/meetings/{meeting.id}/speaking-time")
        assert response.status_code == 200
        checked += assert_inert(response.text, f"the speaking time as {account}")
    assert checked > 500
