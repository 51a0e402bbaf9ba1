"""notifications, escalations and the event consumers' cursors (issue 11)

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = sa.Enum('hazard_assigned', 'hazard_to_verify', 'hazard_rejected', 'extension_decided',
               'deadline_soon', 'overdue', 'escalated',
               name='notificationkind', native_enum=False, length=32)


def upgrade() -> None:
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.String(length=1000), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                            name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name=op.f('uq_notifications_user_id_dedupe_key'))
    )
    op.create_index('ix_notifications_user_unread', 'notifications',
                    ['user_id', 'read_at', 'id'])
    op.create_index('ix_notifications_object', 'notifications', ['object_type', 'object_id'])
    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('days_overdue', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'],
                            name=op.f('fk_escalations_center_id_centers')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                            name=op.f('fk_escalations_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations')),
    sa.UniqueConstraint('object_type', 'object_id', 'level', 'due_on',
                        name=op.f('uq_escalations_object_type_object_id_level_due_on'))
    )
    op.create_index('ix_escalations_center_created', 'escalations',
                    ['center_id', 'created_at', 'id'])
    op.create_index('ix_escalations_group_created', 'escalations',
                    ['group_id', 'created_at', 'id'])
    cursors = op.create_table('worker_cursors',
    sa.Column('name', sa.String(length=48), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_cursors'))
    )
    # notifications begin with this revision: events committed before it are history, not news
    last_event_id = op.get_bind().scalar(sa.text('SELECT last_id FROM event_head WHERE id = 1'))
    op.bulk_insert(cursors, [{'name': 'notifications', 'last_event_id': last_event_id or 0}])


def downgrade() -> None:
    op.drop_table('worker_cursors')
    op.drop_index('ix_escalations_group_created', table_name='escalations')
    op.drop_index('ix_escalations_center_created', table_name='escalations')
    op.drop_table('escalations')
    op.drop_index('ix_notifications_object', table_name='notifications')
    op.drop_index('ix_notifications_user_unread', table_name='notifications')
    op.drop_table('notifications')
