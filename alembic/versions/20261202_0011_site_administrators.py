"""site administrators: the accounts that create working groups

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:20:00

The first account of an existing deployment becomes its administrator, as the first account of a
new one does.

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch mode would copy the table, and dropping the old one would
    # cascade to every row that refers to an account.
    op.add_column('user_account', sa.Column('is_admin', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE user_account SET is_admin = TRUE WHERE id = (SELECT MIN(id) FROM user_account)")


def downgrade() -> None:
    op.drop_column('user_account', 'is_admin')  # SQLite 3.35 drops a column in place
