"""domain events: state changes that matter, numbered in commit order

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('domain_events',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=48), nullable=False),
    sa.Column('at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('center_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                            name=op.f('fk_domain_events_actor_id_users')),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'],
                            name=op.f('fk_domain_events_center_id_centers')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                            name=op.f('fk_domain_events_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_domain_events_event_id'))
    )
    op.create_index(op.f('ix_domain_events_type'), 'domain_events', ['type'])
    op.create_index(op.f('ix_domain_events_center_id'), 'domain_events', ['center_id'])
    op.create_index('ix_domain_events_object', 'domain_events', ['object_type', 'object_id'])
    head = op.create_table('event_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_head'))
    )
    op.bulk_insert(head, [{'id': 1, 'last_id': 0}])


def downgrade() -> None:
    op.drop_table('event_head')
    op.drop_index('ix_domain_events_object', table_name='domain_events')
    op.drop_index(op.f('ix_domain_events_center_id'), table_name='domain_events')
    op.drop_index(op.f('ix_domain_events_type'), table_name='domain_events')
    op.drop_table('domain_events')
