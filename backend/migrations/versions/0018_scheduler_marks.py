"""the scheduler's marks: written patrol days (patrol_days) and overdue records, and the
indexes that make a day's stamp cheap (issue 11)

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('patrol_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('stamp', sa.String(length=200), nullable=False),
    sa.Column('notified_stamp', sa.String(length=200), nullable=True),
    sa.Column('written_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_patrol_days'))
    )
    op.create_table('overdue_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'],
                            name=op.f('fk_overdue_records_center_id_centers')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                            name=op.f('fk_overdue_records_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overdue_records')),
    sa.UniqueConstraint('object_type', 'object_id', 'due_on',
                        name=op.f('uq_overdue_records_object_type_object_id_due_on'))
    )
    # a day's stamp (backend/plans/days.py) is the newest plan and site: one lookup each
    op.create_index('ix_patrol_plans_updated_at', 'patrol_plans', ['updated_at'])
    op.create_index('ix_sites_updated_at', 'sites', ['updated_at'])


def downgrade() -> None:
    op.drop_index('ix_sites_updated_at', table_name='sites')
    op.drop_index('ix_patrol_plans_updated_at', table_name='patrol_plans')
    op.drop_table('overdue_records')
    op.drop_table('patrol_days')
