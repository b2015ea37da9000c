"""Rounds through HTTP: their whole life, refusals for each role, secret ballots, deadlines."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from consensus.db import utcnow
from consensus.models import Ballot, Delegation, Participation, Position, Round, RoundElector, SecretTally
from consensus.voting import services as voting
from tests.conftest import D, post_form, q

ROUNDS = "/groups/oewg-ict/rounds"


def create(client, **fields: str):  # type: ignore[no-untyped-def]
    data = {"title": "Vote on clause 3.2", "document": "declaration", "clause": "3.2", "rule": "two_thirds", **fields}
    return post_form(client, ROUNDS, data, page=f"{ROUNDS}/new")


def round_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def act(client, rid: int, what: str):  # type: ignore[no-untyped-def]
    return post_form(client, f"{ROUNDS}/{rid}/{what}", {}, page=f"{ROUNDS}/{rid}")


def vote(client, rid: int, choice: str, explanation: str = ""):  # type: ignore[no-untyped-def]
    return post_form(
        client, f"{ROUNDS}/{rid}/ballot", {"choice": choice, "explanation": explanation}, page=f"{ROUNDS}/{rid}"
    )


def opened(browsers, **fields: str) -> int:  # type: ignore[no-untyped-def]
    rid = round_id(create(browsers("chair"), **fields))
    assert act(browsers("chair"), rid, "open").status_code == 303
    return rid


def test_the_whole_life_of_a_recorded_round(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    rid = round_id(create(chair, quorum="1/4"))
    assert "In preparation" in chair.get(f"{ROUNDS}/{rid}").text
    assert act(chair, rid, "open").status_code == 303
    for head, choice in [
        ("ken.head", "yes"),
        ("ind.head", "yes"),
        ("bra.head", "yes"),
        ("jpn.head", "no"),
        ("deu.head", "abstain"),
    ]:
        assert vote(browsers(head), rid, choice, f"{head} explains").status_code == 303
    page = browsers("ken.head").get(f"{ROUNDS}/{rid}").text
    receipt = re.search(r"Receipt: <code>([0-9a-f]{64})</code>", page).group(1)  # type: ignore[union-attr]
    assert "Running tally" not in page  # delegates do not see the running tally
    live = chair.get(f"{ROUNDS}/{rid}").text
    assert "Running tally" in live and "Not voted yet:" in live and "Canada" in live
    assert act(chair, rid, "close").status_code == 303
    result = browsers("observer").get(f"{ROUNDS}/{rid}").text
    assert "Result: passed" in result
    assert (
        "3 yes ≥ 2/3 of 4 votes cast (8/3)" in result
        and "5 of 16 eligible delegations took part (quorum 1/4)" in result
    )
    assert "Roll-call" in result and "ken.head explains" in result and 'role="img"' in result
    stored = q(db).get(Round, rid)
    assert stored is not None and stored.passed is True and stored.audit_head
    weights = dict(q(db).execute(select(Delegation.code, Delegation.weight)).all())
    yes_weight = weights["KEN"] + weights["IND"] + weights["BRA"]
    assert json.loads(stored.result or "{}")["tally"]["yes"] == {"count": 3, "weight": format(yes_weight, "f")}
    assert receipt in voting.receipts(q(db), "oewg-ict", rid)


def test_a_delegation_changes_its_ballot_and_a_repeat_is_harmless(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers)
    ken = browsers("ken.head")
    vote(ken, rid, "no")
    first = q(db).execute(select(Ballot.receipt)).scalar_one()
    vote(ken, rid, "no")
    assert q(db).execute(select(Ballot.receipt)).scalar_one() == first  # same ballot, same receipt
    vote(ken, rid, "yes", "Persuaded.")
    ballots = q(db).execute(select(Ballot.choice, Ballot.receipt)).all()
    assert len(ballots) == 1 and ballots[0][0] == "yes" and ballots[0][1] != first
    assert q(db).execute(select(func.count()).select_from(Participation)).scalar_one() == 1


@pytest.mark.parametrize("account", ["secretariat", "ken.head", "observer"])
def test_only_the_chair_runs_rounds(browsers, db: Session, account: str) -> None:  # type: ignore[no-untyped-def]
    client = browsers(account)
    assert create(client).status_code == 403
    rid = round_id(create(browsers("chair")))
    for what in ("open", "close", "cancel"):
        assert act(client, rid, what).status_code == 403
    assert q(db).get(Round, rid).status == "draft"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("account", "status", "says"),
    [
        ("ken.delegate", 403, "Only the head of a delegation"),
        ("observer", 403, "Only the head of a delegation"),
        ("chair", 403, "Only the head of a delegation"),
        ("vat.head", 403, "not in the electorate"),  # the Holy See observes: no vote outside ISO rounds
    ],
)
def test_only_heads_of_eligible_delegations_vote(browsers, db: Session, account, status, says) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers)
    response = vote(browsers(account), rid, "yes")
    assert response.status_code == status and says in response.text
    assert q(db).execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


def test_observing_delegations_vote_under_the_iso_rule(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    iso = opened(browsers, rule="iso")
    assert vote(browsers("ken.head"), iso, "yes").status_code == 303
    assert vote(browsers("vat.head"), iso, "no").status_code == 303  # the Holy See observes
    cast = (
        q(db)
        .execute(
            select(Delegation.code, Ballot.choice)
            .join(Delegation, Delegation.id == Ballot.delegation_id)
            .where(Ballot.round_id == iso)
        )
        .all()
    )
    assert sorted(cast) == [("KEN", "yes"), ("VAT", "no")]
    assert act(browsers("chair"), iso, "close").status_code == 303
    result = json.loads(q(db).get(Round, iso).result or "{}")  # type: ignore[union-attr]
    # The observer's no counts among all members voting, not among the participating members.
    assert "participating members: 1 yes ≥ 2/3 of 1" in result["reason"]
    assert "all members voting: 1 no > 1/4 of 2" in result["reason"]
    assert result["passed"] is False and result["participated"] == 2
    # Under any other rule an observing delegation is not in the electorate.
    other = opened(browsers, rule="simple_majority")
    refused = vote(browsers("vat.head"), other, "no")
    assert refused.status_code == 403 and "not in the electorate" in refused.text
    assert q(db).execute(select(func.count()).select_from(Ballot).where(Ballot.round_id == other)).scalar_one() == 0


def test_ballots_outside_an_open_round_or_the_rule_are_refused(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair, ken = browsers("chair"), browsers("ken.head")
    draft = round_id(create(chair))
    refused = vote(ken, draft, "yes")
    assert refused.status_code == 409 and "only while it is open" in refused.text
    act(chair, draft, "open")
    wrong = vote(ken, draft, "support")
    assert wrong.status_code == 422 and "The choice must be one of: yes, no, abstain" in wrong.text
    act(chair, draft, "close")
    assert vote(ken, draft, "yes").status_code == 409
    assert q(db).execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"title": ""}, "title", "The title is empty"),
        ({"rule": "plurality"}, "rule", "must be one of"),
        ({"rule": "custom", "threshold": "5/3"}, "threshold", "at most 1"),
        ({"rule": "custom", "threshold": "lots"}, "threshold", "not a fraction"),
        ({"quorum": "2"}, "quorum", "between 0 and 1"),
        ({"clause": "99"}, "clause", "no clause 99"),
        ({"clause": "", "amendment": "999"}, "amendment", "no amendment 999"),
        ({"closes_at": "2001-01-01T00:00"}, "closes_at", "already passed"),
        ({"closes_at": "next tuesday"}, "closes_at", "date and time"),
        ({"rule": "consensus", "secret": "on"}, "secret", "never secret"),
    ],
)
def test_bad_rounds_are_refused_naming_the_field(browsers, db: Session, fields, field: str, says: str) -> None:  # type: ignore[no-untyped-def]
    response = create(browsers("chair"), **fields)
    assert response.status_code == 422, response.text
    assert says in response.text and f'id="{field}"' in response.text
    assert q(db).execute(select(func.count()).select_from(Round)).scalar_one() == 0


def test_the_electorate_is_frozen_when_the_round_opens(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers, rule="weighted_majority")
    japan = q(db).execute(select(Delegation.weight).where(Delegation.code == "JPN")).scalar_one()
    q(db).execute(update(Delegation).where(Delegation.code == "JPN").values(weight=Decimal("100000")))
    db.commit()
    vote(browsers("ken.head"), rid, "yes")
    vote(browsers("jpn.head"), rid, "no")
    act(browsers("chair"), rid, "close")
    assert q(db).execute(select(RoundElector.weight).where(RoundElector.code == "JPN")).scalar_one() == japan
    assert q(db).get(Round, rid).passed is False  # type: ignore[union-attr]  # Kenya's 54.03 < Japan's frozen weight


def test_a_closed_result_is_stored_and_never_recomputed(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers, rule="simple_majority")
    vote(browsers("ken.head"), rid, "yes")
    act(browsers("chair"), rid, "close")
    q(db).execute(update(Ballot).values(choice="no"))
    db.commit()
    page = browsers("chair").get(f"{ROUNDS}/{rid}").text
    assert "Result: passed" in page and "1 yes &gt; 0 no" in page


def test_a_consensus_ballot_records_the_delegations_position(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers, rule="consensus", title="Consensus on 3.2")
    vote(browsers("ken.head"), rid, "reservation", "Timelines too short.")
    vote(browsers("ind.head"), rid, "objection", "Cannot join.")
    positions = q(db).execute(select(Position.position, Position.text, Position.round_id)).all()
    assert sorted(positions) == [("objection", "Cannot join.", rid), ("reservation", "Timelines too short.", rid)]
    act(browsers("chair"), rid, "close")
    page = browsers("chair").get(f"{ROUNDS}/{rid}").text
    assert "1 objection (IND) breaks consensus" in page
    matrix = browsers("chair").get(f"{D}/agreement").text
    assert "<strong>India</strong>" in matrix


def test_a_secret_round_keeps_no_link_between_a_delegation_and_its_choice(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers, rule="simple_majority", secret="on", clause="")
    ken = browsers("ken.head")
    first = vote(ken, rid, "no")
    assert first.status_code == 303
    assert any(c.startswith(f"consensus_round_{rid}=") for c in first.headers.get_list("set-cookie"))
    assert vote(ken, rid, "yes").status_code == 303  # the key cookie lets this browser change it
    vote(browsers("ind.head"), rid, "no")
    assert q(db).execute(select(func.count()).select_from(Ballot)).scalar_one() == 0
    counters = q(db).get(SecretTally, rid)
    assert counters is not None and json.loads(counters.counts) == {
        "all": {"no": {"count": 1, "weight": "0"}, "yes": {"count": 1, "weight": "0"}}
    }
    sealed = q(db).execute(select(Participation.sealed).where(Participation.round_id == rid)).scalars().all()
    assert len(sealed) == 2 and len({len(text or "") for text in sealed}) == 1  # same length whatever the choice
    other_browser = browsers("ken.delegate")  # same delegation, no key: the head's colleague cannot vote anyway
    assert vote(other_browser, rid, "no").status_code == 403
    act(browsers("chair"), rid, "close")
    page = browsers("observer").get(f"{ROUNDS}/{rid}").text
    assert "Delegations that took part" in page and "Roll-call" not in page
    # Two delegations alone: any count would be one ballot away from showing how both voted.
    assert "Not passed: the other figures are withheld to keep the ballot secret" in page


def test_a_secret_ballot_cannot_be_cast_twice_without_its_key(browsers, make_client, db: Session) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    rid = opened(browsers, rule="simple_majority", secret="on", clause="")
    vote(browsers("ken.head"), rid, "no")
    second_device = make_client()
    login(second_device, "ken.head@demo.example")
    refused = vote(second_device, rid, "yes")
    assert refused.status_code == 409 and "already voted in this secret round" in refused.text
    counters = q(db).get(SecretTally, rid)
    assert counters is not None and json.loads(counters.counts) == {"all": {"no": {"count": 1, "weight": "0"}}}


def test_a_deadline_closes_the_round_even_when_nobody_is_looking(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers, rule="consensus", title="Silence procedure")
    vote(browsers("ken.head"), rid, "support")
    q(db).execute(update(Round).where(Round.id == rid).values(closes_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    deadline = time.monotonic() + 10
    while q(db).get(Round, rid).status != "closed":  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the deadline did not close the round"
        time.sleep(0.2)
    stored = q(db).get(Round, rid)
    assert stored is not None and stored.passed is True and stored.closed_by_id is None
    assert "at its deadline" in browsers("chair").get(f"{ROUNDS}/{rid}").text


def test_closing_at_the_deadline_happens_once(db: Session, browsers) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers, rule="consensus")
    q(db).execute(update(Round).where(Round.id == rid).values(closes_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    first = voting.close_due_rounds(q(db))
    second = voting.close_due_rounds(q(db))
    assert rid in first or rid not in second  # the app's own loop may have closed it first
    assert second == []


def test_the_chair_cancels_a_round(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers)
    vote(browsers("ken.head"), rid, "yes")
    assert act(browsers("chair"), rid, "cancel").status_code == 303
    assert q(db).get(Round, rid).status == "cancelled"  # type: ignore[union-attr]
    assert act(browsers("chair"), rid, "close").status_code == 409


def test_the_live_panel_is_a_fragment_for_htmx_and_a_stream_for_sse(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = opened(browsers)
    chair = browsers("chair")
    fragment = chair.get(f"{ROUNDS}/{rid}", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "Running tally" in fragment
    page = chair.get(f"{ROUNDS}/{rid}").text
    assert f'sse-connect="/groups/oewg-ict/rounds/{rid}/live"' in page
    act(chair, rid, "close")  # a closed round's stream sends the final panel and ends
    with chair.stream("GET", f"{ROUNDS}/{rid}/live") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        body = "".join(stream.iter_text())
    assert "event: live" in body and "Result:" in body and "event: over" in body


def test_someone_elses_round_is_a_404(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert browsers("ken.head").get(f"{ROUNDS}/12345").status_code == 404
