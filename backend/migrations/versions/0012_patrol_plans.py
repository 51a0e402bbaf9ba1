"""patrol plans and their tasks (巡检计划 / 漏检)

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = sa.Enum('routine', 'special', 'holiday', 'supervision', 'external',
               name='inspectionkind', native_enum=False, length=32)


def upgrade() -> None:
    op.create_table('patrol_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('site_kind', sa.Enum(
        'canteen', 'dormitory', 'teaching_building', 'office_building', 'power_room',
        'gas_facility', 'pump_room', 'boiler_room', 'elevator', 'vehicle', 'parking', 'venue',
        'construction', 'outdoor', 'dining_hall', 'warehouse', 'chemical_store',
        'swimming_pool', 'security_room', 'campus_road', 'campus_water', 'other',
        name='sitekind', native_enum=False, length=32), nullable=True),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('frequency', sa.Enum('daily', 'weekly', 'monthly', 'every_n_days', 'dates',
                                   name='frequency', native_enum=False, length=32),
              nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=True),
    sa.Column('month_day', sa.Integer(), nullable=True),
    sa.Column('interval_days', sa.Integer(), nullable=True),
    sa.Column('dates', sa.JSON(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('window_start', sa.Time(), nullable=False),
    sa.Column('window_end', sa.Time(), nullable=True),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'],
                            name=op.f('fk_patrol_plans_center_id_centers')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_patrol_plans_site_id_sites')),
    sa.ForeignKeyConstraint(['module_id'], ['patrol_modules.id'],
                            name=op.f('fk_patrol_plans_module_id_patrol_modules')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name=op.f('fk_patrol_plans_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_plans'))
    )
    op.create_index(op.f('ix_patrol_plans_center_id'), 'patrol_plans', ['center_id'])

    op.create_table('patrol_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('window_start_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_end_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('assignee_ids', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('due', 'done', 'missed', name='taskstate', native_enum=False,
                               length=32), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('done_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('missed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['patrol_plans.id'],
                            name=op.f('fk_patrol_tasks_plan_id_patrol_plans')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_patrol_tasks_site_id_sites')),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'],
                            name=op.f('fk_patrol_tasks_center_id_centers')),
    sa.ForeignKeyConstraint(['module_id'], ['patrol_modules.id'],
                            name=op.f('fk_patrol_tasks_module_id_patrol_modules')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                            name=op.f('fk_patrol_tasks_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_tasks')),
    sa.UniqueConstraint('plan_id', 'site_id', 'due_on',
                        name=op.f('uq_patrol_tasks_plan_id_site_id_due_on'))
    )
    op.create_index('ix_patrol_tasks_due_on_center', 'patrol_tasks', ['due_on', 'center_id'])
    op.create_index('ix_patrol_tasks_open_at_site', 'patrol_tasks',
                    ['site_id', 'module_id', 'state'])
    op.create_index('ix_patrol_tasks_state_window_end', 'patrol_tasks',
                    ['state', 'window_end_at'])


def downgrade() -> None:
    op.drop_table('patrol_tasks')
    op.drop_index(op.f('ix_patrol_plans_center_id'), table_name='patrol_plans')
    op.drop_table('patrol_plans')
