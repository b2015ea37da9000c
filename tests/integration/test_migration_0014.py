"""Migration 0014 up and down: the set of alternatives an options round is on, and its options as
voted on; rounds already stored keep everything."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from consensus.db import make_engine
from consensus.migrations import alembic_config
from tests.conftest import TestDatabase, make_settings

ROUND = (
    "INSERT INTO round (group_id, document_id, version_id, title, rule, weighted, quorum, secret, status, created_at"
    "{extra}) VALUES (:g, :d, :v, :title, :rule, false, '0', false, 'draft', :at{values})"
)


def test_0014_adds_the_alternatives_of_a_round_and_a_downgrade_keeps_the_rounds(
    tmp_path: Path, blank_database: TestDatabase
) -> None:
    url = blank_database.url
    config = alembic_config(url)
    command.upgrade(config, "0013")
    engine = make_engine(make_settings(tmp_path, url).database)
    at = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        group = connection.execute(
            sa.text(
                "INSERT INTO working_group (slug, name, description, observers_may_comment, created_at) "
                "VALUES ('g', 'G', '', false, :at) RETURNING id"
            ),
            {"at": at},
        ).scalar_one()
        document = connection.execute(
            sa.text(
                "INSERT INTO document (group_id, slug, title, status, created_at, language) "
                "VALUES (:g, 'd', 'D', 'open', :at, 'en') RETURNING id"
            ),
            {"g": group, "at": at},
        ).scalar_one()
        version = connection.execute(
            sa.text("INSERT INTO version (document_id, number, note, created_at) VALUES (:d, 1, '', :at) RETURNING id"),
            {"d": document, "at": at},
        ).scalar_one()
        ids = {"g": group, "d": document, "v": version, "at": at}
        connection.execute(sa.text(ROUND.format(extra="", values="")), {**ids, "title": "Before", "rule": "consensus"})
    command.upgrade(config, "0014")
    with engine.begin() as connection:
        before = connection.execute(sa.text("SELECT title, alternatives, options FROM round")).one()
        assert tuple(before) == ("Before", None, None)
        connection.execute(
            sa.text(ROUND.format(extra=", alternatives, options", values=", 1, :options")),
            {**ids, "title": "Hours", "rule": "most_support", "options": '{"options": ["24", "72"]}'},
        )
    command.downgrade(config, "0013")
    with engine.begin() as connection:
        assert {"alternatives", "options"}.isdisjoint(c["name"] for c in sa.inspect(connection).get_columns("round"))
        assert connection.execute(sa.text("SELECT title FROM round ORDER BY id")).scalars().all() == ["Before", "Hours"]
    command.upgrade(config, "head")
