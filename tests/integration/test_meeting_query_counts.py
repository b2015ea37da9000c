"""The meetings list and a meeting page cost a fixed number of queries, however many meetings,
agenda items and delegations there are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.testing import TestClient
from sqlmodel import Session

from consensus.core.meetings import SubjectAsked
from consensus.meetings import services as meetings
from tests.conftest import login, who
from tests.integration.test_query_counts import client, counted  # noqa: F401  (the fixture without the deadline loop)

CLAUSES = ["1", "1.1", "2.1", "3.2", "4.1", "4.3", "5.1"]


def schedule(db: Session, items: int) -> int:
    secretariat = who(db, "secretariat@demo.example")
    start = datetime(2027, 1, 1, 9, tzinfo=UTC) + timedelta(days=items)
    scheduled = meetings.create_meeting(
        db,
        secretariat,
        "oewg-ict",
        meetings.MeetingInput(f"Meeting of {items}", start, start + timedelta(hours=3), "Room XX"),
        [
            meetings.AgendaInput(
                title=f"Item {i}",
                subject=SubjectAsked("declaration", CLAUSES[i % len(CLAUSES)]) if i % 3 else None,
            )
            for i in range(items)
        ],
    )
    meetings.record_attendance(db, secretariat, "oewg-ict", scheduled.id, {"KEN": True, "NGA": False, "IND": True})
    return scheduled.id


def queries(client: TestClient, path: str) -> int:  # noqa: F811
    with counted(client) as statements:
        response = client.get(path)
    assert response.status_code == 200, response.text
    return len(statements)


def test_a_meeting_page_costs_the_same_queries_with_two_items_or_thirty(client: TestClient, db: Session) -> None:  # noqa: F811
    small, large = schedule(db, 2), schedule(db, 30)
    assert login(client, "secretariat@demo.example").status_code == 303
    base = "/groups/oewg-ict/meetings"
    queries(client, f"{base}/{small}")  # warm the caches of the first request
    assert queries(client, f"{base}/{small}") == queries(client, f"{base}/{large}")


def test_the_meetings_list_costs_the_same_queries_with_one_meeting_or_twelve(client: TestClient, db: Session) -> None:  # noqa: F811
    schedule(db, 1)
    assert login(client, "ken.head@demo.example").status_code == 303
    queries(client, "/groups/oewg-ict/meetings")
    one = queries(client, "/groups/oewg-ict/meetings")
    for n in range(2, 13):
        schedule(db, n)
    assert queries(client, "/groups/oewg-ict/meetings") == one
