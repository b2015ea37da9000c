"""The demo's negotiation so far: what ``make run`` plays after loading ``fixtures/demo.yaml``, so a
newcomer finds every page with something on it.

Everything here goes through the same services a delegate, the chair or the secretariat would
use in the browser (each action its own transaction with its audit event), so the demo can never
hold a state the product itself could not reach: comments with and without dispositions,
amendments in every state with co-sponsors, a consolidated version 2 on which earlier positions
are stale, a closed round with its result and an open one, an earlier text (the group's terms of
reference) already adopted and published, and a chair's summary still in preparation.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from consensus.accounts.identity import CurrentUser
from consensus.accounts.services import identity_of
from consensus.agreement import services as agreement
from consensus.amendments import services as amendments
from consensus.audit.services import Actor
from consensus.comments import services as comments
from consensus.core.clauses import parse_plain_text
from consensus.core.groupfile import check_group_file
from consensus.core.meetings import SubjectAsked
from consensus.db import utcnow
from consensus.documents import preparation, versions
from consensus.groups.services import load_group_file
from consensus.lookups import group_by_slug
from consensus.meetings import services as meetings
from consensus.models import Comment, Delegation, WorkingGroup
from consensus.publishing import services as publishing
from consensus.voting import services as voting

GROUP = "oewg-ict"
DECLARATION = "declaration"
TERMS = "terms-of-reference"

TERMS_OF_REFERENCE = {
    "slug": TERMS,
    "title": "Terms of Reference of the Working Group",
    "language": "en",
    "clauses": [
        {
            "number": "1",
            "heading": "Mandate",
            "text": "The Working Group shall negotiate, on the basis of consensus, a declaration on international "
            "cooperation to counter transnational cyber threats, building on the framework of responsible State "
            "behaviour endorsed by the General Assembly.",
        },
        {
            "number": "2",
            "heading": "Participation",
            "text": "The Working Group is open to all Member States. Observer States and regional organizations may "
            "take part in its deliberations without the right to vote.",
        },
        {
            "number": "3",
            "heading": "Decision-making",
            "text": "The Working Group shall make every effort to reach its decisions by consensus. The Chair shall "
            "declare when consensus has been reached or cannot be reached.",
        },
        {
            "number": "4",
            "heading": "Secretariat",
            "text": "The Secretariat shall circulate drafts, compile comments with their dispositions and keep the "
            "record of the Working Group's decisions.",
        },
    ],
}


def is_untold(session: Session) -> bool:
    """Whether the demo group exists and nothing has happened in it yet (no comment at all)."""
    group = session.execute(select(col(WorkingGroup.id)).where(col(WorkingGroup.slug) == GROUP)).first()
    if group is None:
        return False
    return int(session.execute(select(func.count()).select_from(Comment)).scalar_one()) == 0


class _Cast:
    """The demo's people, by the first part of their address (``chair``, ``ken.head``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.people: dict[str, CurrentUser] = {}

    def __call__(self, name: str) -> CurrentUser:
        if name not in self.people:
            self.people[name] = identity_of(self.session, f"{name}@demo.example")
        return self.people[name]


def play(session: Session) -> list[str]:
    """Play the negotiation so far on a freshly loaded demo group; returns what was done, in words."""
    who = _Cast(session)
    told = [_terms_of_reference(session, who)]
    told += _first_reading(session, who)
    told += _second_version(session, who)
    told.append(_in_preparation(session, who))
    told.append(_meetings(session, who))
    return told


def _terms_of_reference(session: Session, who: _Cast) -> str:
    group = group_by_slug(session, GROUP)
    spec = check_group_file(
        {
            "group": {
                "slug": GROUP,
                "name": group.name,
                "description": group.description,
                "observers_may_comment": group.observers_may_comment,
            },
            # The file loader adds what it lists and keeps the rest: the delegations as they are.
            "delegations": [
                {"code": d.code, "name": d.name, "weight": str(d.weight), "voting_status": d.voting_status}
                for d in session.execute(select(Delegation).where(col(Delegation.group_id) == group.id)).scalars()
            ],
            "documents": [TERMS_OF_REFERENCE],
        }
    )
    load_group_file(session, spec, Actor.command_line(), "the demo's terms of reference")
    for clause in TERMS_OF_REFERENCE["clauses"]:
        agreement.set_clause_status(session, who("chair"), GROUP, TERMS, str(clause["number"]), "agreed_ad_ref")  # type: ignore[index]
    publishing.adopt(session, who("chair"), GROUP, TERMS, 1)
    publishing.publish(session, who("secretariat"), GROUP, TERMS, 1)
    return "The terms of reference were agreed, adopted by consensus and published."


def _comment(
    session: Session, who: _Cast, name: str, number: str, body: str, kind: str = "general", change: str = ""
) -> int:
    return comments.post_comment(
        session, who(name), GROUP, DECLARATION, number, comments.CommentInput(body, kind, proposed_change=change)
    )


