"""secret tallies instead of secret ballot rows; a signed audit chain with checkpoints

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:00:00

A secret round keeps one row of counters (per group of voters and choice) instead of one row per
ballot: ballot rows could be tied to their delegation by row order, insertion time or weight. The
ballots already cast are folded into their round's counters here; a delegation keeps its change
key's power only for ballots cast after this upgrade.

"""

import json
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import consensus.db

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WEIGHED = ("weighted_majority", "double_majority")


def _fold_secret_ballots() -> None:
    connection = op.get_bind()
    rounds = connection.execute(sa.text("SELECT id, rule, weighted FROM round WHERE secret")).all()
    for round_id, rule, weighted in rounds:
        ballots = connection.execute(
            sa.text("SELECT choice, weight, status, receipt FROM secret_ballot WHERE round_id = :id"), {"id": round_id}
        ).all()
        uses_weights = rule in WEIGHED or (rule == "custom" and bool(weighted))
        counts: dict[str, dict[str, dict[str, object]]] = {}
        for choice, weight, status, _receipt in ballots:
            group = status if rule == "iso" else "all"
            share = counts.setdefault(group, {}).setdefault(choice, {"count": 0, "weight": "0"})
            share["count"] = int(share["count"]) + 1  # type: ignore[call-overload]
            if uses_weights:
                share["weight"] = format((Decimal(str(share["weight"])) + Decimal(str(weight))).normalize(), "f")
        _withhold_in_stored_result(connection, round_id, counts)
        connection.execute(
            sa.text("INSERT INTO secret_tally (round_id, counts, receipts) VALUES (:id, :counts, :receipts)"),
            {
                "id": round_id,
                "counts": json.dumps(counts, sort_keys=True),
                "receipts": json.dumps(sorted(receipt for *_rest, receipt in ballots)),
            },
        )


def _withhold_in_stored_result(connection: sa.Connection, round_id: int, counts: dict) -> None:  # type: ignore[type-arg]
    """A secret round closed before the disclosure check kept every figure in its stored result:
    store it again with only the figures the check allows (the code of this revision decides)."""
    from fractions import Fraction

    from consensus.core.disclosure import disclose
    from consensus.core.tally import (
        Share,
        Voter,
        builtin_rule,
        custom_rule,
        electorate_of,
        result_to_dict,
        tally_counts,
    )

    row = connection.execute(
        sa.text("SELECT status, rule, threshold, comparison, base, weighted, quorum FROM round WHERE id = :id"),
        {"id": round_id},
    ).one()
    if row.status != "closed":
        return
    rule = (
        custom_rule(row.threshold or "0", row.comparison or ">=", row.base or "cast", bool(row.weighted))
        if row.rule == "custom"
        else builtin_rule(row.rule)
    )
    electors = connection.execute(
        sa.text("SELECT delegation_id, code, weight, voting_status FROM round_elector WHERE round_id = :id"),
        {"id": round_id},
    ).all()
    voted = set(
        connection.execute(
            sa.text("SELECT delegation_id FROM participation WHERE round_id = :id"), {"id": round_id}
        ).scalars()
    )
    electorate = electorate_of(rule, [Voter(e.code, Decimal(str(e.weight)), e.voting_status) for e in electors])
    took_part = {e.code for e in electors if e.delegation_id in voted} & {v.code for v in electorate}
    shares = {
        group: {c: Share(int(v["count"]), Fraction(str(v["weight"]))) for c, v in choices.items()}
        for group, choices in counts.items()
    }
    quorum = Fraction(row.quorum or "0")
    try:
        result = tally_counts(rule, electorate, took_part, shares, quorum)
    except ValueError:
        return  # counters that do not add up cannot be re-derived: `audit verify` will name the round
    participants = [v for v in electorate if v.code in took_part]
    shown = disclose(rule, electorate, participants, result, quorum).shown
    stored = result_to_dict(result, rule, quorum, shown=shown)
    connection.execute(
        sa.text("UPDATE round SET result = :result WHERE id = :id"),
        {"id": round_id, "result": json.dumps(stored, ensure_ascii=False, sort_keys=True)},
    )


def upgrade() -> None:
    op.create_table(
        "secret_tally",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("receipts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_secret_tally_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_secret_tally")),
    )
    _fold_secret_ballots()
    with op.batch_alter_table("secret_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_secret_ballot_round_id"))
    op.drop_table("secret_ballot")
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed", sa.String(length=200), nullable=True))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.String(length=128), nullable=True))
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_seq", sa.Integer(), nullable=True))
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audit_head", sa.String(length=64), nullable=True))
    # The checkpoint of each closed round: the sequence number of the event whose hash it kept.
    op.execute(
        "UPDATE round SET audit_seq = (SELECT seq FROM audit_event WHERE audit_event.hash = round.audit_head) "
        "WHERE audit_head IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_column("audit_head")
        batch_op.drop_column("audit_seq")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("audit_seq")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("signature")
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_column("sealed")
    op.create_table(
        "secret_ballot",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("weight", consensus.db.ExactDecimal(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_secret_ballot_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secret_ballot")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_secret_ballot_key_hash")),
        sa.UniqueConstraint("receipt", name=op.f("uq_secret_ballot_receipt")),
    )
    with op.batch_alter_table("secret_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_secret_ballot_round_id"), ["round_id"], unique=False)
    # Counters cannot be split back into ballots: secret rounds come back without their ballots.
    op.drop_table("secret_tally")
