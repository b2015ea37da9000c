"""The chair's compromise texts over HTTP: proposing one supersedes competing amendments (marked,
linked, their sponsors shown), it is decided and consolidated like any amendment, a rejected one
gives the superseded amendments back, and the chair reopens decided amendments, rejected ones too."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from lxml import etree
from sqlalchemy import select
from sqlmodel import Session

from consensus.amendments import services as amendments
from consensus.models import Amendment, AuditEvent, Clause, Version
from consensus.voting import services as voting
from tests.conftest import D, clause_url, csrf_token, post_form, q, who
from tests.wordfiles import part, revisions, w

G = "oewg-ict"
NUMBER = "3.2"
COMPROMISE_TEXT = "States should share threat information through their CERTs within 48 hours."


def competing(db: Session) -> tuple[int, int]:
    """Two competing amendments on clause 3.2, from Kenya (co-sponsored by Brazil) and India."""
    kenya = amendments.propose(
        db,
        who(db, "ken.head@demo.example"),
        G,
        "declaration",
        NUMBER,
        amendments.AmendmentInput("replace", "States should share threat information within 24 hours."),
    )
    amendments.sponsor(db, who(db, "bra.head@demo.example"), G, kenya)
    india = amendments.propose(
        db,
        who(db, "ind.head@demo.example"),
        G,
        "declaration",
        NUMBER,
        amendments.AmendmentInput("replace", "States should share threat information within 72 hours."),
    )
    return kenya, india


def amendment_url(amendment_id: int) -> str:
    return f"/groups/{G}/amendments/{amendment_id}"


def new_url(number: str = NUMBER) -> str:
    return clause_url(number) + "/compromises/new"


def propose(client, supersedes: list[int], text: str = COMPROMISE_TEXT, number: str = NUMBER):  # type: ignore[no-untyped-def]
    token = csrf_token(client, new_url(number))
    body = [("_csrf_token", token), ("text", text), ("rationale", "Between 24 and 72 hours."), ("kind", "replace")]
    body += [("supersedes", str(i)) for i in supersedes]
    return client.post(
        clause_url(number) + "/compromises",
        content=urlencode(body),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def status_of(db: Session, amendment_id: int) -> tuple[str, int | None]:
    stored = q(db).get(Amendment, amendment_id)
    assert stored is not None
    return stored.status, stored.superseded_by_id


def consolidate(client):  # type: ignore[no-untyped-def]
    return post_form(client, f"{D}/versions", {"note": ""}, page=f"{D}/versions")


def decide(client, amendment_id: int, decision: str, reason: str = ""):  # type: ignore[no-untyped-def]
    url = amendment_url(amendment_id)
    return post_form(client, f"{url}/decision", {"decision": decision, "reason": reason}, page=url)


def compromise_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_the_chair_proposes_a_compromise_that_supersedes_two_competing_amendments(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    chair = browsers("chair")
    clause_page = chair.get(clause_url(NUMBER)).text
    assert f'href="{new_url()}"' in clause_page and "Propose a compromise" in clause_page
    form = chair.get(f"{new_url()}?supersedes={kenya}").text
    assert f'name="supersedes" value="{kenya}" checked' in form
    assert f'name="supersedes" value="{india}">' in form
    assert "Kenya" in form and "co-sponsored by Brazil" in form and "India" in form

    compromise = compromise_id(propose(chair, [kenya, india]))
    assert status_of(db, kenya) == ("superseded", compromise)
    assert status_of(db, india) == ("superseded", compromise)
    stored = q(db).get(Amendment, compromise)
    assert stored is not None and stored.compromise and stored.delegation_id is None
    assert stored.status == "proposed" and stored.text == COMPROMISE_TEXT

    page = chair.get(amendment_url(compromise)).text
    assert f"Compromise {compromise}" in page and "The chair, as a compromise" in page
    assert "Amendments this compromise supersedes" in page
    for superseded in (kenya, india):
        assert f'href="{amendment_url(superseded)}"' in page
    assert "Kenya" in page and "Brazil" in page and "India" in page

    superseded_page = browsers("ken.head").get(amendment_url(kenya)).text
    assert f'<a href="{amendment_url(compromise)}">Superseded by compromise #{compromise}</a>' in superseded_page
    assert "Superseded by a compromise" in superseded_page  # the status, in words
    assert "Withdraw this amendment" not in superseded_page

    listed = chair.get(f"{D}/amendments?status=superseded").text
    assert f"Superseded by compromise #{compromise}" in listed and "2 amendments" in listed

    events = q(db).execute(select(AuditEvent).where(AuditEvent.action.like("amendment.%"))).scalars().all()  # type: ignore[attr-defined]
    made = [e for e in events if e.action == "amendment.compromise"]
    assert len(made) == 1 and json.loads(made[0].details)["supersedes"] == [kenya, india]
    assert sorted(int(e.object_id) for e in events if e.action == "amendment.supersede") == [kenya, india]


def test_an_accepted_compromise_is_consolidated_and_what_it_superseded_is_not(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    chair = browsers("chair")
    compromise = compromise_id(propose(chair, [kenya, india]))
    assert decide(chair, kenya, "accepted").status_code == 409
    assert decide(chair, compromise, "accepted").status_code == 303
    assert consolidate(browsers("secretariat")).status_code == 303
    version = q(db).execute(select(Version).where(Version.number == 2)).scalar_one()
    text = (
        q(db).execute(select(Clause.text).where(Clause.version_id == version.id, Clause.number == NUMBER)).scalar_one()
    )
    assert text == COMPROMISE_TEXT
    assert q(db).get(Amendment, compromise).applied_in_version_id == version.id  # type: ignore[union-attr]
    for superseded in (kenya, india):
        stored = q(db).get(Amendment, superseded)
        assert stored is not None and stored.status == "superseded" and stored.applied_in_version_id is None


def test_a_compromise_and_another_accepted_amendment_on_its_clause_are_a_conflict(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    chair = browsers("chair")
    compromise = compromise_id(propose(chair, [kenya]))
    assert decide(chair, compromise, "accepted").status_code == 303
    assert decide(chair, india, "accepted").status_code == 303
    refused = consolidate(browsers("secretariat"))
    assert refused.status_code == 409
    assert f'<a href="{amendment_url(compromise)}">{compromise}</a>' in refused.text
    assert f'<a href="{amendment_url(india)}">{india}</a>' in refused.text


def test_a_rejected_compromise_gives_the_superseded_amendments_back_and_reopening_sets_them_aside_again(
    browsers, db: Session
) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    chair = browsers("chair")
    compromise = compromise_id(propose(chair, [kenya, india]))
    assert decide(chair, compromise, "rejected", "No agreement on 48 hours.").status_code == 303
    assert status_of(db, kenya) == ("proposed", compromise)
    assert status_of(db, india) == ("proposed", compromise)
    restored = q(db).execute(select(AuditEvent).where(AuditEvent.action == "amendment.restore")).scalars().all()
    assert sorted(int(e.object_id) for e in restored) == [kenya, india]
    assert all(json.loads(e.details)["because"] == "rejected" for e in restored)
    page = browsers("ken.head").get(amendment_url(kenya)).text
    assert f"Was superseded by compromise #{compromise}, since rejected or withdrawn" in page
    assert "Withdraw this amendment" in page

    # India withdraws meanwhile; reopening the compromise sets aside only what is still proposed.
    assert (
        post_form(browsers("ind.head"), f"{amendment_url(india)}/withdraw", {}, page=amendment_url(india)).status_code
        == 303
    )
    reopened = post_form(
        chair, f"{amendment_url(compromise)}/reopen", {"reason": "Talks resumed."}, page=amendment_url(compromise)
    )
    assert reopened.status_code == 303
    assert status_of(db, compromise)[0] == "proposed"
    assert status_of(db, kenya) == ("superseded", compromise)
    assert status_of(db, india)[0] == "withdrawn"


def test_a_withdrawn_compromise_gives_them_back_too(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    compromise = compromise_id(propose(browsers("secretariat"), [kenya, india]))
    made = q(db).execute(select(AuditEvent).where(AuditEvent.action == "amendment.compromise")).scalar_one()
    assert json.loads(made.details)["for_the_chair"] is True
    assert "Withdraw this compromise" not in browsers("ken.head").get(amendment_url(compromise)).text
    assert (
        post_form(
            browsers("ken.head"), f"{amendment_url(compromise)}/withdraw", {}, page=amendment_url(compromise)
        ).status_code
        == 403
    )
    chair = browsers("chair")
    assert "Withdraw this compromise" in chair.get(amendment_url(compromise)).text
    assert (
        post_form(chair, f"{amendment_url(compromise)}/withdraw", {}, page=amendment_url(compromise)).status_code == 303
    )
    assert status_of(db, compromise)[0] == "withdrawn"
    assert status_of(db, kenya)[0] == "proposed" and status_of(db, india)[0] == "proposed"


@pytest.mark.parametrize("name", ["ken.head", "ken.delegate", "observer"])
def test_delegates_and_observers_do_not_propose_compromises(browsers, db: Session, name: str) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    client = browsers(name)
    assert "Propose a compromise" not in client.get(clause_url(NUMBER)).text
    assert client.get(new_url()).status_code == 403
    token = csrf_token(client, clause_url(NUMBER))
    refused = client.post(
        clause_url(NUMBER) + "/compromises",
        data={"_csrf_token": token, "text": COMPROMISE_TEXT, "supersedes": str(kenya)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert status_of(db, kenya) == ("proposed", None) and status_of(db, india) == ("proposed", None)


def test_superseding_an_amendment_of_another_clause_or_a_decided_one_is_refused_naming_it(
    browsers, db: Session
) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    elsewhere = amendments.propose(
        db, who(db, "jpn.head@demo.example"), G, "declaration", "4.1", amendments.AmendmentInput("delete")
    )
    chair = browsers("chair")
    refused = propose(chair, [kenya, elsewhere])
    assert refused.status_code == 422
    assert f"Amendment {elsewhere} is on another clause" in refused.text
    assert 'aria-describedby="supersedes-error"' in refused.text and COMPROMISE_TEXT in refused.text
    assert "<ins" in refused.text  # the difference the compromise would make, shown again
    assert decide(chair, india, "rejected", "Too long.").status_code == 303
    refused = propose(chair, [kenya, india])
    assert (
        refused.status_code == 422
        and f"Amendment {india} is rejected: only proposed amendments can be superseded." in refused.text
    )
    nothing = propose(chair, [])
    assert nothing.status_code == 422 and "at least one" in nothing.text
    unknown = propose(chair, [kenya, 999_999])
    assert unknown.status_code == 422 and "There is no amendment 999999" in unknown.text
    assert status_of(db, kenya) == ("proposed", None)
    assert q(db).execute(select(Amendment).where(Amendment.compromise)).first() is None  # type: ignore[arg-type]


def test_an_amendment_under_an_open_round_is_not_superseded(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    chair = who(db, "chair@demo.example")
    round_id = voting.create_round(
        db,
        chair,
        G,
        voting.RoundInput(document="declaration", title="On Kenya's text", rule="simple_majority", amendment=kenya),
    )
    voting.open_round(db, chair, G, round_id)
    assert f'href="{new_url()}?supersedes={kenya}"' not in browsers("chair").get(amendment_url(kenya)).text
    assert f'href="{new_url()}?supersedes={india}"' in browsers("chair").get(amendment_url(india)).text
    refused = propose(browsers("chair"), [kenya, india])
    assert refused.status_code == 422
    assert (
        f"A round on amendment {kenya} is open: close or cancel it before a compromise supersedes it." in refused.text
    )
    assert status_of(db, india) == ("proposed", None)


def test_the_amendment_list_offers_the_chair_a_compromise_on_each_contested_clause(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, _india = competing(db)
    link = f'href="{new_url()}?supersedes={kenya}"'
    assert link in browsers("chair").get(f"{D}/amendments").text
    assert link in browsers("secretariat").get(f"{D}/amendments").text
    assert link not in browsers("ken.head").get(f"{D}/amendments").text
    assert link in browsers("chair").get(amendment_url(kenya)).text


def test_the_chair_reopens_a_rejected_amendment(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, _india = competing(db)
    chair = browsers("chair")
    assert decide(chair, kenya, "rejected", "Too short a delay.").status_code == 303
    page = chair.get(amendment_url(kenya)).text
    assert f"Reopen amendment {kenya}" in page
    url = amendment_url(kenya)
    assert post_form(browsers("secretariat"), f"{url}/reopen", {}, page=url).status_code == 403
    assert post_form(chair, f"{url}/reopen", {"reason": "New proposal."}, page=url).status_code == 303
    stored = q(db).get(Amendment, kenya)
    assert stored is not None and stored.status == "proposed" and stored.decision_reason == ""
    event = q(db).execute(select(AuditEvent).where(AuditEvent.action == "amendment.reopen")).scalar_one()
    assert json.loads(event.details)["undone"]["decision"] == "rejected"


def test_the_api_proposes_a_compromise_and_shows_who_it_supersedes(api, db: Session) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    path = f"/api/v1/groups/{G}/documents/declaration/compromises"
    body = {"clause": NUMBER, "text": COMPROMISE_TEXT, "rationale": "Middle ground.", "supersedes": [kenya, india]}
    assert api("ken.head").post(path, body).status_code == 403
    assert api("observer").post(path, body).status_code == 403
    made = api("chair").post(path, body)
    assert made.status_code == 201, made.text
    compromise = made.json()
    assert compromise["compromise"] is True and compromise["delegation"] is None
    assert compromise["status"] == "proposed" and compromise["kind"] == "replace"
    assert compromise["supersedes"] == [kenya, india] and compromise["clause"] == NUMBER
    superseded = api("ken.head").get(f"/api/v1/amendments/{kenya}").json()
    assert superseded["status"] == "superseded" and superseded["superseded_by"] == compromise["id"]
    assert superseded["delegation"] == "KEN" and superseded["sponsors"] == ["BRA"] and superseded["compromise"] is False
    listed = api("chair").get(f"/api/v1/groups/{G}/documents/declaration/amendments?status=superseded").json()
    assert sorted(a["id"] for a in listed) == [kenya, india]

    again = api("chair").post(path, body)
    assert again.status_code == 422
    assert [e["field"] for e in again.json()["errors"]] == ["supersedes"]
    assert "is superseded by a compromise" in again.json()["errors"][0]["message"]
    slipped = api("chair").post(path, {**body, "delegation": "KEN"})
    assert slipped.status_code == 422 and "delegation" in slipped.text
    other = api("chair").post(path, {**body, "clause": "99.9"})
    assert other.status_code == 404

    rejected = api("chair").post(
        f"/api/v1/amendments/{compromise['id']}/decision", {"decision": "rejected", "reason": "No."}
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert api("chair").get(f"/api/v1/amendments/{kenya}").json()["status"] == "proposed"
    reopened = api("chair").post(f"/api/v1/amendments/{compromise['id']}/reopen", {"reason": "Again."})
    assert reopened.status_code == 200 and reopened.json()["status"] == "proposed"
    assert api("chair").get(f"/api/v1/amendments/{kenya}").json()["status"] == "superseded"


def test_the_schema_documents_the_compromise_route(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/schema/openapi.json").json()
    operation = schema["paths"]["/api/v1/groups/{group}/documents/{document}/compromises"]["post"]
    assert "supersedes" in json.dumps(schema["components"]["schemas"]) and operation["responses"]["201"]


def test_in_the_word_files_a_compromise_is_on_the_chairs_account_and_what_it_superseded_is_not_pending(
    browsers, db: Session
) -> None:  # type: ignore[no-untyped-def]
    kenya, india = competing(db)
    chair = browsers("chair")
    compromise = compromise_id(propose(chair, [kenya, india]))
    pending = chair.get(f"{D}/versions/1/amendments.docx")
    assert pending.status_code == 200
    assert {e.get(w("author")) for e in revisions(pending.content)} == {"Chair"}
    comments = etree.fromstring(part(pending.content, "word/comments.xml"))
    notes = ["".join(t.text or "" for t in c.iter(w("t"))) for c in comments.iter(w("comment"))]
    assert len(notes) == 1 and notes[0].startswith(f"Compromise {compromise} by the chair")

    assert decide(chair, compromise, "accepted").status_code == 303
    assert consolidate(browsers("secretariat")).status_code == 303
    compared = chair.get(f"{D}/compare.docx?from=1&to=2")
    assert compared.status_code == 200
    assert "Chair" in {e.get(w("author")) for e in revisions(compared.content)}
