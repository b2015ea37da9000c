"""adoption and publication

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 14:57:40.495776

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consensus.db


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_publication_published_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['version.id'], name=op.f('fk_publication_version_id_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('version_id', name=op.f('uq_publication_version_id'))
    )
    op.create_table('adoption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('open_clauses', sa.Integer(), nullable=False),
    sa.Column('undecided_amendments', sa.Integer(), nullable=False),
    sa.CheckConstraint("method IN ('round', 'consensus')", name=op.f('ck_adoption_method_allowed')),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['user_account.id'], name=op.f('fk_adoption_adopted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_adoption_round_id_round'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['version.id'], name=op.f('fk_adoption_version_id_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adoption')),
    sa.UniqueConstraint('version_id', name=op.f('uq_adoption_version_id'))
    )


def downgrade() -> None:
    op.drop_table('adoption')
    op.drop_table('publication')
