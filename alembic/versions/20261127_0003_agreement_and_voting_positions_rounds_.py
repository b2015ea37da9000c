"""agreement and voting: positions, rounds, electors, ballots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 14:32:06.870781

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consensus.db


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('threshold', sa.String(length=32), nullable=True),
    sa.Column('comparison', sa.String(length=2), nullable=True),
    sa.Column('base', sa.String(length=16), nullable=True),
    sa.Column('weighted', sa.Boolean(), nullable=False),
    sa.Column('quorum', sa.String(length=32), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('quorum_met', sa.Boolean(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed', 'cancelled')", name=op.f('ck_round_status_allowed')),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_round_amendment_id_amendment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['clause_id'], ['clause.id'], name=op.f('fk_round_clause_id_clause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_round_closed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_round_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_round_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_round_group_id_working_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['version.id'], name=op.f('fk_round_version_id_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round'))
    )
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_round_due', ['status', 'closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_group_id'), ['group_id'], unique=False)

    op.create_table('ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('cast_by_id', sa.Integer(), nullable=True),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['cast_by_id'], ['user_account.id'], name=op.f('fk_ballot_cast_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_ballot_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_ballot_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot')),
    sa.UniqueConstraint('receipt', name=op.f('uq_ballot_receipt')),
    sa.UniqueConstraint('round_id', 'delegation_id', name=op.f('uq_ballot_round_id_delegation_id'))
    )
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_round_id'), ['round_id'], unique=False)

    op.create_table('participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_participation_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_participation_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation')),
    sa.UniqueConstraint('round_id', 'delegation_id', name=op.f('uq_participation_round_id_delegation_id'))
    )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_round_id'), ['round_id'], unique=False)

    op.create_table('position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('lineage', sa.String(length=36), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('stated_by_id', sa.Integer(), nullable=True),
    sa.Column('stated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("position IN ('support', 'accept', 'reservation', 'objection')", name=op.f('ck_position_position_allowed')),
    sa.ForeignKeyConstraint(['clause_id'], ['clause.id'], name=op.f('fk_position_clause_id_clause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_position_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_position_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_position_round_id_round'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stated_by_id'], ['user_account.id'], name=op.f('fk_position_stated_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['version.id'], name=op.f('fk_position_version_id_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_position'))
    )
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_position_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_position_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_position_latest', ['document_id', 'delegation_id', 'lineage', 'id'], unique=False)

    op.create_table('round_elector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('weight', consensus.db.ExactDecimal(), nullable=False),
    sa.Column('voting_status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_round_elector_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_round_elector_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_elector')),
    sa.UniqueConstraint('round_id', 'delegation_id', name=op.f('uq_round_elector_round_id_delegation_id'))
    )
    with op.batch_alter_table('round_elector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_elector_round_id'), ['round_id'], unique=False)

    op.create_table('secret_ballot',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=False),
    sa.Column('weight', consensus.db.ExactDecimal(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_secret_ballot_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secret_ballot')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_secret_ballot_key_hash')),
    sa.UniqueConstraint('receipt', name=op.f('uq_secret_ballot_receipt'))
    )
    with op.batch_alter_table('secret_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secret_ballot_round_id'), ['round_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('secret_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secret_ballot_round_id'))

    op.drop_table('secret_ballot')
    with op.batch_alter_table('round_elector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_elector_round_id'))

    op.drop_table('round_elector')
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.drop_index('ix_position_latest')
        batch_op.drop_index(batch_op.f('ix_position_document_id'))
        batch_op.drop_index(batch_op.f('ix_position_delegation_id'))

    op.drop_table('position')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_round_id'))

    op.drop_table('participation')
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_round_id'))

    op.drop_table('ballot')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_group_id'))
        batch_op.drop_index('ix_round_due')
        batch_op.drop_index(batch_op.f('ix_round_document_id'))

    op.drop_table('round')
