"""integrations' credentials (issue 13): API keys acting through service users, users (and so
keys) limited to chosen centers, and the shared rate-limit counters

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('is_integration', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('center_limit', sa.JSON(), nullable=True))
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('rate_limit_per_minute', sa.Integer(), nullable=True),
        sa.Column('expires_at', backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                                name=op.f('fk_api_keys_group_id_groups')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_api_keys_user_id_users')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_api_keys_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_api_keys_secret_hash')),
        sa.UniqueConstraint('user_id', name=op.f('uq_api_keys_user_id')),
    )
    op.create_index(op.f('ix_api_keys_group_id'), 'api_keys', ['group_id'])
    # fixed-window request counters: disposable (a lost window only lets a minute's requests
    # through again), so on PostgreSQL UNLOGGED: no WAL record and no flush per request
    unlogged = op.get_bind().dialect.name == 'postgresql'
    op.create_table(
        'rate_limit_counters',
        sa.Column('bucket', sa.String(length=40), nullable=False),
        sa.Column('window_start', sa.BigInteger(), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('bucket', 'window_start', name=op.f('pk_rate_limit_counters')),
        prefixes=['UNLOGGED'] if unlogged else [],
    )


def downgrade() -> None:
    op.drop_table('rate_limit_counters')
    op.drop_index(op.f('ix_api_keys_group_id'), table_name='api_keys')
    op.drop_table('api_keys')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('center_limit')
        batch.drop_column('is_integration')
