"""round changes read from the audit chain

A round's live state is its status and its newest audit event; the counter each ballot bumped on
the round row (which serialised every ballot of a round behind one row lock) is gone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 17:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_object_seq', ['object_type', 'object_id', 'seq'], unique=False)
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('changes')


def downgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object_seq')
