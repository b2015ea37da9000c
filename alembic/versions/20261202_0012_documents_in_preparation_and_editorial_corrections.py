"""documents in preparation, editorial corrections, and the title a version was adopted under

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00

A document may be in preparation (seen by the secretariat and the chair only, edited in place
until it is circulated). A correction of a typo made to a circulated clause is recorded with the
text before and after, its reason, who made it and when. An adoption may give the text a new
title ("Draft declaration" becomes "Declaration").

A downgrade refuses while documents are in preparation (the older schema cannot hold them), and
drops the recorded corrections and adoption titles.

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "status IN ('draft', 'open', 'adopted', 'withdrawn')"
AFTER = "status IN ('draft', 'preparation', 'open', 'adopted', 'withdrawn')"


def _document_statuses(allowed: str) -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_document_status_allowed'), type_='check')
        batch_op.create_check_constraint('status_allowed', allowed)


def upgrade() -> None:
    _document_statuses(AFTER)
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    op.create_table(
        'editorial_correction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clause_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('lineage', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('old_heading', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('new_heading', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('old_text', sa.Text(), nullable=False),
        sa.Column('new_text', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('corrected_by_id', sa.Integer(), nullable=True),
        sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['clause_id'], ['clause.id'], name=op.f('fk_editorial_correction_clause_id_clause'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['version_id'], ['version.id'], name=op.f('fk_editorial_correction_version_id_version'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['corrected_by_id'],
            ['user_account.id'],
            name=op.f('fk_editorial_correction_corrected_by_id_user_account'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_editorial_correction')),
    )
    with op.batch_alter_table('editorial_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_editorial_correction_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_editorial_correction_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    waiting = op.get_bind().execute(sa.text("SELECT count(*) FROM document WHERE status = 'preparation'")).scalar()
    if waiting:
        raise RuntimeError(
            f"{waiting} document(s) are in preparation, which the older schema cannot hold: "
            "circulate or delete them before downgrading."
        )
    with op.batch_alter_table('editorial_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editorial_correction_version_id'))
        batch_op.drop_index(batch_op.f('ix_editorial_correction_clause_id'))
    op.drop_table('editorial_correction')
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.drop_column('title')
    _document_statuses(BEFORE)
