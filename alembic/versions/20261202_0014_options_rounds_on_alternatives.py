"""options rounds on a clause's alternatives

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 05:00:00

A round may put one set of a clause's alternatives to the delegations (an options round): the
set's index in the clause, and the set's text and option texts as they stood when the round was
prepared and again when it opened (JSON), so that a later editorial correction cannot change what
was voted on. Plain ADD COLUMN (no table copy); a downgrade drops the two columns.

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('round', sa.Column('alternatives', sa.Integer(), nullable=True))
    op.add_column('round', sa.Column('options', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('round', 'options')
    op.drop_column('round', 'alternatives')
