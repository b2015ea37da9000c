"""Options rounds over HTTP: the chair puts a clause's alternatives to the delegations, the heads
pick one or none, the round closes, and consolidation writes the winner into the next version."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import AuditEvent, Clause, Round, Version
from tests.conftest import post_form, q

GROUP = "/api/v1/groups/oewg-ict"
DOC = f"{GROUP}/documents/declaration"
HEADS = ["ken", "ind", "bra", "jpn", "deu", "can", "mex", "chl", "nga"]
CLAUSE_4_3 = (
    "Where a cyber incident with significant cross-border impact is detected, the national CERT of the affected "
    "State should notify the points of contact of other States likely to be affected within {} hours of its "
    "detection. A State receiving a request for assistance should acknowledge receipt without undue delay and "
    "indicate, within a reasonable time, whether and in what form it is able to assist."
)


def options_round(api, rule: str = "most_support", clause: str = "4.3", **body: object) -> int:  # type: ignore[no-untyped-def]
    response = api("chair").post(
        f"{GROUP}/rounds",
        {
            "document": "declaration",
            "title": "Notification time",
            "rule": rule,
            "clause": clause,
            "alternatives": 1,
            **body,
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def vote(api, rid: int, choices: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for head, choice in choices.items():
        response = api(f"{head}.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": choice})
        assert response.status_code == 200, response.text


def clause_text(db: Session, version: int, number: str) -> str:
    text: str = (
        q(db)
        .execute(
            select(Clause.text)
            .join(Version, Version.id == Clause.version_id)
            .where(Version.number == version, Clause.number == number)
        )
        .scalar_one()
    )
    return text


def test_the_winning_alternative_replaces_the_brackets_in_the_next_version(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api)
    shown = api("chair").get(f"/api/v1/rounds/{rid}").json()
    assert shown["alternatives"] == 1 and shown["rule"] == "most_support"
    assert shown["options"] == [
        {"choice": "option:1", "letter": "A", "text": "24"},
        {"choice": "option:2", "letter": "B", "text": "72"},
    ]
    assert api("chair").post(f"/api/v1/rounds/{rid}/open").json()["status"] == "open"
    vote(api, rid, {"ken": "option:2", "ind": "option:2", "bra": "option:1", "jpn": "option:2", "deu": "none"})
    closed = api("chair").post(f"/api/v1/rounds/{rid}/close").json()
    result = closed["result"]
    assert result["passed"] is True and result["winner"] == "option:2"
    assert result["tally"]["option:2"]["count"] == 3 and result["tally"]["none"]["count"] == 1
    assert "alternative B has the most support: 3" in result["reason"]
    assert "(A 1, B 3, none of these 1)" in result["reason"]
    page = api("secretariat").get("/groups/oewg-ict/documents/declaration/versions")
    assert "Clause 4.3: alternative B, chosen in round" in page.text
    created = api("secretariat").post(f"{DOC}/versions", {})
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 2
    assert clause_text(db, 2, "4.3") == CLAUSE_4_3.format("72")
    assert clause_text(db, 1, "4.3") == CLAUSE_4_3.format("[24][72]")
    assert clause_text(db, 2, "5.1") == clause_text(db, 1, "5.1")  # untouched alternatives stay
    event = (
        q(db)
        .execute(select(AuditEvent).where(AuditEvent.action == "version.consolidate").order_by(AuditEvent.seq.desc()))
        .scalars()
        .first()
    )
    assert event is not None and f'"rounds":[{rid}]' in event.details.replace(" ", "")


def test_a_tie_chooses_nothing_and_the_clause_is_unchanged(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api)
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    vote(api, rid, {"ken": "option:1", "ind": "option:2"})
    result = api("chair").post(f"/api/v1/rounds/{rid}/close").json()["result"]
    assert result["passed"] is False and result["winner"] is None
    assert (
        "alternatives A, B tie for the most support with 1 each, so none is chosen (A 1, B 1, none of these 0)"
        in (result["reason"])
    )
    response = api("secretariat").post(f"{DOC}/versions", {})
    assert response.status_code == 422 and "nothing to consolidate" in response.text
    assert clause_text(db, 1, "4.3") == CLAUSE_4_3.format("[24][72]")


def test_consensus_on_one_passes_when_every_ballot_picks_it(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api, rule="consensus_on_one", clause="5.1")
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    vote(api, rid, {head: "option:1" for head in HEADS[:4]})
    result = api("chair").post(f"/api/v1/rounds/{rid}/close").json()["result"]
    assert result["passed"] is True and result["winner"] == "option:1"
    assert "all 4 ballots cast picked alternative A (12 silent; silence is consent)" in result["reason"]
    assert api("secretariat").post(f"{DOC}/versions", {}).status_code == 201
    assert clause_text(db, 2, "5.1").startswith("States shall afford one another")


def test_one_none_of_these_breaks_consensus_on_one(api) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api, rule="consensus_on_one", clause="5.1")
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    vote(api, rid, {"ken": "option:1", "ind": "option:1", "bra": "none"})
    result = api("chair").post(f"/api/v1/rounds/{rid}/close").json()["result"]
    assert result["passed"] is False and result["winner"] is None
    assert "1 delegation (BRA) picked none of these" in result["reason"]


def test_an_accepted_amendment_to_the_same_clause_is_a_conflict_and_nothing_is_written(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api)
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    vote(api, rid, {"ken": "option:1"})
    api("chair").post(f"/api/v1/rounds/{rid}/close")
    proposed = api("ind.head").post(
        f"{DOC}/clauses/4.3/amendments", {"kind": "replace", "text": "Within 48 hours.", "rationale": "Middle."}
    )
    assert proposed.status_code == 201, proposed.text
    amendment = proposed.json()["id"]
    assert api("chair").post(f"/api/v1/amendments/{amendment}/decision", {"decision": "accepted"}).status_code == 200
    response = api("secretariat").post(f"{DOC}/versions", {})
    assert response.status_code == 409, response.text
    (conflict,) = response.json()["conflicts"]
    assert (
        conflict["first"] == amendment and conflict["second"] == rid and conflict["parties"] == ["amendment", "round"]
    )
    assert conflict["message"] == (
        f"Amendment {amendment} and round {rid} on clause 4.3: "
        "the amendment replaces the text whose alternatives the round chose between"
    )
    assert q(db).execute(select(func.count()).select_from(Version)).scalar_one() == 1
    page = api("secretariat").get("/groups/oewg-ict/documents/declaration/versions").text
    assert (
        f'Amendment <a href="/groups/oewg-ict/amendments/{amendment}">{amendment}</a> and round '
        f'<a href="/groups/oewg-ict/rounds/{rid}">{rid}</a> on clause 4.3'
    ) in page
    assert "or settle the alternatives by one round" in page  # not only amendments are in conflict


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"clause": "1", "alternatives": 1}, "alternatives", "Clause 1 has no alternatives to choose between."),
        ({"alternatives": 2}, "alternatives", "Clause 4.3 has alternatives 1 to 1: there is no set 2."),
        ({"alternatives": None}, "alternatives", "Give the number of the set of alternatives"),
        ({"clause": None}, "clause", "An options round is on a clause"),
        ({"secret": True}, "secret", "An options round is recorded"),
        ({"rule": "two_thirds"}, "alternatives", "Alternatives are put to an options round"),
        ({"alternatives": 0}, "alternatives", ""),
        ({"alternatives": "one"}, "alternatives", ""),
        ({"rule": "consensus_on_one", "weighted": True}, "weighted", "Only a custom rule or most support counts"),
    ],
)
def test_bad_options_rounds_are_refused_naming_the_field(api, db: Session, body, field: str, words: str) -> None:  # type: ignore[no-untyped-def]
    request = {"document": "declaration", "title": "x", "rule": "most_support", "clause": "4.3", "alternatives": 1}
    response = api("chair").post(f"{GROUP}/rounds", {**request, **body})
    assert 400 <= response.status_code < 500 and response.status_code != 404, response.text
    assert field in response.text and words in response.text
    assert q(db).execute(select(func.count()).select_from(Round)).scalar_one() == 0


def test_a_choice_that_is_not_an_alternative_is_a_422(api) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api)
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    for choice in ("option:3", "option:0", "yes", "support", "option:"):
        response = api("ken.head").put(f"/api/v1/rounds/{rid}/ballot", {"choice": choice})
        assert response.status_code == 422 and "option:1, option:2, none" in response.text, choice


def test_the_document_page_shows_alternatives_as_labelled_groups(api, client) -> None:  # type: ignore[no-untyped-def]
    page = api("ken.head").get("/groups/oewg-ict/documents/declaration").text
    assert 'role="group" aria-labelledby="clause-4.3-alternatives-1"' in page
    assert "Alternatives 1: one is to be chosen" in page
    assert '<strong>Alternative A:</strong> <span lang="en">24</span>' in page
    assert "Put to an options round" not in page
    chair = api("chair").get("/groups/oewg-ict/documents/declaration").text
    assert "rounds/new?document=declaration&amp;clause=4.3&amp;alternatives=1" in chair


def test_the_round_page_offers_each_alternative_and_none_of_these(api) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api)
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    page = api("ken.head").get(f"/groups/oewg-ict/rounds/{rid}").text
    assert 'value="option:1"' in page and ">Alternative A: 24<" in page
    assert 'value="option:2"' in page and ">Alternative B: 72<" in page
    assert 'value="none"' in page and ">None of these<" in page
    vote(api, rid, {"ken": "option:2"})
    chair = api("chair").get(f"/groups/oewg-ict/rounds/{rid}").text
    assert "If the round closed now:" in chair and "Alternative B" in chair


def test_a_correction_of_the_alternatives_after_the_round_is_a_conflict_naming_the_round(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api)
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    vote(api, rid, {"ken": "option:2"})
    api("chair").post(f"/api/v1/rounds/{rid}/close")
    fixed = api("secretariat").post(
        f"{DOC}/clauses/4.3/correction",
        {"text": CLAUSE_4_3.format("[24][48]"), "reason": "The capital's figure was mistyped."},
    )
    assert fixed.status_code == 201, fixed.text
    response = api("secretariat").post(f"{DOC}/versions", {})
    assert response.status_code == 409, response.text
    assert response.json()["conflicts"][0]["message"] == (
        f"Round {rid} on clause 4.3: the alternatives it chose between are no longer in the clause as they were voted on"
    )
    assert q(db).execute(select(func.count()).select_from(Version)).scalar_one() == 1
    # What was voted on is kept with the round, whatever the clause says now.
    assert [o["text"] for o in api("chair").get(f"/api/v1/rounds/{rid}").json()["options"]] == ["24", "72"]


def form_round(client, **fields: str):  # type: ignore[no-untyped-def]
    data = {"title": "Hours", "document": "declaration", "clause": "4.3", "rule": "most_support", **fields}
    return post_form(client, "/groups/oewg-ict/rounds", data, page="/groups/oewg-ict/rounds/new")


def test_the_form_prepares_an_options_round_and_names_a_bad_set_on_the_page(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    chair = browsers("chair")
    prefilled = chair.get("/groups/oewg-ict/rounds/new?document=declaration&clause=4.3&alternatives=1").text
    assert 'name="alternatives" type="text" inputmode="numeric" maxlength="5" value="1"' in prefilled
    assert '<option value="most_support" selected>' in prefilled
    refused = form_round(chair, alternatives="3")
    assert refused.status_code == 422
    assert "Clause 4.3 has alternatives 1 to 1: there is no set 3." in refused.text
    assert 'id="alternatives" name="alternatives"' in refused.text and 'aria-invalid="true"' in refused.text
    not_a_number = form_round(chair, alternatives="two")
    assert not_a_number.status_code == 422 and "Give a number such as 12." in not_a_number.text
    assert q(db).execute(select(func.count()).select_from(Round)).scalar_one() == 0
    made = form_round(chair, alternatives="1", weighted="on")
    assert made.status_code == 303, made.text
    row = q(db).execute(select(Round)).scalar_one()
    assert (row.rule, row.alternatives, row.weighted) == ("most_support", 1, True)
    page = chair.get(made.headers["location"]).text
    assert "most support by weight" in page and "Alternative B:</strong> 72" in page


@pytest.mark.parametrize("account", ["secretariat", "ken.head", "ken.delegate", "observer"])
def test_only_the_chair_prepares_an_options_round(api, db: Session, account: str) -> None:  # type: ignore[no-untyped-def]
    body = {"document": "declaration", "title": "x", "rule": "most_support", "clause": "4.3", "alternatives": 1}
    assert api(account).post(f"{GROUP}/rounds", body).status_code == 403
    assert q(db).execute(select(func.count()).select_from(Round)).scalar_one() == 0


@pytest.mark.parametrize("account", ["chair", "secretariat", "ken.delegate", "observer", "vat.head"])
def test_only_heads_of_the_electorate_pick_an_alternative(api, account: str) -> None:  # type: ignore[no-untyped-def]
    rid = options_round(api)
    api("chair").post(f"/api/v1/rounds/{rid}/open")
    assert api(account).put(f"/api/v1/rounds/{rid}/ballot", {"choice": "option:1"}).status_code == 403
    assert api("chair").get(f"/api/v1/rounds/{rid}").json()["participated"] == []
