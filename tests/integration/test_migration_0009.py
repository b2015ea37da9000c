"""Migration 0009 on a database with secret ballots cast before it: they become counters, and a
closed round's stored result keeps only the figures the disclosure check allows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from consensus.db import make_engine
from consensus.migrations import alembic_config
from tests.conftest import TestDatabase, make_settings


def test_secret_ballots_of_0008_become_counters_and_their_result_stops_naming_voters(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    url = blank_database.url
    command.upgrade(alembic_config(url), "0008")
    engine = make_engine(make_settings(tmp_path, url).database)
    made = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    leaky = {"passed": True, "reason": "Passed: yes weight 11 > no weight 5; 3 of 3 eligible delegations took part."}
    with engine.begin() as connection:
        tables = sa.MetaData()
        tables.reflect(bind=connection)

        def insert(table: str, **values: object) -> int:
            key = connection.execute(tables.tables[table].insert().values(**values)).inserted_primary_key[0]
            return key if isinstance(key, int) else 0

        group = insert(
            "working_group", slug="g", name="G", description="", observers_may_comment=False, created_at=made
        )
        document = insert(
            "document", group_id=group, slug="d", title="D", status="open", created_at=made, language="en"
        )
        version = insert("version", document_id=document, number=1, note="", created_at=made)
        round_id = insert(
            "round",
            group_id=group,
            document_id=document,
            version_id=version,
            title="Secret",
            rule="weighted_majority",
            weighted=False,
            quorum="0",
            secret=True,
            status="closed",
            created_at=made,
            passed=True,
            quorum_met=True,
            result=json.dumps(leaky),
        )
        for code, weight, choice in (("KEN", "10", "yes"), ("IND", "5", "no"), ("BRA", "1", "yes")):
            delegation = insert(
                "delegation", group_id=group, code=code, name=code, weight=weight, voting_status="participating"
            )
            insert(
                "round_elector",
                round_id=round_id,
                delegation_id=delegation,
                code=code,
                name=code,
                weight=weight,
                voting_status="participating",
            )
            insert("participation", round_id=round_id, delegation_id=delegation, first_at=made)
            insert(
                "secret_ballot",
                id=f"ballot-{code}",
                round_id=round_id,
                choice=choice,
                weight=weight,
                status="participating",
                key_hash=f"key-{code}",
                receipt=f"receipt-{code}",
            )
    command.upgrade(alembic_config(url), "0009")
    with engine.connect() as connection:
        counts, receipts = connection.execute(
            sa.text("SELECT counts, receipts FROM secret_tally WHERE round_id = :id"), {"id": round_id}
        ).one()
        result = json.loads(
            connection.execute(sa.text("SELECT result FROM round WHERE id = :id"), {"id": round_id}).scalar_one()
        )
        tables = set(sa.inspect(connection).get_table_names())
    engine.dispose()
    assert json.loads(counts) == {"all": {"no": {"count": 1, "weight": "5"}, "yes": {"count": 2, "weight": "11"}}}
    assert json.loads(receipts) == ["receipt-BRA", "receipt-IND", "receipt-KEN"]
    assert "secret_ballot" not in tables
    assert result["passed"] is True and result["withheld"] == ["counts", "weights"]
    assert "11" not in result["reason"] and "withheld to keep the ballot secret" in result["reason"]
