"""The demo's negotiation in progress (what ``make run`` shows a newcomer): played through the
services on a freshly loaded demo group, every state the pages show is there, and every page of it
answers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from consensus import demo
from consensus.models import Amendment, AmendmentSponsor, Comment, Document, Publication, Round, Version
from tests.conftest import GROUP, login, q

D = f"/groups/{GROUP}/documents/declaration"


def test_the_demo_plays_a_negotiation_in_progress_once(db: Session) -> None:
    assert demo.is_untold(q(db))
    told = demo.play(q(db))
    assert len(told) == 5 and not demo.is_untold(q(db))
    session = q(db)
    disposed = session.execute(select(func.count()).select_from(Comment).where(Comment.disposition.is_not(None))).scalar_one()  # type: ignore[union-attr]  # fmt: skip
    undisposed = session.execute(select(func.count()).select_from(Comment).where(Comment.disposition.is_(None))).scalar_one()  # type: ignore[union-attr]  # fmt: skip
    assert disposed == 2 and undisposed >= 4
    statuses = set(session.execute(select(Amendment.status)).scalars())
    assert statuses == {"proposed", "accepted", "rejected", "withdrawn", "superseded"}
    assert session.execute(select(func.count()).select_from(Amendment).where(Amendment.compromise)).scalar_one() == 1  # type: ignore[arg-type]  # fmt: skip
    assert session.execute(select(func.count()).select_from(AmendmentSponsor)).scalar_one() == 2
    declaration = session.execute(select(Document).where(Document.slug == "declaration")).scalar_one()
    numbers = session.execute(select(Version.number).where(Version.document_id == declaration.id)).scalars().all()
    assert sorted(numbers) == [1, 2]
    rounds = {r.status: r for r in session.execute(select(Round)).scalars()}
    assert set(rounds) == {"closed", "open"} and rounds["closed"].passed is True
    assert session.execute(select(func.count()).select_from(Publication)).scalar_one() == 1


def test_every_page_of_the_demo_answers_with_something_on_it(db: Session, client) -> None:  # type: ignore[no-untyped-def]
    demo.play(q(db))
    assert login(client, "chair@demo.example").status_code == 303
    pages = {
        f"/groups/{GROUP}": "summary of the first session",
        D: '<dd>2 <span class="tag">',
        f"{D}/comments": "72-hour",
        f"{D}/amendments": "withdrawn",
        f"{D}/agreement": "India reserves",
        f"{D}/versions": "After the first reading",
        f"{D}/compare?from=1&to=2": "significant",
        f"/groups/{GROUP}/rounds": "Clause 6 (Capacity-building) as revised",
        f"/p/{GROUP}": "Terms of Reference of the Working Group",
        f"/groups/{GROUP}/documents/chairs-summary-1": "Next steps",
        f"/groups/{GROUP}/meetings": "Second session, informal consultations on the revised text",
    }
    for path, expected in pages.items():
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert expected in page.text, path


def test_a_delegate_does_not_see_the_text_in_preparation(db: Session, client) -> None:  # type: ignore[no-untyped-def]
    demo.play(q(db))
    assert login(client, "ken.head@demo.example").status_code == 303
    assert "summary of the first session" not in client.get(f"/groups/{GROUP}").text
    assert client.get(f"/groups/{GROUP}/documents/chairs-summary-1").status_code == 404


def test_the_demo_has_a_past_meeting_with_its_roll_call_and_an_upcoming_one_on_clauses(db: Session, client) -> None:  # type: ignore[no-untyped-def]
    demo.play(q(db))
    assert login(client, "ken.head@demo.example").status_code == 303
    listed = client.get(f"/api/v1/groups/{GROUP}/meetings").json()
    past, upcoming = listed
    assert past["status"] == "closed" and upcoming["status"] == "scheduled"
    held = client.get(f"/api/v1/meetings/{past['id']}").json()
    assert sum(1 for a in held["attendance"] if a["present"]) == 13
    assert all(item["status"] == "done" for item in held["agenda"])
    agenda = client.get(f"/api/v1/meetings/{upcoming['id']}").json()["agenda"]
    assert [(i["clause"], i["last_clause"]) for i in agenda[1:]] == [("3.1", "3.2"), ("5.1", None), ("6", None)]


def test_the_audit_chain_holds_after_the_demo_with_its_meetings(db: Session) -> None:
    from consensus.audit.services import verify

    demo.play(q(db))
    report = verify(q(db))
    assert report.ok, report.reason
