"""The pages of a document in preparation, without JavaScript: the form, the preview that corrects
the clauses before anything is saved, the save, editing in place, circulating."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from consensus.models import Document
from tests.conftest import csrf_token, login, post_form

NEW = "/groups/oewg-ict/documents/new"
PAGE = "/groups/oewg-ict/documents/capacity"
PASTED = "Draft principles\n\n1. Purpose\nStates cooperate.\n\nThey share.\n\n2. Scope\nEvery State.\n"


@pytest.fixture
def secretariat(client: TestClient) -> TestClient:
    assert login(client, "secretariat@demo.example").status_code == 303
    return client


def submit(client: TestClient, data: dict[str, str]) -> Any:
    """POST the new-document form as a browser does (multipart)."""
    fields = {"_csrf_token": csrf_token(client, NEW), **data}
    return client.post(NEW, files={k: (None, v) for k, v in fields.items()}, follow_redirects=False)


def carried(page: str) -> dict[str, Any]:
    """The draft the preview carries in its hidden field."""
    match = re.search(r'name="draft" value="([^"]*)"', page)
    assert match, "no draft carried"
    value: dict[str, Any] = json.loads(unescape(match.group(1)))
    return value


def preview_step(client: TestClient, page: str, op: str, **extra: str) -> Any:
    draft = carried(page)
    data = {"slug": "capacity", "language": "en", "title": "Draft principles", "draft": json.dumps(draft), "op": op}
    for i, clause in enumerate(draft["clauses"]):
        data[f"number-{i}"], data[f"heading-{i}"] = clause["number"], clause["heading"]
    return submit(client, {**data, **extra})


def count_documents(db: Session) -> int:
    return db.execute(select(func.count()).select_from(Document)).scalar_one()


def test_the_group_page_offers_a_new_document_to_the_secretariat_only(secretariat: TestClient, make_client) -> None:  # type: ignore[no-untyped-def]
    assert NEW in secretariat.get("/groups/oewg-ict").text
    chair = make_client()
    login(chair, "chair@demo.example")
    assert NEW not in chair.get("/groups/oewg-ict").text
    assert chair.get(NEW).status_code == 403


def test_the_preview_lists_the_clauses_and_saves_nothing(secretariat: TestClient, db: Session) -> None:
    before = count_documents(db)
    response = submit(secretariat, {"slug": "capacity", "language": "en", "text": PASTED})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert [c["number"] for c in carried(response.text)["clauses"]] == ["1", "2"]
    assert "Merge with the next clause" in response.text
    assert count_documents(db) == before


def test_corrections_in_the_preview_then_save(secretariat: TestClient, db: Session) -> None:
    first = submit(secretariat, {"slug": "capacity", "language": "en", "text": PASTED})
    split = preview_step(secretariat, first.text, "split-0", **{"paragraph-0": "1"})
    assert [c["text"] for c in carried(split.text)["clauses"]][:2] == ["States cooperate.", "They share."]
    merged = preview_step(secretariat, split.text, "merge-0")
    assert len(carried(merged.text)["clauses"]) == 2
    renamed = preview_step(secretariat, merged.text, "renumber", **{"heading-1": "Who"})
    assert carried(renamed.text)["clauses"][1]["heading"] == "Who"
    saved = preview_step(secretariat, renamed.text, "save", **{"heading-1": "Who"})
    assert saved.status_code == 303 and saved.headers["location"] == PAGE
    page = secretariat.get(PAGE)
    assert "In preparation" in page.text and "Who" in page.text


def test_the_save_checks_the_limits_again(secretariat: TestClient, db: Session) -> None:
    first = submit(secretariat, {"slug": "capacity", "language": "en", "text": PASTED})
    before = count_documents(db)
    twice = preview_step(secretariat, first.text, "save", **{"number-1": "1"})
    assert twice.status_code == 422
    assert "used twice" in twice.text
    assert count_documents(db) == before
    forged = preview_step(secretariat, first.text, "save", draft=json.dumps({"clauses": [{"number": "1"}]}))
    assert forged.status_code == 422 and count_documents(db) == before


def test_an_empty_form_says_what_is_missing(secretariat: TestClient) -> None:
    response = submit(secretariat, {"slug": "capacity", "language": "en", "text": ""})
    assert response.status_code == 422
    assert "Paste the text" in response.text


def saved(secretariat: TestClient) -> None:
    first = submit(secretariat, {"slug": "capacity", "language": "en", "text": PASTED})
    assert preview_step(secretariat, first.text, "save").status_code == 303


def test_each_clause_is_edited_moved_added_and_deleted_in_place(secretariat: TestClient) -> None:
    saved(secretariat)
    clause = f"{PAGE}/draft/clauses"
    edit = post_form(
        secretariat, f"{clause}/0", {"number": "1", "heading": "Aim", "text": "States work together."}, PAGE
    )
    assert edit.status_code == 303
    assert post_form(secretariat, f"{clause}/1", {"op": "up"}, PAGE).status_code == 303
    assert post_form(secretariat, f"{clause}/1", {"op": "insert"}, PAGE).status_code == 303
    page = secretariat.get(PAGE).text
    assert page.index("Every State.") < page.index("States work together.") < page.index("New clause")
    assert post_form(secretariat, f"{clause}/2", {"op": "delete"}, PAGE).status_code == 303
    assert "New clause" not in secretariat.get(PAGE).text
    details = post_form(secretariat, f"{PAGE}/draft", {"title": "Principles", "language": "fr"}, PAGE)
    assert details.status_code == 303
    assert '<h1 id="document-title" lang="fr">Principles</h1>' in secretariat.get(PAGE).text


def test_htmx_gets_the_clause_back_and_a_bad_edit_names_the_field(secretariat: TestClient) -> None:
    saved(secretariat)
    token = csrf_token(secretariat, PAGE)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    swapped = secretariat.post(
        f"{PAGE}/draft/clauses/0", data={"number": "1", "heading": "", "text": "New words."}, headers=headers
    )
    assert swapped.status_code == 200
    assert swapped.text.lstrip().startswith('<li class="draft-clause" id="draft-clause-0">')
    bad = secretariat.post(f"{PAGE}/draft/clauses/0", data={"number": "2", "text": "x"}, headers=headers)
    assert bad.status_code == 422 and "used twice" in bad.text


def test_circulating_needs_the_box_ticked_and_then_opens_the_document(secretariat: TestClient, make_client) -> None:  # type: ignore[no-untyped-def]
    saved(secretariat)
    unticked = post_form(secretariat, f"{PAGE}/circulate", {}, PAGE)
    assert unticked.status_code == 422 and "Tick the box" in unticked.text
    ticked = post_form(secretariat, f"{PAGE}/circulate", {"confirm": "on"}, PAGE)
    assert ticked.status_code == 303
    delegate = make_client()
    login(delegate, "ken.head@demo.example")
    assert delegate.get(PAGE).status_code == 200
    again = post_form(secretariat, f"{PAGE}/draft/clauses/0", {"number": "1", "text": "Changed."}, PAGE)
    assert again.status_code == 409


def test_the_chair_reads_a_document_in_preparation_without_forms(secretariat: TestClient, make_client) -> None:  # type: ignore[no-untyped-def]
    saved(secretariat)
    chair = make_client()
    login(chair, "chair@demo.example")
    page = chair.get(PAGE)
    assert page.status_code == 200 and "States cooperate." in page.text
    assert "/draft/clauses/0" not in page.text and "Circulate the document" not in page.text
