"""The document page and the comment table cost a fixed number of queries, whatever their size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient
from sqlalchemy import event
from sqlmodel import Session

from consensus.amendments import services as amendments
from consensus.app import create_app
from consensus.audit.services import Actor
from consensus.comments import services as comments
from consensus.core.groupfile import check_group_file
from consensus.groups.services import load_group_file
from consensus.settings import Settings
from tests.conftest import login, who


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app without its deadline loop, whose queries every second would be counted too."""
    with TestClient(create_app(settings, run_deadlines=False)) as test_client:
        yield test_client


@contextmanager
def counted(client: TestClient) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = client.app.state.engine

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def load(db: Session, clauses: int) -> None:
    raw = {
        "group": {"slug": "oewg-ict", "name": "Open-ended Working Group on Security of and in the Use of ICTs"},
        "delegations": [],
        "documents": [
            {
                "slug": f"doc-{clauses}",
                "title": f"A document of {clauses} clauses",
                "clauses": [
                    {"number": str(i), "heading": f"H{i}", "text": f"Text {i}."} for i in range(1, clauses + 1)
                ],
            }
        ],
    }
    # Delegations and users stay as the demo made them: the file only adds a document.
    raw["delegations"] = [{"code": "KEN", "name": "Kenya", "weight": "54.03"}]
    spec = check_group_file(raw)
    load_group_file(db, spec, Actor.command_line(), "test")


def discuss(db: Session, document: str, clauses: int, comments_per_clause: int) -> None:
    ken, ind = who(db, "ken.head@demo.example"), who(db, "ind.head@demo.example")
    for i in range(1, clauses + 1):
        for j in range(comments_per_clause):
            comment_id = comments.post_comment(
                db, ken, "oewg-ict", document, str(i), comments.CommentInput(f"c{j}", "technical")
            )
            comments.post_comment(
                db, ind, "oewg-ict", document, str(i), comments.CommentInput("reply", parent_id=comment_id)
            )
        amendments.propose(
            db, ind, "oewg-ict", document, str(i), amendments.AmendmentInput("replace", f"New text {i}.")
        )


def test_the_document_page_does_not_query_per_clause_or_comment(client: TestClient, db: Session) -> None:
    load(db, 3)
    load(db, 40)
    discuss(db, "doc-3", 1, 1)
    discuss(db, "doc-40", 40, 3)
    login(client, "ken.head@demo.example")
    counts = {}
    for document in ("doc-3", "doc-40"):
        client.get(f"/groups/oewg-ict/documents/{document}")  # warm caches
        with counted(client) as statements:
            page = client.get(f"/groups/oewg-ict/documents/{document}")
        assert page.status_code == 200
        counts[document] = len(statements)
    assert counts["doc-3"] == counts["doc-40"], counts
    assert counts["doc-40"] <= 14


def test_the_comment_table_and_a_thread_do_not_query_per_row(client: TestClient, db: Session) -> None:
    load(db, 5)
    discuss(db, "doc-5", 1, 1)
    login(client, "ken.head@demo.example")
    small = {}
    for path in ["/groups/oewg-ict/documents/doc-5/comments", "/groups/oewg-ict/documents/doc-5/versions/1/clauses/1"]:
        with counted(client) as statements:
            client.get(path)
        small[path] = len(statements)
    discuss(db, "doc-5", 5, 6)
    for path, before in small.items():
        with counted(client) as statements:
            assert client.get(path).status_code == 200
        assert len(statements) == before, path


def test_the_secretariats_comment_table_with_a_form_per_row_does_not_query_per_row(
    client: TestClient, db: Session
) -> None:
    load(db, 5)
    discuss(db, "doc-5", 1, 1)
    login(client, "secretariat@demo.example")
    path = "/groups/oewg-ict/documents/doc-5/comments?disposition=none"
    with counted(client) as statements:
        client.get(path)
    before = len(statements)
    discuss(db, "doc-5", 5, 6)
    with counted(client) as statements:
        page = client.get(path)
    assert page.status_code == 200 and page.text.count('class="row-dispose"') == 31
    assert len(statements) == before


def stand_everywhere(db: Session, document: str, clauses: int) -> None:
    from consensus.agreement import services as agreement

    for account in ("ken.head", "ind.head", "jpn.head"):
        for i in range(1, clauses + 1):
            agreement.state_position(
                db, who(db, f"{account}@demo.example"), "oewg-ict", document, str(i), "reservation", f"R{i}"
            )


def test_the_bulk_confirmation_and_the_clause_positions_do_not_query_per_clause_or_position(
    client: TestClient, db: Session
) -> None:
    load(db, 20)
    login(client, "chair@demo.example")
    agree = "/groups/oewg-ict/documents/doc-20/agreement/agree"
    paths = {"one": f"{agree}?clause=1", "clause": "/groups/oewg-ict/documents/doc-20/versions/1/clauses/1"}
    before = {}
    for name, path in paths.items():
        with counted(client) as statements:
            client.get(path)
        before[name] = len(statements)
    stand_everywhere(db, "doc-20", 20)
    paths["one"] = agree + "?" + "&".join(f"clause={i}" for i in range(1, 21))
    for name, path in paths.items():
        with counted(client) as statements:
            page = client.get(path)
        assert page.status_code == 200 and "R1" in page.text
        assert len(statements) == before[name], name


def test_the_list_of_speakers_does_not_query_per_speaker(client: TestClient, db: Session) -> None:
    from consensus.speakers import services as speakers
    from tests.integration.test_speakers import a_meeting

    codes = ["KEN", "NGA", "ZAF", "EGY", "IND", "JPN", "IDN", "SGP", "POL", "EST", "ROU", "BRA"]
    meeting, (small, large) = a_meeting(db, "Two speakers", "Twelve speakers")

    chair = who(db, "chair@demo.example")
    for item, listed in ((small, codes[:2]), (large, codes)):
        for code in listed:
            speakers.inscribe(db, chair, meeting, item, code, "intervention")
        for _ in range(len(listed) // 2):
            speakers.give_floor(db, chair, meeting, item)
    assert login(client, "chair@demo.example").status_code == 303
    counts: dict[str, list[int]] = {"page": [], "api": []}
    for item in (small, large):
        for kind, path in (
            ("page", f"/meetings/{meeting}/items/{item}/speakers"),
            ("api", f"/api/v1/meetings/{meeting}/items/{item}/speakers"),
        ):
            with counted(client) as statements:
                assert client.get(path).status_code == 200
            counts[kind].append(len(statements))
    for path, (few, many) in counts.items():
        assert few == many, (path, few, many)
    with counted(client) as statements:
        assert client.get(f"/meetings/{meeting}/speaking-time").status_code == 200
    assert len(statements) < 12