def _first_reading(session: Session, who: _Cast) -> list[str]:
    """Comments and their dispositions, amendments in every state, positions and a closed round on version 1."""
    kenya = _comment(
        session, who, "ken.head", "3.2",
        "Kenya supports this clause but asks that the 72-hour period apply only to significant incidents.",
    )  # fmt: skip
    india = _comment(
        session, who, "ind.delegate", "4.1",
        "The list of indicators should be shared through the points of contact only.",
        "technical", "Replace 'shall share' by 'should share, through the points of contact,'.",
    )  # fmt: skip
    _comment(session, who, "deu.head", "2.1", "A comma is missing after 'availability'.", "editorial")
    _comment(session, who, "observer", "6.1", "Civil society would welcome a reference to multistakeholder training.")
    _comment(session, who, "bra.delegate", "6.4", "Brazil asks for the trust fund's governance to be spelled out.")
    comments.dispose_comment(session, who("secretariat"), GROUP, kenya, "accepted_in_principle",
                             "Reflected in the Kenyan amendment to clause 3.2.")  # fmt: skip
    comments.dispose_comment(session, who("secretariat"), GROUP, india, "noted", "To be discussed at the next session.")

    replace_32 = amendments.propose(
        session, who("ken.head"), GROUP, DECLARATION, "3.2",
        amendments.AmendmentInput(
            "replace",
            "States should notify the national CERTs of affected States of significant cyber incidents without "
            "undue delay and, where feasible, within 72 hours of becoming aware of them.",
            "Limits the obligation to significant incidents, as several delegations asked.",
        ),
    )  # fmt: skip
    amendments.sponsor(session, who("nga.head"), GROUP, replace_32)
    insert_41 = amendments.propose(
        session, who("deu.head"), GROUP, DECLARATION, "4.1",
        amendments.AmendmentInput(
            "insert",
            "States should protect personal data shared under this Declaration in accordance with their obligations "
            "under international human rights law.",
            "Data protection safeguards for shared indicators.",
            heading="Protection of personal data",
        ),
    )  # fmt: skip
    delete_73 = amendments.propose(
        session, who("ind.head"), GROUP, DECLARATION, "7.3",
        amendments.AmendmentInput("delete", rationale="The confidence-building measures are covered by clause 7.1."),
    )  # fmt: skip
    withdrawn = amendments.propose(
        session, who("bra.head"), GROUP, DECLARATION, "6.2",
        amendments.AmendmentInput("replace", "States in a position to do so should provide training for national "
                                  "CERTs of developing States.", "Shorter wording."),
    )  # fmt: skip
    amendments.withdraw(session, who("bra.head"), GROUP, withdrawn)
    amendments.decide(session, who("chair"), GROUP, replace_32, "accepted", "")
    amendments.decide(session, who("chair"), GROUP, insert_41, "accepted", "")
    amendments.decide(session, who("chair"), GROUP, delete_73, "rejected", "Most delegations wish to keep clause 7.3.")

    for head, position, text in (
        ("ken.head", "support", ""),
        ("ind.head", "reservation", "India reserves its position on the 72-hour period."),
        ("deu.head", "accept", ""),
        ("bra.head", "objection", "Brazil cannot accept a fixed notification period."),
    ):
        agreement.state_position(session, who(head), GROUP, DECLARATION, "3.2", position, text)
    for head in ("ken.head", "jpn.head", "can.head"):
        agreement.state_position(session, who(head), GROUP, DECLARATION, "1", "support")
    agreement.set_clause_status(session, who("chair"), GROUP, DECLARATION, "1", "agreed_ad_ref")

    closed = voting.create_round(
        session, who("chair"), GROUP,
        voting.RoundInput(document=DECLARATION, title="Clause 2.1 (Definitions) at first reading",
                          rule="simple_majority", clause="2.1"),
    )  # fmt: skip
    voting.open_round(session, who("chair"), GROUP, closed)
    for head, choice in (("ken.head", "yes"), ("ind.head", "yes"), ("deu.head", "yes"), ("bra.head", "no"),
                         ("jpn.head", "abstain"), ("pol.head", "yes")):  # fmt: skip
        voting.cast_ballot(session, who(head), GROUP, closed, choice)
    voting.close_round(session, who("chair"), GROUP, closed)
    return [
        "Version 1 drew five comments (two disposed of), four amendments (accepted, rejected, withdrawn; one "
        "co-sponsored), positions on clauses 1 and 3.2, and a closed round on clause 2.1."
    ]


