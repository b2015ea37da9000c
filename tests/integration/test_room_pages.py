"""The projector and the chair's console over HTTP: what they show of the meeting, who reaches
them, what the console does (a consensus round held at the meeting, the gavel), and the projector
fragment's queries (the same number whatever the length of the list of speakers)."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlmodel import Session

from consensus.app import create_app
from consensus.models import AgendaItem, Clause, Delegation, Meeting, Round, Speaker
from consensus.speakers.live import meeting_state
from tests.conftest import login, post_form, q
from tests.integration.test_query_counts import counted
from tests.meetings import GROUP, arrange_meeting


@pytest.fixture
def meeting(db: Session) -> int:
    return arrange_meeting(db).meeting


def projector(meeting: int) -> str:
    return f"/groups/{GROUP}/meetings/{meeting}/projector"


def console(meeting: int) -> str:
    return f"/groups/{GROUP}/meetings/{meeting}/console"


def test_the_projector_shows_the_item_the_clause_the_floor_and_the_next_three(browsers, meeting: int) -> None:  # type: ignore[no-untyped-def]
    page = browsers("ken.delegate").get(projector(meeting))
    assert page.status_code == 200
    text = page.text
    assert "1.</span> Clause 3.2 on CERT cooperation" in text
    assert "3.2" in text and "projector__clause" in text
    assert re.search(r'class="projector__speaker">India <span class="projector__kind">\(Point of order\)', text)
    assert 'role="timer"' in text and "left" in text
    assert re.findall(r"<ol class=\"projector__next\".*?</ol>", text, re.S)[0].count("<li>") == 3
    assert "and 1 more" in text
    assert "<form" not in text and "<button" not in text, "the projector has no controls"
    assert '<meta http-equiv="refresh"' in text


def test_the_projector_fragment_is_the_screen_alone(browsers, meeting: int) -> None:  # type: ignore[no-untyped-def]
    fragment = browsers("observer").get(projector(meeting), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Clause 3.2 on CERT" in fragment.text


def test_a_meeting_with_nothing_under_discussion_says_so(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    arranged = arrange_meeting(db, current=None)
    page = browsers("observer").get(projector(arranged.meeting))
    assert "No agenda item is under discussion." in page.text and "Next: Clause 3.2 on CERT cooperation" in page.text


def test_brackets_and_alternatives_are_shown(browsers, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    item = (
        q(db).execute(select(AgendaItem).where(AgendaItem.meeting_id == meeting, AgendaItem.position == 0)).scalar_one()
    )
    clause = db.execute(select(Clause).where(Clause.lineage == item.clause_lineage)).scalars().first()
    assert clause is not None
    clause.text = "States should share indicators within [24 hours] [72 hours] of detection."
    db.commit()
    text = browsers("observer").get(projector(meeting)).text
    assert '<mark class="projector__bracket">[24 hours] [72 hours]</mark>' in text
    assert "Alternatives 1: one is to be chosen" in text and "Alternative B:</strong> <span" in text


def test_the_console_shows_the_agenda_the_positions_and_the_controls(browsers, meeting: int) -> None:  # type: ignore[no-untyped-def]
    page = browsers("chair").get(console(meeting))
    assert page.status_code == 200
    assert "Clauses 3.3 to 3.4" in page.text and 'aria-current="true"' in page.text
    assert "Positions and objections" in page.text
    assert "Gavel: mark clause 3.2 agreed ad referendum" in page.text
    assert "Open a consensus round on clause 3.2" in page.text
    secretariat = browsers("secretariat").get(console(meeting))
    assert secretariat.status_code == 200 and "Gavel:" not in secretariat.text
    assert browsers("ken.head").get(console(meeting)).status_code == 403


def test_the_chair_opens_a_consensus_round_held_at_the_meeting_from_the_console(
    browsers, meeting: int, db: Session
) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    response = post_form(
        chair, console(meeting) + "/round", {"clause": "3.2", "title": "Consensus on 3.2"}, page=console(meeting)
    )
    assert response.status_code == 303 and response.headers["location"].endswith("?opened=1#round")
    row = q(db).execute(select(Round).where(Round.title == "Consensus on 3.2")).scalar_one()
    assert row.meeting_id == meeting and row.status == "open" and row.rule == "consensus"
    assert "0 of 16 delegations have voted" in browsers("observer").get(projector(meeting)).text
    bad = post_form(chair, console(meeting) + "/round", {"clause": "9.9"}, page=console(meeting))
    assert bad.status_code == 404
    empty = post_form(chair, console(meeting) + "/round", {"clause": "3.2", "title": "x" * 301}, page=console(meeting))
    assert empty.status_code == 422 and "too long" in empty.text


def test_the_chair_gavels_the_clause_under_discussion(browsers, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    response = post_form(chair, console(meeting) + "/gavel", {"clause": "3.2"}, page=console(meeting))
    assert response.status_code == 303
    item = (
        q(db).execute(select(AgendaItem).where(AgendaItem.meeting_id == meeting, AgendaItem.position == 0)).scalar_one()
    )
    statuses = {c.status for c in db.execute(select(Clause).where(Clause.lineage == item.clause_lineage)).scalars()}
    assert "agreed_ad_ref" in statuses
    assert post_form(chair, console(meeting) + "/gavel", {"clause": "4.1"}, page=console(meeting)).status_code == 404
    assert (
        post_form(browsers("secretariat"), console(meeting) + "/gavel", {"clause": "3.2"}, page="/login").status_code
        == 403
    )


def test_the_projector_fragment_makes_the_same_queries_however_long_the_list(
    meeting: int, db: Session, settings
) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, run_deadlines=False)) as client:
        assert login(client, "observer@demo.example").status_code == 303
        with counted(client) as few:
            assert client.get(projector(meeting), headers={"HX-Request": "true"}).status_code == 200
        item = (
            q(db)
            .execute(select(AgendaItem).where(AgendaItem.meeting_id == meeting, AgendaItem.position == 0))
            .scalar_one()
        )
        for n, delegation in enumerate(db.execute(select(Delegation)).scalars()):
            db.add(Speaker(item_id=item.id, delegation_id=delegation.id, position=100 + n, status="waiting"))
        db.commit()
        with counted(client) as many:
            page = client.get(projector(meeting), headers={"HX-Request": "true"})
        assert page.status_code == 200 and "and 19 more" in page.text
        assert len(many) == len(few), many


def current_item(db: Session, meeting: int) -> int | None:
    found = q(db).execute(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting, AgendaItem.status == "current"))
    return found.scalar_one_or_none()


def test_the_console_takes_up_an_item_and_moves_on_to_the_next(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    arranged = arrange_meeting(db)
    chair = browsers("chair")
    page = chair.get(console(arranged.meeting)).text
    assert f'id="take-up-{arranged.items[2]}"' in page and 'id="next-item"' in page
    taken = post_form(
        chair, console(arranged.meeting) + f"/items/{arranged.items[2]}/current", {}, page=console(arranged.meeting)
    )
    assert taken.status_code == 303 and taken.headers["location"].endswith("/console#agenda")
    assert current_item(db, arranged.meeting) == arranged.items[2]
    back = post_form(
        browsers("secretariat"),
        console(arranged.meeting) + f"/items/{arranged.items[0]}/current",
        {},
        page=console(arranged.meeting),
    )
    assert back.status_code == 303 and current_item(db, arranged.meeting) == arranged.items[0]
    moved = post_form(chair, console(arranged.meeting) + "/items/next", {}, page=console(arranged.meeting))
    assert moved.status_code == 303 and current_item(db, arranged.meeting) == arranged.items[1]
    assert "Clauses 3.3 to 3.4" in chair.get(projector(arranged.meeting)).text


def test_the_console_says_why_it_cannot_move_on(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    arranged = arrange_meeting(db)
    chair = browsers("chair")
    last = post_form(
        chair, console(arranged.meeting) + f"/items/{arranged.items[2]}/current", {}, page=console(arranged.meeting)
    )
    assert last.status_code == 303
    end = post_form(chair, console(arranged.meeting) + "/items/next", {}, page=console(arranged.meeting))
    assert end.status_code == 409 and "No agenda item is left to take up." in end.text
    assert 'id="agenda-error"' in end.text and current_item(db, arranged.meeting) == arranged.items[2]
    missing = post_form(chair, console(arranged.meeting) + "/items/999999/current", {}, page=console(arranged.meeting))
    assert missing.status_code == 404
    db.execute(update(Meeting).where(Meeting.id == arranged.meeting).values(status="closed"))  # type: ignore[arg-type]
    db.commit()
    closed = post_form(
        chair, console(arranged.meeting) + f"/items/{arranged.items[0]}/current", {}, page=console(arranged.meeting)
    )
    assert closed.status_code == 409 and 'id="agenda-error"' in closed.text
    assert current_item(db, arranged.meeting) == arranged.items[2]
    denied = post_form(
        browsers("ken.head"), console(arranged.meeting) + "/items/next", {}, page=console(arranged.meeting)
    )
    assert denied.status_code == 403


def test_gavelling_from_the_console_moves_the_meetings_live_state(browsers, meeting: int, db: Session) -> None:  # type: ignore[no-untyped-def]
    before = meeting_state(db, meeting)
    db.rollback()
    chair = browsers("chair")
    assert post_form(chair, console(meeting) + "/gavel", {"clause": "3.2"}, page=console(meeting)).status_code == 303
    agreed = meeting_state(db, meeting)
    db.rollback()
    assert agreed != before, "the projector hears of the new clause status"
    assert "Agreed ad referendum" in browsers("observer").get(projector(meeting)).text
    again = post_form(chair, console(meeting) + "/gavel", {"clause": "3.2"}, page=console(meeting))
    assert again.status_code == 303 and meeting_state(db, meeting) == agreed, "no change, no news"
    db.rollback()
    reopened = post_form(chair, console(meeting) + "/gavel", {"clause": "3.2", "status": "open"}, page=console(meeting))
    assert reopened.status_code == 303 and meeting_state(db, meeting) not in (before, agreed)
