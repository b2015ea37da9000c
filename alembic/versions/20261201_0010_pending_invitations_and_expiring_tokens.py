"""pending invitations (the role they give, whether they set a password) and expiring tokens

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:00:00

An invitation now carries the membership it will create when accepted (role, delegation, head)
instead of the membership being made when the secretariat adds someone. Invitations made before
this upgrade already have their membership: they are given its role, and keep setting a password.

Bearer tokens expire: those made before this upgrade expire 90 days after they were made.

"""
from collections.abc import Sequence
from datetime import UTC, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_DAYS = 90

INVITATION_FROM_MEMBERSHIP = """
UPDATE invitation SET
  role = COALESCE((SELECT m.role FROM membership m
                   WHERE m.user_id = invitation.user_id AND m.group_id = invitation.group_id), 'observer'),
  delegation_id = (SELECT m.delegation_id FROM membership m
                   WHERE m.user_id = invitation.user_id AND m.group_id = invitation.group_id),
  is_head = COALESCE((SELECT m.is_head FROM membership m
                      WHERE m.user_id = invitation.user_id AND m.group_id = invitation.group_id), FALSE),
  name = COALESCE((SELECT u.name FROM user_account u WHERE u.id = invitation.user_id), ''),
  sets_password = TRUE
"""


def _expire_old_tokens() -> None:
    connection = op.get_bind()
    tokens = sa.table(
        'api_token',
        sa.column('id', sa.Integer()),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('expires_at', sa.DateTime(timezone=True)),
    )
    for token_id, created_at in connection.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        if created_at.tzinfo is None:  # SQLite keeps UTC without its zone
            created_at = created_at.replace(tzinfo=UTC)
        expires = created_at + timedelta(days=TOKEN_DAYS)
        if connection.dialect.name == 'sqlite':
            expires = expires.astimezone(UTC).replace(tzinfo=None)
        connection.execute(sa.update(tokens).where(tokens.c.id == token_id).values(expires_at=expires))


def upgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    _expire_old_tokens()
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=False, server_default='observer'))
        batch_op.add_column(sa.Column('delegation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('is_head', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('sets_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_invitation_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_invitation_delegation_id_delegation'),
            'delegation',
            ['delegation_id'],
            ['id'],
            ondelete='CASCADE',
        )
    op.execute(INVITATION_FROM_MEMBERSHIP)
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        for column, kind in (
            ('name', sa.String(length=200)),
            ('role', sa.String(length=16)),
            ('is_head', sa.Boolean()),
            ('sets_password', sa.Boolean()),
        ):
            batch_op.alter_column(column, existing_type=kind, existing_nullable=False, server_default=None)
        batch_op.create_check_constraint(
            'role_allowed', "role IN ('chair', 'secretariat', 'delegate', 'observer')"
        )
        batch_op.create_check_constraint(
            'delegate_has_delegation', "role <> 'delegate' OR delegation_id IS NOT NULL"
        )
        batch_op.create_check_constraint('head_is_delegate', "NOT is_head OR role = 'delegate'")


def downgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_invitation_head_is_delegate'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_invitation_delegate_has_delegation'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_invitation_role_allowed'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_invitation_delegation_id_delegation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invitation_delegation_id'))
        batch_op.drop_column('sets_password')
        batch_op.drop_column('is_head')
        batch_op.drop_column('delegation_id')
        batch_op.drop_column('role')
        batch_op.drop_column('name')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
