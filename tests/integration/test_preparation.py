"""Documents in preparation over HTTP: created from pasted text or a file, seen only by the
secretariat and the chair, edited in place, circulated once; refusals of everything else."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import Session

from consensus.accounts.services import create_api_token
from consensus.audit.services import Actor
from consensus.core.groupfile import check_group_file
from consensus.groups.services import load_group_file
from consensus.models import AuditEvent, Document

GROUP = "/api/v1/groups/oewg-ict"
IMPORT = f"{GROUP}/documents/import"
DRAFT = f"{GROUP}/documents/capacity"

PASTED = """Draft principles on capacity building

1. Purpose
States cooperate to build the capacity of national CERTs.

2. Scope
These principles apply to every State.

They apply to regional organisations too.

3. Review
The group reviews these principles every two years.
"""


@pytest.fixture
def token(db: Session):  # type: ignore[no-untyped-def]
    """A bearer token for a demo account (or the other group's chair): ``token("chair")``."""
    other = check_group_file(
        {
            "group": {"slug": "other", "name": "Another group"},
            "delegations": [{"code": "ZZZ", "name": "Elsewhere"}],
            "users": [{"email": "outsider@other.example", "name": "Outsider", "role": "chair"}],
        }
    )
    load_group_file(db, other, Actor.command_line(), "test")
    made: dict[str, str] = {}

    def get(name: str) -> dict[str, str]:
        email = "outsider@other.example" if name == "outsider" else f"{name}@demo.example"
        if name not in made:
            made[name] = create_api_token(db, email)
        return {"Authorization": f"Bearer {made[name]}"}

    return get


def fields_at_fault(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def create(client: TestClient, headers: dict[str, str], **fields: Any) -> Any:
    """POST the import form as multipart (as ``curl -F`` does), with a file when ``files`` is given."""
    data = {"slug": "capacity", "language": "en", "text": PASTED, **fields}
    files = {name: (None, value) for name, value in data.items() if name != "files"} | data.get("files", {})
    return client.post(IMPORT, files=files, headers=headers)


def test_the_secretariat_creates_a_document_in_preparation_from_pasted_text(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    response = create(client, token("secretariat"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "capacity"
    assert body["title"] == "Draft principles on capacity building"
    assert body["status"] == "preparation"
    assert [(c["number"], c["heading"]) for c in body["clauses"]] == [
        ("1", "Purpose"),
        ("2", "Scope"),
        ("3", "Review"),
    ]
    assert (
        body["clauses"][1]["text"]
        == "These principles apply to every State.\n\nThey apply to regional organisations too."
    )
    again = client.get(DRAFT, headers=token("secretariat")).json()
    assert again["clauses"] == body["clauses"] and again["status"] == "preparation"


def test_an_uploaded_markdown_file_makes_a_document_too(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    markdown = b"# Draft on trust\n\n## 1. Dialogue\n\nStates talk.\n\n## 2. Transparency\n\nStates publish.\n"
    response = create(
        client, token("secretariat"), slug="trust", text="", files={"file": ("trust.md", markdown, "text/markdown")}
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Draft on trust"
    assert [c["number"] for c in response.json()["clauses"]] == ["1", "2"]


def test_a_given_title_replaces_the_one_found(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    response = create(client, token("secretariat"), title="Capacity principles")
    assert response.json()["title"] == "Capacity principles"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "declaration"}, "slug"),
        ({"slug": "import"}, "slug"),
        ({"language": "not a language"}, "language"),
        ({"text": ""}, "text"),
        ({"title": "T" * 301}, "title"),
        ({"text": "1. " + "word " * 5000}, "clauses.0.text"),
        ({"text": "", "files": {"file": ("draft.pdf", b"%PDF-1.4", "application/pdf")}}, "file"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(  # type: ignore[no-untyped-def]
    client: TestClient, db: Session, token, fields: dict[str, Any], field: str
) -> None:
    response = create(client, token("secretariat"), **fields)
    assert response.status_code == 422, response.text
    assert field in fields_at_fault(response), response.json()
    slug = fields.get("slug", "capacity")
    created = db.execute(select(Document).where(Document.slug == slug, Document.status == "preparation")).first()
    assert created is None


@pytest.mark.parametrize("who", ["ken.head", "ken.delegate", "observer", "chair"])
def test_only_the_secretariat_creates_documents(client: TestClient, token, who: str) -> None:  # type: ignore[no-untyped-def]
    assert create(client, token(who)).status_code == 403


def test_a_document_in_preparation_is_not_there_for_delegates_observers_and_other_groups(  # type: ignore[no-untyped-def]
    client: TestClient, token
) -> None:
    assert create(client, token("secretariat")).status_code == 201
    assert client.get(DRAFT, headers=token("chair")).status_code == 200
    for who in ("ken.head", "ken.delegate", "observer"):
        headers = token(who)
        for path in (
            DRAFT,
            f"{DRAFT}/agreement",
            f"{DRAFT}/compare?from=1&to=1",
            f"{DRAFT}/comments",
            f"{DRAFT}/amendments",
        ):
            assert client.get(path, headers=headers).status_code == 404, (who, path)
    assert client.get("/api/v1/groups/other/documents/capacity", headers=token("outsider")).status_code == 404
    assert client.get(DRAFT, headers=token("outsider")).status_code == 404


def test_pages_of_a_document_in_preparation_are_404_to_delegates_and_absent_from_their_lists(  # type: ignore[no-untyped-def]
    client: TestClient, make_client, token
) -> None:
    from tests.conftest import login

    assert create(client, token("secretariat")).status_code == 201
    delegate = make_client()
    login(delegate, "ken.head@demo.example")
    base = "/groups/oewg-ict/documents/capacity"
    for path in (base, f"{base}/versions", f"{base}/comments", f"{base}/agreement", f"{base}/clauses/1"):
        assert delegate.get(path).status_code == 404, path
    assert "Draft principles on capacity building" not in delegate.get("/groups/oewg-ict").text
    assert "Draft principles on capacity building" not in delegate.get("/").text
    assert "documents/capacity" not in delegate.get("/groups/oewg-ict").text
    secretariat = make_client()
    login(secretariat, "secretariat@demo.example")
    assert "Draft principles on capacity building" in secretariat.get("/groups/oewg-ict").text


def test_comments_amendments_positions_and_rounds_are_refused_in_preparation(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    assert create(client, token("secretariat")).status_code == 201
    chair, secretariat = token("chair"), token("secretariat")
    refused = [
        client.post(f"{DRAFT}/clauses/1/comments", json={"body": "Too early."}, headers=chair),
        client.post(f"{DRAFT}/clauses/1/comments", json={"body": "Too early."}, headers=secretariat),
        client.put(f"{DRAFT}/clauses/1/status", json={"status": "agreed_ad_ref"}, headers=chair),
        client.post(
            f"{GROUP}/rounds", json={"document": "capacity", "title": "Early", "rule": "consensus"}, headers=chair
        ),
        client.post(f"{DRAFT}/versions/1/adopt", json={"override_reason": "Impatient."}, headers=chair),
    ]
    for response in refused:
        assert response.status_code == 409, response.text
        assert "in preparation" in response.json()["detail"]


def test_the_whole_text_is_replaced_in_place_and_audited(client: TestClient, db: Session, token) -> None:  # type: ignore[no-untyped-def]
    assert create(client, token("secretariat")).status_code == 201
    text = {
        "title": "Principles on capacity building",
        "language": "fr",
        "clauses": [
            {"number": "1", "heading": "Scope", "text": "These principles apply to every State."},
            {"number": "2", "heading": "Purpose", "text": "States cooperate."},
        ],
    }
    response = client.put(DRAFT, json=text, headers=token("secretariat"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == text["title"] and body["language"] == "fr"
    assert [(c["number"], c["heading"], c["text"]) for c in body["clauses"]] == [
        ("1", "Scope", "These principles apply to every State."),
        ("2", "Purpose", "States cooperate."),
    ]
    actions = db.execute(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(2)).scalars().all()
    assert actions == ["document.replace", "document.create"]


@pytest.mark.parametrize(
    ("clauses", "field"),
    [
        ([{"number": "1", "text": "A."}, {"number": "1", "text": "B."}], "clauses.1.number"),
        ([{"number": "1", "text": ""}], "clauses.0.text"),
        ([{"number": "", "text": "A."}], "clauses.0.number"),
        ([{"number": "1", "heading": "H" * 301, "text": "A."}], "clauses.0.heading"),
        ([], "clauses"),
    ],
)
def test_a_replacement_that_breaks_a_limit_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    client: TestClient, token, clauses: list[dict[str, str]], field: str
) -> None:
    assert create(client, token("secretariat")).status_code == 201
    response = client.put(DRAFT, json={"title": "T", "clauses": clauses}, headers=token("secretariat"))
    assert response.status_code == 422
    assert field in fields_at_fault(response)
    assert len(client.get(DRAFT, headers=token("secretariat")).json()["clauses"]) == 3


def test_the_chair_reads_but_does_not_edit_or_circulate(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    assert create(client, token("secretariat")).status_code == 201
    chair = token("chair")
    assert client.put(DRAFT, json={"title": "T", "clauses": []}, headers=chair).status_code == 403
    assert client.post(f"{DRAFT}/circulate", headers=chair).status_code == 403


def test_circulating_opens_the_document_to_everyone_once(client: TestClient, db: Session, token) -> None:  # type: ignore[no-untyped-def]
    assert create(client, token("secretariat")).status_code == 201
    response = client.post(f"{DRAFT}/circulate", headers=token("secretariat"))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "open" and response.json()["version"] == 1
    assert client.post(f"{DRAFT}/circulate", headers=token("secretariat")).status_code == 409
    seen = client.get(DRAFT, headers=token("ken.head"))
    assert seen.status_code == 200 and seen.json()["status"] == "open"
    comment = client.post(f"{DRAFT}/clauses/1/comments", json={"body": "Now we talk."}, headers=token("ken.head"))
    assert comment.status_code == 201
    after = client.put(
        DRAFT, json={"title": "T", "clauses": [{"number": "1", "text": "A."}]}, headers=token("secretariat")
    )
    assert after.status_code == 409
    assert db.execute(select(AuditEvent.action).where(AuditEvent.action == "document.circulate")).scalar_one()


def test_an_open_document_keeps_its_api_shape(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{GROUP}/documents/declaration", headers=token("ken.head")).json()
    assert set(body) == {"slug", "title", "status", "version", "clauses", "language"}
    assert set(body["clauses"][0]) == {"number", "heading", "text", "status"}
