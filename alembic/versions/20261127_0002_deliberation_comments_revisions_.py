"""deliberation: comments, revisions, amendments, sponsors

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:00:11.471757

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import consensus.db


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('lineage', sa.String(length=36), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('applied_in_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'delete' OR length(text) > 0", name=op.f('ck_amendment_text_unless_delete')),
    sa.CheckConstraint("kind IN ('replace', 'insert', 'delete')", name=op.f('ck_amendment_kind_allowed')),
    sa.CheckConstraint("status IN ('proposed', 'withdrawn', 'accepted', 'rejected')", name=op.f('ck_amendment_status_allowed')),
    sa.ForeignKeyConstraint(['applied_in_version_id'], ['version.id'], name=op.f('fk_amendment_applied_in_version_id_version'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_amendment_author_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['clause_id'], ['clause.id'], name=op.f('fk_amendment_clause_id_clause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_amendment_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_amendment_delegation_id_delegation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['version.id'], name=op.f('fk_amendment_version_id_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment'))
    )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_lineage'), ['lineage'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_version_id'), ['version_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=False),
    sa.Column('lineage', sa.String(length=36), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('paragraph', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('proposed_change', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disposition', sa.String(length=32), nullable=True),
    sa.Column('observation', sa.Text(), nullable=False),
    sa.Column('disposed_by_id', sa.Integer(), nullable=True),
    sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("disposition IS NULL OR disposition IN ('accepted', 'accepted_in_principle', 'noted', 'rejected')", name=op.f('ck_comment_disposition_allowed')),
    sa.CheckConstraint("kind IN ('general', 'technical', 'editorial')", name=op.f('ck_comment_kind_allowed')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_comment_author_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['clause_id'], ['clause.id'], name=op.f('fk_comment_clause_id_clause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_comment_delegation_id_delegation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['disposed_by_id'], ['user_account.id'], name=op.f('fk_comment_disposed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['comment.id'], name=op.f('fk_comment_parent_id_comment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index('ix_comment_clause_parent', ['clause_id', 'parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_lineage'), ['lineage'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_parent_id'), ['parent_id'], unique=False)

    op.create_table('amendment_sponsor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_amendment_sponsor_amendment_id_amendment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_amendment_sponsor_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_amendment_sponsor_user_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment_sponsor')),
    sa.UniqueConstraint('amendment_id', 'delegation_id', name=op.f('uq_amendment_sponsor_amendment_id_delegation_id'))
    )
    with op.batch_alter_table('amendment_sponsor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_sponsor_amendment_id'), ['amendment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_sponsor_delegation_id'), ['delegation_id'], unique=False)

    op.create_table('comment_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('paragraph', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('proposed_change', sa.Text(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_revision_comment_id_comment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_revision'))
    )
    with op.batch_alter_table('comment_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_revision_comment_id'), ['comment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('comment_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_revision_comment_id'))

    op.drop_table('comment_revision')
    with op.batch_alter_table('amendment_sponsor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_sponsor_delegation_id'))
        batch_op.drop_index(batch_op.f('ix_amendment_sponsor_amendment_id'))

    op.drop_table('amendment_sponsor')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_parent_id'))
        batch_op.drop_index(batch_op.f('ix_comment_lineage'))
        batch_op.drop_index(batch_op.f('ix_comment_delegation_id'))
        batch_op.drop_index('ix_comment_clause_parent')
        batch_op.drop_index(batch_op.f('ix_comment_clause_id'))
        batch_op.drop_index(batch_op.f('ix_comment_author_id'))

    op.drop_table('comment')
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_version_id'))
        batch_op.drop_index(batch_op.f('ix_amendment_status'))
        batch_op.drop_index(batch_op.f('ix_amendment_lineage'))
        batch_op.drop_index(batch_op.f('ix_amendment_delegation_id'))
        batch_op.drop_index(batch_op.f('ix_amendment_clause_id'))

    op.drop_table('amendment')
