"""compromise texts: an amendment of the chair's, superseding competing ones

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 05:00:00

A compromise is an amendment proposed by the chair (or the secretariat for the chair): it has no
delegation (``delegation_id`` becomes nullable, ``compromise`` says which), and the amendments it
supersedes point at it (``superseded_by_id``) with the new status ``superseded``.

On SQLite this copies the amendment table; alembic/env.py runs migrations there with foreign keys
off, so the copy's DROP does not cascade to sponsors, rounds or anything else pointing at it.

A downgrade refuses while compromises or superseded amendments exist (the older schema cannot
hold them).

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "status IN ('proposed', 'withdrawn', 'accepted', 'rejected')"
AFTER = "status IN ('proposed', 'withdrawn', 'accepted', 'rejected', 'superseded')"
PROPOSER = "(compromise AND delegation_id IS NULL) OR (NOT compromise AND delegation_id IS NOT NULL)"


def upgrade() -> None:
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compromise', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('superseded_by_id', sa.Integer(), nullable=True))
        batch_op.alter_column('delegation_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_amendment_status_allowed'), type_='check')
        batch_op.create_check_constraint('status_allowed', AFTER)
        batch_op.create_check_constraint('delegation_unless_compromise', PROPOSER)
        batch_op.create_foreign_key(
            batch_op.f('fk_amendment_superseded_by_id_amendment'),
            'amendment',
            ['superseded_by_id'],
            ['id'],
            ondelete='SET NULL',
        )
        batch_op.create_index(batch_op.f('ix_amendment_superseded_by_id'), ['superseded_by_id'], unique=False)


def downgrade() -> None:
    held = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM amendment WHERE compromise OR status = 'superseded'"))
        .scalar()
    )
    if held:
        raise RuntimeError(
            f"{held} amendment(s) are compromises or superseded, which the older schema cannot hold: "
            "delete them before downgrading."
        )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_superseded_by_id'))
        batch_op.drop_constraint(batch_op.f('fk_amendment_superseded_by_id_amendment'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_amendment_delegation_unless_compromise'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_amendment_status_allowed'), type_='check')
        batch_op.create_check_constraint('status_allowed', BEFORE)
        batch_op.alter_column('delegation_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('superseded_by_id')
        batch_op.drop_column('compromise')
