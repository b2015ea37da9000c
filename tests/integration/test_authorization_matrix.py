"""Every route of the app (HTML and JSON) against every kind of person: anonymous, an observer, a
delegate and the head of delegation A, a delegate of delegation B, the chair, the secretariat, and
a member of another group. Routes are discovered from the app: a new route without an entry here
fails the test."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlmodel import Session, col

from consensus.accounts.services import create_api_token
from consensus.amendments import services as amendments
from consensus.audit.services import Actor
from consensus.comments import services as comments
from consensus.core.groupfile import check_group_file
from consensus.core.setup import DelegationInput
from consensus.groups import setup
from consensus.groups.services import NewMember, add_member, load_group_file
from consensus.meetings import services as meeting_services
from consensus.models import ApiToken, Invitation, Meeting, Membership, User
from consensus.voting import services as voting
from tests.conftest import csrf_token, login, who
from tests.meetings import arrange_meeting

PERSONAS = {
    "anonymous": None,
    "observer": "observer@demo.example",
    "delegate_a": "ken.delegate@demo.example",
    "head_a": "ken.head@demo.example",
    "delegate_b": "ind.delegate@demo.example",
    "chair": "chair@demo.example",
    "secretariat": "secretariat@demo.example",
    "outsider": "outsider@other.example",
}
MEMBERS = {"observer", "delegate_a", "head_a", "delegate_b", "chair", "secretariat"}

OK, LOGIN, FORBIDDEN, HIDDEN, ANY = "ok", "login", "forbidden", "hidden", "any"


def members(*allowed: str) -> dict[str, str]:
    """Members listed get through (any of them if none is listed); other members are refused; the
    anonymous are sent to log in; members of another group learn nothing (404)."""
    allowed_set = set(allowed) or MEMBERS
    return {
        "anonymous": LOGIN,
        "outsider": HIDDEN,
        **{persona: OK if persona in allowed_set else FORBIDDEN for persona in MEMBERS},
    }


def signed_in(outsider: str = OK) -> dict[str, str]:
    return {"anonymous": LOGIN, "outsider": outsider, **dict.fromkeys(MEMBERS, OK)}


def everyone(category: str) -> dict[str, str]:
    return dict.fromkeys(PERSONAS, category)


DELEGATES = ("delegate_a", "head_a", "delegate_b")


def admins() -> dict[str, str]:
    """Site administrators only (the chair's account is the demo's first, so its administrator)."""
    return {**everyone(FORBIDDEN), "anonymous": LOGIN, "chair": OK}


# route name -> (path parameters filled in, body, expectations)
MATRIX: dict[str, tuple[dict[str, Any], dict[str, Any] | None, dict[str, str]]] = {
    "login": ({}, None, everyone(OK)),
    "login_submit": ({}, {"email": "x@example.org", "password": "wrong-wrong"}, everyone(ANY)),
    "logout": ({}, {}, signed_in()),
    "invitation": ({"token": "no-such-token"}, None, everyone(HIDDEN)),
    "invitation_accept": (
        {"token": "no-such-token"},
        {"password": "a long password", "confirmation": "a long password"},
        everyone(HIDDEN),
    ),
    "dashboard": ({}, None, signed_in()),
    "language": ({}, {"language": "fr", "next": "/"}, everyone(OK)),
    "account": ({}, None, signed_in()),
    "account_submit": ({}, {"language": "", "time_zone": "Europe/Geneva"}, signed_in()),
    # Only one's own token is found: head A revokes theirs; everyone else is told there is none.
    "account_token_revoke": (
        {"token_id": "head_a_token"},
        {},
        {"anonymous": LOGIN, **dict.fromkeys(set(PERSONAS) - {"anonymous"}, HIDDEN), "head_a": OK},
    ),
    "invitation_join": ({"token": "no-such-token"}, {}, {**everyone(HIDDEN), "anonymous": LOGIN}),
    "group": ({}, None, members()),
    "member_new": ({}, None, members("secretariat")),
    "member_add": ({}, {"email": "new@example.org", "name": "New", "role": "observer"}, members("secretariat")),
    "member": ({"user_id": "spare"}, None, members("secretariat")),
    "member_change": ({"user_id": "spare"}, {"role": "observer"}, members("secretariat")),
    "member_remove": ({"user_id": "spare"}, {}, members("secretariat")),
    "api_member_add": ({}, {"email": "api.new@example.org", "name": "New", "role": "observer"}, members("secretariat")),
    "document": ({}, None, members()),
    "versions": ({}, None, members()),
    "version_consolidate": ({}, {"note": ""}, members("secretariat")),
    "document_new": ({}, None, members("secretariat")),
    "document_preview": ({}, {"slug": "x", "text": ""}, members("secretariat")),
    "draft_details": ({}, {"title": "T"}, members("secretariat")),
    "draft_clause": ({"index": 0}, {"op": "up"}, members("secretariat")),
    "document_circulate": ({}, {"confirm": "on"}, members("secretariat")),
    "clause_correction": ({}, None, members("secretariat")),
    "clause_correct": ({}, {"text": "x", "reason": "y"}, members("secretariat")),
    "compare": ({"query": "?from=1&to=1"}, None, members()),
    # One version only in this world: the guard answers first, then "choose two different versions" (422).
    "compare_docx": ({"query": "?from=1&to=1"}, None, members()),
    "compare_pdf": ({"query": "?from=1&to=1"}, None, members()),
    "version_docx": ({}, None, members()),
    "amendments_docx": ({}, None, members()),
    "amendments_pdf": ({}, None, members()),
    "clause": ({}, None, members()),
    "comment_create": ({}, {"kind": "general", "body": "A comment."}, members()),
    "comment": ({}, None, members()),
    "comment_edit": ({}, None, members("head_a")),
    "comment_update": ({}, {"kind": "general", "body": "Edited."}, members("head_a")),
    "comment_withdraw": ({}, {}, members("head_a")),
    "comment_dispose": ({}, {"disposition": "noted", "observation": ""}, members("secretariat")),
    "comment_row_dispose": ({}, {"disposition": "noted", "observation": ""}, members("secretariat")),
    "comments": ({}, None, members()),
    "comments_csv": ({}, None, members()),
    "comments_docx": ({}, None, members()),
    "comments_xlsx": ({}, None, members()),
    "comments_import": ({}, None, members("secretariat", *DELEGATES)),
    "comments_import_preview": ({}, {}, members("secretariat", *DELEGATES)),
    "comments_import_confirm": ({}, {"file_data": "", "delegation": ""}, members("secretariat", *DELEGATES)),
    "redline": ({}, None, members(*DELEGATES)),
    "redline_preview": ({}, {}, members(*DELEGATES)),
    "redline_propose": ({}, {"file_data": "", "version": "1"}, members(*DELEGATES)),
    "amendment_new": ({}, None, members(*DELEGATES)),
    "amendment_preview": ({}, {"kind": "replace", "text": "x"}, members()),
    "amendment_create": ({}, {"kind": "replace", "text": "A new text."}, members(*DELEGATES)),
    "compromise_new": ({}, None, members("chair", "secretariat")),
    "compromise_create": ({}, {"text": "A compromise.", "supersedes": "1"}, members("chair", "secretariat")),
    "amendment": ({}, None, members()),
    "amendment_withdraw": ({}, {}, members("delegate_a", "head_a")),
    "amendment_cosponsor": ({}, {"action": "join"}, members(*DELEGATES)),
    "amendment_decide": ({}, {"decision": "rejected", "reason": "No."}, members("chair")),
    "amendment_reopen": ({}, {"reason": "Conflicts with another."}, members("chair")),
    "amendments": ({}, None, members()),
    "agreement": ({}, None, members()),
    "agreement_csv": ({}, None, members()),
    "position_state": ({}, {"clause": "3.2", "position": "support"}, members("head_a")),
    "clause_status": ({}, {"status": "agreed_ad_ref"}, members("chair")),
    "agreement_confirm": ({"query": "?clause=3.2&clause=4.1"}, None, members("chair")),
    "agreement_agree": ({}, {"clause": ["3.2", "4.1"]}, members("chair")),
    "agreement_position": ({"code": "KEN", "query": "?clause=3.2"}, None, members()),
    "round_create": ({}, {"title": "R", "document": "declaration", "rule": "consensus"}, members("chair")),
    "rounds": ({}, None, members()),
    "round_new": ({}, None, members("chair")),
    "round": ({}, None, members()),
    "round_open": ({"round_id": "draft"}, {}, members("chair")),
    "round_close": ({}, {}, members("chair")),
    "round_cancel": ({"round_id": "draft"}, {}, members("chair")),
    "ballot_cast": ({}, {"choice": "yes"}, members("head_a")),
    "round_live": ({"round_id": "closed"}, None, members()),
    "public_group": ({}, None, everyone(HIDDEN)),
    "public_document": ({}, None, everyone(HIDDEN)),
    "public_file": ({"file": "v1.pdf"}, None, everyone(HIDDEN)),
    "public_checkpoints": ({}, None, everyone(HIDDEN)),  # nothing is published in the matrix's group
    "audit_key": ({}, None, everyone(OK)),
    "version_adopt": ({}, {"round": ""}, members("chair")),  # the secretariat needs a passed round
    "version_publish": ({}, {}, members("secretariat")),
    "api_me": ({}, None, signed_in()),
    "api_group": ({}, None, members()),
    "api_document": ({}, None, members()),
    "api_comment_create": ({}, {"body": "Via the API."}, members()),
    "api_comments": ({}, None, members()),
    "api_comments_import": ({}, {}, members("secretariat", *DELEGATES)),
    "api_amendment_create": ({}, {"kind": "delete"}, members(*DELEGATES)),
    "api_compromise_create": (
        {},
        {"clause": "3.2", "text": "A compromise.", "supersedes": [1]},
        members("chair", "secretariat"),
    ),
    "api_redline": ({}, {}, members(*DELEGATES)),
    "api_amendments": ({}, None, members()),
    "api_amendment": ({}, None, members()),
    "api_amendment_decide": ({}, {"decision": "rejected", "reason": "No."}, members("chair")),
    "api_amendment_reopen": ({}, {"reason": "Conflicts with another."}, members("chair")),
    "api_consolidate": ({}, {}, members("secretariat")),
    # The matrix's document is open: the secretariat is told it was circulated (409).
    "api_document_import": ({}, {}, members("secretariat")),
    "api_document_replace": ({}, {"title": "T", "clauses": []}, members("secretariat")),
    "api_document_circulate": ({}, {}, members("secretariat")),
    "api_clause_correct": ({}, {"text": "x", "reason": "y"}, members("secretariat")),
    "api_compare": ({"query": "?from=1&to=1"}, None, members()),
    "api_round_create": ({}, {"document": "declaration", "title": "R", "rule": "consensus"}, members("chair")),
    "api_round": ({}, None, members()),
    "api_round_open": ({"round_id": "draft"}, {}, members("chair")),
    "api_round_close": ({}, {}, members("chair")),
    "api_round_cancel": ({"round_id": "draft"}, {}, members("chair")),
    "api_ballot": ({}, {"choice": "no"}, members("head_a")),
    "api_position": ({}, {"position": "accept"}, members("head_a")),
    "api_document_position": ({}, {"position": "accept"}, members("head_a")),
    "api_clause_status": ({}, {"status": "open"}, members("chair")),
    "api_clauses_status": ({}, {"clauses": ["3.2", "4.1"], "status": "open"}, members("chair")),
    "api_agreement": ({}, None, members()),
    "api_adopt": ({}, {}, members("chair")),
    "api_publish": ({}, None, members("secretariat")),
    "group_new": ({}, None, admins()),
    "group_create": ({}, {"slug": "matrix-form", "name": "Matrix"}, admins()),
    "api_group_create": ({}, {"slug": "matrix-api", "name": "Matrix"}, admins()),
    "delegation_new": ({}, None, members("secretariat")),
    "delegation_add": ({}, {"code": "MTX", "name": "Matrix", "weight": "1"}, members("secretariat")),
    "delegation": ({"code": "KEN"}, None, members("secretariat")),
    "delegation_change": (
        {"code": "KEN"},
        {"name": "Kenya", "weight": "54.03", "voting_status": "participating"},
        members("secretariat"),
    ),
    "delegation_remove": ({"code": "SPA"}, {}, members("secretariat")),
    "api_delegation_add": ({}, {"code": "MTY", "name": "Matrix"}, members("secretariat")),
    "api_delegation_change": ({"code": "KEN"}, {"name": "Kenya"}, members("secretariat")),
    "api_delegation_remove": ({"code": "SPB"}, None, members("secretariat")),
    "group_import": ({}, None, members("secretariat")),
    "group_import_submit": ({}, {"kind": "delegations", "text": "code,name\nMTZ,Z\n"}, members("secretariat")),
    "speakers": ({}, None, members()),
    "speaker_inscribe": ({}, {"delegation": "KEN"}, members("delegate_a", "head_a", "chair", "secretariat")),
    "speakers_next": ({}, {}, members("chair", "secretariat")),
    "speakers_settings": ({}, {"speakers_open": "open"}, members("chair", "secretariat")),
    "speaker_move": ({"speaker_id": "nga_speaker"}, {"position": "1"}, members("chair", "secretariat")),
    # KEN's own members withdraw it, the chair and the secretariat remove it (once gone: 409).
    "speaker_withdraw": ({"speaker_id": "ken_speaker"}, {}, members("delegate_a", "head_a", "chair", "secretariat")),
    "meeting_speaking_time": ({}, None, members()),
    "meeting_live": ({"meeting_id": "closed_meeting"}, None, members()),  # a closed meeting's stream ends
    "api_speakers": ({}, None, members()),
    "api_speaker_inscribe": ({}, {"delegation": "KEN"}, members("delegate_a", "head_a", "chair", "secretariat")),
    "api_speakers_next": ({}, None, members("chair", "secretariat")),
    "api_speakers_settings": ({}, {"speakers_open": True}, members("chair", "secretariat")),
    "api_speaker_move": ({"speaker_id": "nga_speaker"}, {"position": 1}, members("chair", "secretariat")),
    "api_speaker_remove": (
        {"speaker_id": "zaf_speaker"},
        None,
        members("chair", "secretariat"),  # ZAF's members are not among the personas
    ),
    # The room. The API's entries come first (sorted by name) and publish the summary: the pages
    # then find it published (readable by every member, and no longer changed: 409 for the secretariat).
    "api_record": ({"meeting_id": "room_meeting"}, None, members("chair", "secretariat")),
    "api_record_publish": ({"meeting_id": "room_meeting"}, None, members("secretariat")),
    "api_record_replace": ({"meeting_id": "room_meeting"}, {"body": "A summary."}, members("secretariat")),
    "room_record": ({"meeting_id": "room_meeting"}, None, members()),
    "room_record_edit": ({"meeting_id": "room_meeting"}, None, members("secretariat")),
    "room_record_save": ({"meeting_id": "room_meeting"}, {"body": "A summary."}, members("secretariat")),
    "room_record_preview": ({"meeting_id": "room_meeting"}, {"body": "A summary."}, members("secretariat")),
    "room_record_generate": ({"meeting_id": "room_meeting"}, {}, members("secretariat")),
    "room_record_publish": ({"meeting_id": "room_meeting"}, {}, members("secretariat")),
    "room_record_file": ({"meeting_id": "room_meeting", "file": "summary.md"}, None, members()),
    "public_record_file": (
        {"meeting_id": "room_meeting", "file": "summary.md"},
        None,
        everyone(HIDDEN),
    ),  # the text is not published
    "room_projector": ({"meeting_id": "room_meeting"}, None, members()),
    "room_console": ({"meeting_id": "room_meeting"}, None, members("chair", "secretariat")),
    "room_round_open": ({"meeting_id": "room_meeting"}, {"clause": "3.2"}, members("chair")),
    "room_gavel": ({"meeting_id": "room_meeting"}, {"clause": "3.2"}, members("chair")),
    "room_take_up": ({"meeting_id": "room_meeting", "item": "room_item"}, {}, members("chair", "secretariat")),
    "room_next_item": ({"meeting_id": "room_meeting"}, {}, members("chair", "secretariat")),  # last of the room's
    "invitation_renew": ({"invitation_id": "renewable"}, {}, members("secretariat")),
    "invitation_cancel": ({"invitation_id": "cancellable"}, {}, members("secretariat")),
    "meetings": ({}, None, members()),
    "meeting": ({"meeting_id": "agenda_meeting"}, None, members()),
    "meeting_new": ({}, None, members("chair", "secretariat")),
    "meeting_create": (
        {},
        {"title": "M", "starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00"},
        members("chair", "secretariat"),
    ),
    "meeting_edit": ({"meeting_id": "agenda_meeting"}, None, members("chair", "secretariat")),
    "meeting_change": (
        {"meeting_id": "agenda_meeting"},
        {"title": "M", "starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00"},
        members("chair", "secretariat"),
    ),
    "meeting_start": ({"meeting_id": "meeting_to_run"}, {}, members("chair", "secretariat")),
    "meeting_close": ({"meeting_id": "meeting_to_run"}, {}, members("chair", "secretariat")),
    "meeting_cancel": ({"meeting_id": "meeting_to_cancel"}, {}, members("chair", "secretariat")),
    "agenda_add": ({"meeting_id": "agenda_meeting"}, {"title": "An item"}, members("chair", "secretariat")),
    "agenda_edit": ({"meeting_id": "agenda_meeting"}, None, members("chair", "secretariat")),
    "agenda_change": ({"meeting_id": "agenda_meeting"}, {"title": "An item"}, members("chair", "secretariat")),
    "agenda_move": ({"meeting_id": "agenda_meeting"}, {"direction": "down"}, members("chair", "secretariat")),
    # The secretariat removes the item before the chair asks: the chair is then told it is gone (404).
    "agenda_remove": (
        {"meeting_id": "agenda_meeting", "item": "spare_item"},
        {},
        {**members("chair", "secretariat"), "chair": ANY},
    ),
    "agenda_take_up": ({"meeting_id": "meeting_to_run", "item": "run_item"}, {}, members("chair", "secretariat")),
    "agenda_next": ({"meeting_id": "meeting_to_run"}, {}, members("chair", "secretariat")),
    "attendance": ({"meeting_id": "agenda_meeting"}, None, members("chair", "secretariat")),
    "attendance_record": (
        {"meeting_id": "agenda_meeting"},
        {"present-KEN": "present"},
        members("chair", "secretariat"),
    ),
    "attendance_check_in": ({"meeting_id": "agenda_meeting"}, {"present": "present"}, members("head_a")),
    "group_calendar": ({}, None, members()),
    "calendar_feed_renew": ({}, {}, members()),
    "calendar_private": ({"feed": "no-such-token.ics"}, None, everyone(HIDDEN)),
    "api_meeting_create": (
        {},
        {"title": "M", "starts_at": "2027-01-01T10:00:00Z", "ends_at": "2027-01-01T11:00:00Z"},
        members("chair", "secretariat"),
    ),
    "api_meetings": ({}, None, members()),
    "api_meeting": ({"meeting_id": "agenda_meeting"}, None, members()),
    "api_meeting_change": ({"meeting_id": "agenda_meeting"}, {"place": "Room XX"}, members("chair", "secretariat")),
    "api_meeting_start": ({"meeting_id": "meeting_to_run"}, {}, members("chair", "secretariat")),
    "api_meeting_close": ({"meeting_id": "meeting_to_run"}, {}, members("chair", "secretariat")),
    "api_meeting_cancel": ({"meeting_id": "meeting_to_cancel"}, {}, members("chair", "secretariat")),
    "api_agenda_current": (
        {"meeting_id": "meeting_to_run", "item": "run_item"},
        {},
        members("chair", "secretariat"),
    ),
    "api_agenda_next": ({"meeting_id": "meeting_to_run"}, {}, members("chair", "secretariat")),
    "api_attendance": (
        {"meeting_id": "agenda_meeting", "code": "KEN"},
        {"present": True},
        members("chair", "secretariat", "head_a"),
    ),
}


def categorise(response: Any, api: bool) -> str:
    status = response.status_code
    assert status < 500, (response.request.method, response.request.url, response.text[:500])
    if status == 401 or (status == 303 and response.headers["location"].startswith("/login?next=")):
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    return OK


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    """Things to act on: a comment by head A, an amendment of delegation A, open, draft and closed
    rounds, and a second group with its own member."""
    other = check_group_file(
        {
            "group": {"slug": "other", "name": "Another group"},
            "delegations": [{"code": "ZZZ", "name": "Elsewhere"}],
            "users": [
                {
                    "email": "outsider@other.example",
                    "name": "Outsider",
                    "password": "outsider-password",
                    "role": "chair",
                }
            ],
        }
    )
    load_group_file(db, other, Actor.command_line(), "test")
    head_a, chair = who(db, "ken.head@demo.example"), who(db, "chair@demo.example")
    comment = comments.post_comment(
        db, head_a, "oewg-ict", "declaration", "3.2", comments.CommentInput("Comment by A.", "general")
    )
    amendment = amendments.propose(db, head_a, "oewg-ict", "declaration", "3.2", amendments.AmendmentInput("delete"))

    def new_round(title: str) -> int:
        return voting.create_round(
            db, chair, "oewg-ict", voting.RoundInput(document="declaration", title=title, rule="simple_majority")
        )

    # A member to change and remove (removing one the personas need would spoil later checks).
    spare = User(email="spare@demo.example", name="Spare observer")
    db.add(spare)
    db.flush()
    db.add(
        Membership(
            group_id=who(db, "chair@demo.example").memberships["oewg-ict"].group_id, user_id=spare.id, role="observer"
        )
    )
    db.commit()
    create_api_token(db, "ken.head@demo.example", "matrix")
    head_a_token = db.execute(select(ApiToken.id).where(ApiToken.label == "matrix")).scalar_one()
    secretariat = who(db, "secretariat@demo.example").actor("oewg-ict")
    setup.add_delegations(
        db, "oewg-ict", [DelegationInput("SPA", "Spare A"), DelegationInput("SPB", "Spare B")], secretariat
    )
    pending = [
        add_member(
            db, "oewg-ict", NewMember(f"{name}@pending.example", name, "observer"), secretariat, invitation_days=7
        )
        for name in ("renewable", "cancellable")
    ]
    invitations = dict(
        db.execute(
            select(User.email, Invitation.id)
            .join(User, User.id == Invitation.user_id)
            .where(
                User.email.in_([p.email for p in pending])  # type: ignore[attr-defined]
            )
        ).all()
    )
    open_round, draft_round, closed_round = new_round("open"), new_round("draft"), new_round("closed")
    secretary = who(db, "secretariat@demo.example")

    def new_meeting(*agenda: str) -> meeting_services.Scheduled:
        return meeting_services.create_meeting(
            db,
            secretary,
            "oewg-ict",
            meeting_services.MeetingInput(
                "Meeting", datetime(2027, 1, 1, 9, tzinfo=UTC), datetime(2027, 1, 1, 12, tzinfo=UTC)
            ),
            [meeting_services.AgendaInput(title=title) for title in agenda],
        )

    meeting, to_run, to_cancel = new_meeting("Kept", "Spare"), new_meeting("Run"), new_meeting()
    voting.open_round(db, chair, "oewg-ict", open_round)
    voting.open_round(db, chair, "oewg-ict", closed_round)
    voting.close_round(db, chair, "oewg-ict", closed_round)
    room_meeting = arrange_meeting(db)
    return {
        **speakers_world(db),
        "room_meeting": room_meeting.meeting,
        "room_item": room_meeting.items[0],
        "group": "oewg-ict",
        "document": "declaration",
        "version": 1,
        "number": "3.2",
        "comment_id": comment,
        "amendment_id": amendment,
        "round_id": open_round,
        "draft": draft_round,
        "closed": closed_round,
        "spare": spare.id,
        "head_a_token": head_a_token,
        "renewable": invitations["renewable@pending.example"],
        "cancellable": invitations["cancellable@pending.example"],
        "agenda_meeting": meeting.id,
        "item": meeting.agenda[0],
        "spare_item": meeting.agenda[1],
        "meeting_to_run": to_run.id,
        "run_item": to_run.agenda[0],
        "meeting_to_cancel": to_cancel.id,
    }


def speakers_world(db: Session) -> dict[str, Any]:
    """A meeting with an item and three waiting speakers (KEN, NGA, ZAF), and a closed meeting."""
    from consensus.speakers import services as speakers
    from tests.integration.test_speakers import a_meeting

    meeting, (item,) = a_meeting(db)
    closed, _items = a_meeting(db)
    chair = who(db, "chair@demo.example")
    ids = {code: speakers.inscribe(db, chair, meeting, item, code, "intervention") for code in ("KEN", "NGA", "ZAF")}
    db.execute(update(Meeting).where(col(Meeting.id) == closed).values(status="closed"))
    db.commit()
    return {
        "meeting_id": meeting,
        "item_id": item,
        "closed_meeting": closed,
        "ken_speaker": ids["KEN"],
        "nga_speaker": ids["NGA"],
        "zaf_speaker": ids["ZAF"],
    }


def test_every_route_has_an_entry(settings) -> None:  # type: ignore[no-untyped-def]
    from consensus.app import create_app

    app = create_app(settings)
    named = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if getattr(handler, "http_methods", set()) == {"OPTIONS"} or not handler.name:
                continue
            if handler.name.startswith(("static", "vendor")) or route.path.startswith("/schema"):
                continue
            named.add(handler.name)
    assert named - set(MATRIX) == set(), "routes without an authorisation entry"
    assert set(MATRIX) - named == set(), "entries for routes that no longer exist"


def test_the_authorisation_matrix(world: dict[str, Any], make_client, settings) -> None:  # type: ignore[no-untyped-def]
    from consensus.app import create_app

    app = create_app(settings)
    routes = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.name in MATRIX:
                routes[handler.name] = (sorted(handler.http_methods - {"OPTIONS", "HEAD"})[0], route.path)
    clients: dict[str, TestClient] = {}
    for persona, email in PERSONAS.items():
        client = make_client()
        if email:
            password = "outsider-password" if persona == "outsider" else "consensus-demo"
            assert login(client, email, password=password).status_code == 303, persona
        clients[persona] = client
    failures = []
    # Logging out comes last: it ends the sessions every other check needs.
    for name, (overrides, body, expected) in sorted(MATRIX.items(), key=lambda item: item[0] == "logout"):
        method, template = routes[name]
        values = {**world, **{k: world.get(v, v) for k, v in overrides.items() if k != "query"}}
        path = template
        for key, value in values.items():
            path = path.replace(f"{{{key}:str}}", str(value)).replace(f"{{{key}:int}}", str(value))
        path += overrides.get("query", "")
        api = path.startswith("/api/")
        for persona in (
            "anonymous",
            "outsider",
            "observer",
            "delegate_b",
            "delegate_a",
            "secretariat",
            "head_a",
            "chair",
        ):
            client = clients[persona]
            headers = {"X-CSRF-Token": csrf_token(client, "/login")} if method != "GET" else {}
            if method == "GET":
                response = client.get(path, follow_redirects=False)
            elif api:
                response = client.request(method, path, json=body, headers=headers, follow_redirects=False)
            else:
                response = client.request(method, path, data=body or {}, headers=headers, follow_redirects=False)
            got = categorise(response, api)
            want = expected[persona]
            if want != ANY and got != want:
                failures.append(f"{method} {path} as {persona}: expected {want}, got {got} ({response.status_code})")
    assert failures == [], "\n".join(failures)