def _second_version(session: Session, who: _Cast) -> list[str]:
    """Version 2 from the accepted amendments (positions on 3.2 now stale), a new proposal, an open round."""
    versions.consolidate_version(session, who("secretariat"), GROUP, DECLARATION, "After the first reading.")
    proposed = amendments.propose(
        session, who("jpn.head"), GROUP, DECLARATION, "5.1",
        amendments.AmendmentInput(
            "replace",
            "States should designate a central authority for mutual legal assistance requests concerning ICT-related "
            "offences and should answer urgent requests without delay.",
            "Adds a central authority, as in existing treaties.",
        ),
    )  # fmt: skip
    amendments.sponsor(session, who("sgp.head"), GROUP, proposed)
    competing = amendments.propose(
        session, who("mex.head"), GROUP, DECLARATION, "5.1",
        amendments.AmendmentInput(
            "replace",
            "States should answer requests for mutual legal assistance concerning ICT-related offences within 30 days.",
            "A time limit rather than a new authority.",
        ),
    )  # fmt: skip
    amendments.propose_compromise(
        session, who("chair"), GROUP, DECLARATION, "5.1",
        amendments.CompromiseInput(
            "States should designate a central authority for mutual legal assistance requests concerning ICT-related "
            "offences, which should answer urgent requests without delay and other requests within 30 days.",
            "Combines the proposals of Japan and Mexico, as discussed in informal consultations.",
            (proposed, competing),
        ),
    )  # fmt: skip
    _comment(session, who, "est.delegate", "3.2", "Estonia welcomes the revised text of this clause.")
    running = voting.create_round(
        session, who("chair"), GROUP,
        voting.RoundInput(document=DECLARATION, title="Clause 6 (Capacity-building) as revised", rule="two_thirds",
                          clause="6", closes_at=utcnow() + timedelta(days=7)),
    )  # fmt: skip
    voting.open_round(session, who("chair"), GROUP, running)
    for head, choice in (("ken.head", "yes"), ("egy.head", "yes"), ("mex.head", "no")):
        voting.cast_ballot(session, who(head), GROUP, running, choice)
    return [
        "Version 2 was consolidated; Japan (co-sponsored by Singapore) and Mexico proposed amendments to 5.1, "
        "superseded by the chair's compromise text; a two-thirds "
        "round on clause 6 is open for a week with three ballots cast."
    ]


CHAIRS_SUMMARY = """Chair's summary of the first session

1. Opening of the session
The Chair opened the first session of the Working Group and welcomed the delegations.

2. Organization of work
The Working Group adopted its programme of work and agreed to hold informal consultations between sessions.

3. General exchange of views
Delegations exchanged views on the draft declaration. Several delegations stressed the need for capacity-building.

4. Next steps
The Chair will circulate a revised draft before the second session.
"""


def _in_preparation(session: Session, who: _Cast) -> str:
    """A text the secretariat is still preparing: only it and the chair see it."""
    draft = parse_plain_text(CHAIRS_SUMMARY)
    preparation.create_document(
        session, who("secretariat"), GROUP, preparation.NewDocument("chairs-summary-1", "en", draft)
    )
    return "The Chair's summary of the first session is in preparation (seen only by the secretariat and the chair)."


PRESENT_AT_THE_FIRST_READING = (
    "KEN",
    "NGA",
    "ZAF",
    "EGY",
    "IND",
    "JPN",
    "IDN",
    "POL",
    "EST",
    "BRA",
    "MEX",
    "DEU",
    "CAN",
)


def _meetings(session: Session, who: _Cast) -> str:
    """A past meeting with its roll call, and the next one with an agenda on clauses of the declaration."""
    secretariat = who("secretariat")
    today = utcnow().replace(minute=0, second=0, microsecond=0)
    held = meetings.create_meeting(
        session, secretariat, GROUP,
        meetings.MeetingInput("First session, first reading of the draft declaration",
                              today - timedelta(days=14, hours=3), today - timedelta(days=14),
                              "Conference Room XX, Geneva"),
        [meetings.AgendaInput(title="Adoption of the agenda"),
         meetings.AgendaInput(title="First reading of the draft declaration", subject=SubjectAsked(DECLARATION))],
    )  # fmt: skip
    delegations = session.execute(
        select(col(Delegation.code)).where(col(Delegation.group_id) == group_by_slug(session, GROUP).id)
    ).scalars()
    roll = {code: code in PRESENT_AT_THE_FIRST_READING for code in delegations}
    meetings.record_attendance(session, secretariat, GROUP, held.id, roll)
    meetings.start_meeting(session, who("chair"), GROUP, held.id)
    for _item in held.agenda:
        meetings.next_agenda_item(session, who("chair"), GROUP, held.id)
    meetings.close_meeting(session, who("chair"), GROUP, held.id)
    start = today + timedelta(days=3)
    meetings.create_meeting(
        session, secretariat, GROUP,
        meetings.MeetingInput("Second session, informal consultations on the revised text", start,
                              start + timedelta(hours=3), "Conference Room XX, Geneva", "https://meet.example.org/oewg-ict"),
        [meetings.AgendaInput(title="Adoption of the agenda"),
         meetings.AgendaInput(title="Information sharing between national CERTs",
                              subject=SubjectAsked(DECLARATION, "3.1", "3.2")),
         meetings.AgendaInput(title="Mutual legal assistance: the chair's compromise",
                              subject=SubjectAsked(DECLARATION, "5.1")),
         meetings.AgendaInput(title="Capacity-building (the round on clause 6)",
                              subject=SubjectAsked(DECLARATION, "6"))],
    )  # fmt: skip
    return (
        f"The first reading was held two weeks ago ({sum(roll.values())} delegations present); the next meeting, in "
        "three days, takes up clauses 3.1 to 3.2, 5.1 and 6."
    )
