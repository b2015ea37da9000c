"""Amendments through HTTP: proposing with a diff preview, co-sponsoring, withdrawing, deciding, lists."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import Amendment, AmendmentSponsor, Clause
from tests.conftest import D, clause_url, csrf_token, post_form, q

NEW_TEXT = (
    "States should adopt or maintain legal and technical frameworks for the protection of personal data "
    "that ensure lawful, fair and proportionate processing."
)


def propose(client, number: str = "3.2", version: int = 1, **fields: str):  # type: ignore[no-untyped-def]
    data = {"kind": "replace", "text": NEW_TEXT, "rationale": "Align with data protection practice.", **fields}
    return post_form(client, f"{clause_url(number, version)}/amendments", data, page=D)


def amendment_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def count(db: Session) -> int:
    return q(db).execute(select(func.count()).select_from(Amendment)).scalar_one()


def test_a_delegation_proposes_a_replacement_and_sees_the_word_diff(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    form = ken.get(f"{clause_url('3.2')}/amendments/new")
    assert form.status_code == 200 and "Current text of clause 3.2" in form.text
    new_id = amendment_id(propose(ken))
    page = ken.get(f"/groups/oewg-ict/amendments/{new_id}").text
    assert "Proposed" in page and "Kenya" in page and "Align with data protection practice." in page
    assert re.search(r"<ins><span class=\"visually-hidden\">\[inserted: </span>[^<]*fair", page)
    assert "<del>" in page
    stored = q(db).get(Amendment, new_id)
    assert stored is not None and stored.status == "proposed" and stored.kind == "replace"


def test_the_preview_shows_the_diff_while_typing_and_without_javascript(browsers) -> None:  # type: ignore[no-untyped-def]
    ken = browsers("ken.head")
    token = csrf_token(ken, D)
    preview_url = f"{clause_url('3.2')}/amendments/preview"
    fragment = ken.post(
        preview_url, data={"kind": "replace", "text": NEW_TEXT, "_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<div id="diff-preview"')
    assert "<ins>" in fragment.text and "<del>" in fragment.text and "<html" not in fragment.text
    page = ken.post(preview_url, data={"kind": "insert", "text": "A brand new clause.", "_csrf_token": token})
    assert "<html" in page.text and "insert a new clause after clause 3.2" in page.text
    assert "A brand new clause." in page.text


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"text": ""}, "text", "The amended text is empty"),
        ({"kind": "insert", "text": ""}, "text", "The amended text is empty"),
        ({"kind": "delete", "text": "Some text"}, "text", "A deletion takes no text"),
        ({"kind": "rewrite"}, "kind", "The kind of amendment must be one of"),
        ({"text": "x" * 20_001}, "text", "is too long"),
        ({"rationale": "y" * 10_001}, "rationale", "The rationale is too long"),
    ],
)
def test_bad_amendments_are_named_and_nothing_is_written(browsers, db: Session, fields, field, says) -> None:  # type: ignore[no-untyped-def]
    response = propose(browsers("ken.head"), **fields)
    assert response.status_code == 422
    assert says in response.text
    assert count(db) == 0


def test_a_replacement_identical_to_the_current_text_is_refused(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    current = q(db).execute(select(Clause.text).where(Clause.number == "3.2")).scalar_one()
    response = propose(browsers("ken.head"), text=current)
    assert response.status_code == 422 and "the same as the current text" in response.text
    assert count(db) == 0


def test_an_amendment_to_a_clause_that_does_not_exist_is_a_404(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert propose(browsers("ken.head"), number="42").status_code == 404
    assert count(db) == 0


@pytest.mark.parametrize("account", ["chair", "secretariat", "observer"])
def test_only_delegates_propose(browsers, db: Session, account: str) -> None:  # type: ignore[no-untyped-def]
    client = browsers(account)
    assert client.get(f"{clause_url('3.2')}/amendments/new").status_code == 403
    assert propose(client).status_code == 403
    assert count(db) == 0


def test_other_delegations_co_sponsor_and_the_proposer_cannot(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    new_id = amendment_id(propose(browsers("ken.head")))
    url = f"/groups/oewg-ict/amendments/{new_id}/cosponsor"
    for account in ("ind.head", "bra.head", "ind.delegate"):
        assert post_form(browsers(account), url, {"action": "join"}, page=D).status_code == 303
    sponsors = q(db).execute(select(func.count()).select_from(AmendmentSponsor)).scalar_one()
    assert sponsors == 2  # India twice (head and delegate) is still India once
    own = post_form(browsers("ken.delegate"), url, {"action": "join"}, page=D)
    assert own.status_code == 409 and "cannot also co-sponsor" in own.text
    page = browsers("chair").get(f"/groups/oewg-ict/amendments/{new_id}").text
    assert "Brazil, India" in page
    assert post_form(browsers("bra.head"), url, {"action": "leave"}, page=D).status_code == 303
    assert (
        "Brazil"
        not in browsers("chair")
        .get(f"/groups/oewg-ict/amendments/{new_id}")
        .text.split("Co-sponsors", 1)[1]
        .split("</dd>", 1)[0]
    )


def test_only_the_proposing_delegation_withdraws(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    new_id = amendment_id(propose(browsers("ken.head")))
    url = f"/groups/oewg-ict/amendments/{new_id}/withdraw"
    refused = post_form(browsers("ind.head"), url, {}, page=D)
    assert refused.status_code == 403 and "Only the proposing delegation" in refused.text
    assert post_form(browsers("ken.delegate"), url, {}, page=D).status_code == 303
    assert q(db).get(Amendment, new_id).status == "withdrawn"  # type: ignore[union-attr]
    late = post_form(
        browsers("chair"), f"/groups/oewg-ict/amendments/{new_id}/decision", {"decision": "accepted"}, page=D
    )
    assert late.status_code == 409 and "withdrawn" in late.text


@pytest.mark.parametrize("account", ["secretariat", "ken.head", "ind.head", "observer"])
def test_only_the_chair_decides(browsers, db: Session, account: str) -> None:  # type: ignore[no-untyped-def]
    new_id = amendment_id(propose(browsers("ken.head")))
    refused = post_form(
        browsers(account), f"/groups/oewg-ict/amendments/{new_id}/decision", {"decision": "accepted"}, page=D
    )
    assert refused.status_code == 403
    assert q(db).get(Amendment, new_id).status == "proposed"  # type: ignore[union-attr]


def test_the_chair_accepts_or_rejects_with_a_reason(browsers, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = amendment_id(propose(browsers("ken.head")))
    second = amendment_id(propose(browsers("ind.head"), number="4.1", kind="delete", text=""))
    chair = browsers("chair")
    no_reason = post_form(
        chair, f"/groups/oewg-ict/amendments/{second}/decision", {"decision": "rejected", "reason": ""}, page=D
    )
    assert no_reason.status_code == 422 and "The reason is empty" in no_reason.text
    assert (
        post_form(
            chair,
            f"/groups/oewg-ict/amendments/{first}/decision",
            {"decision": "accepted", "reason": "Agreed in informals."},
            page=D,
        ).status_code
        == 303
    )
    assert (
        post_form(
            chair,
            f"/groups/oewg-ict/amendments/{second}/decision",
            {"decision": "rejected", "reason": "No support."},
            page=D,
        ).status_code
        == 303
    )
    assert q(db).get(Amendment, first).status == "accepted"  # type: ignore[union-attr]
    page = browsers("ind.head").get(f"/groups/oewg-ict/amendments/{second}").text
    assert "Rejected" in page and "No support." in page
    twice = post_form(
        chair,
        f"/groups/oewg-ict/amendments/{first}/decision",
        {"decision": "rejected", "reason": "Changed mind."},
        page=D,
    )
    assert twice.status_code == 409


def test_lists_filter_by_status_delegation_and_clause(browsers) -> None:  # type: ignore[no-untyped-def]
    ken, ind = browsers("ken.head"), browsers("ind.head")
    a = amendment_id(propose(ken))
    b = amendment_id(propose(ind, number="4.1", kind="insert", text="New paragraph on CERT contacts."))
    amendment_id(propose(ind, number="5.1", kind="delete", text=""))
    post_form(browsers("chair"), f"/groups/oewg-ict/amendments/{b}/decision", {"decision": "accepted"}, page=D)

    def listed(query: str) -> list[int]:
        page = ken.get(f"{D}/amendments?{query}")
        assert page.status_code == 200
        return [int(i) for i in re.findall(r'id="amendment-(\d+)-title"', page.text)]

    assert listed("") == [a, b, b + 1]
    assert listed("status=accepted") == [b]
    assert listed("delegation=IND") == [b, b + 1]
    assert listed("clause=3.2") == [a]
    assert listed("status=proposed&delegation=KEN") == [a]
    assert ken.get(f"{D}/amendments?status=maybe").status_code == 422
    clause_page = ken.get(clause_url("4.1")).text
    assert f'href="/groups/oewg-ict/amendments/{b}"' in clause_page
    assert re.search(r"1 amendment proposed", ken.get(D).text)  # 3.2 and 5.1 proposed, 4.1 decided


def test_typed_html_in_amendments_stays_text_in_pages_and_fragments(browsers) -> None:  # type: ignore[no-untyped-def]
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    ken = browsers("ken.head")
    new_id = amendment_id(propose(ken, text=f"States should {hostile} cooperate.", rationale=hostile, heading=hostile))
    token = csrf_token(ken, D)
    fragment = ken.post(
        f"{clause_url('3.2')}/amendments/preview",
        data={"kind": "replace", "text": hostile, "_csrf_token": token},
        headers={"HX-Request": "true"},
    ).text
    for text in [ken.get(f"/groups/oewg-ict/amendments/{new_id}").text, ken.get(f"{D}/amendments").text, fragment]:
        assert "<script>alert(2)" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text
    thread = ken.get(clause_url("3.2"), headers={"HX-Request": "true"}).text
    assert "<script" not in thread
