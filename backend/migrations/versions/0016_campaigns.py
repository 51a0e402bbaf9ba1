"""campaigns (专项检查 / 节假日检查), their 回执, campaign tasks, external inspections (上级检查)

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('special', 'holiday', name='campaignkind', native_enum=False, length=32), nullable=False),
    sa.Column('module_ids', sa.JSON(), nullable=False),
    sa.Column('site_kinds', sa.JSON(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('receipt_due_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('status', sa.Enum('dispatched', 'cancelled', name='campaignstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('dispatched_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=1000), nullable=True),
    sa.Column('attachment_key', sa.String(length=80), nullable=True),
    sa.Column('attachment_name', sa.String(length=200), nullable=True),
    sa.Column('attachment_type', sa.String(length=100), nullable=True),
    sa.Column('attachment_bytes', sa.Integer(), nullable=True),
    sa.Column('attachment_sha256', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_campaigns_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_campaigns_created_by_id_client_id'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_campaigns_group_created', ['group_id', 'id'], unique=False)

    op.create_table('external_inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('inspecting_body', sa.String(length=200), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('site_ids', sa.JSON(), nullable=False),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_external_inspections_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_external_inspections_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_inspections')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_external_inspections_created_by_id_client_id'))
    )
    with op.batch_alter_table('external_inspections', schema=None) as batch_op:
        batch_op.create_index('ix_external_inspections_group', ['group_id', 'inspected_on', 'id'], unique=False)

    op.create_table('campaign_centers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'submitted', name='receiptstatus', native_enum=False, length=32), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=True),
    sa.Column('findings_count', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('corrected_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_centers_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_campaign_centers_center_id_centers')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_campaign_centers_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_centers')),
    sa.UniqueConstraint('campaign_id', 'center_id', name=op.f('uq_campaign_centers_campaign_id_center_id'))
    )
    with op.batch_alter_table('campaign_centers', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_centers_center', ['center_id', 'campaign_id'], unique=False)

    op.create_table('external_inspection_centers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_inspection_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_external_inspection_centers_center_id_centers')),
    sa.ForeignKeyConstraint(['external_inspection_id'], ['external_inspections.id'], name=op.f('fk_external_inspection_centers_external_inspection_id_external_inspections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_inspection_centers')),
    sa.UniqueConstraint('external_inspection_id', 'center_id', name=op.f('uq_external_inspection_centers_external_inspection_id_center_id'))
    )
    with op.batch_alter_table('external_inspection_centers', schema=None) as batch_op:
        batch_op.create_index('ix_external_inspection_centers_center', ['center_id'], unique=False)

    op.create_table('external_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_inspection_id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['external_inspection_id'], ['external_inspections.id'], name=op.f('fk_external_findings_external_inspection_id_external_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_external_findings_hazard_id_hazards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_findings')),
    sa.UniqueConstraint('hazard_id', name=op.f('uq_external_findings_hazard_id'))
    )
    with op.batch_alter_table('external_findings', schema=None) as batch_op:
        batch_op.create_index('ix_external_findings_inspection', ['external_inspection_id'], unique=False)

    with op.batch_alter_table('patrol_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.alter_column('plan_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_patrol_tasks_campaign_id_site_id_module_id'), ['campaign_id', 'site_id', 'module_id'])
        batch_op.create_foreign_key(batch_op.f('fk_patrol_tasks_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])



def downgrade() -> None:
    # campaigns' tasks have no plan: they go with their campaigns
    op.execute("DELETE FROM patrol_tasks WHERE campaign_id IS NOT NULL")
    with op.batch_alter_table('patrol_tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_patrol_tasks_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_patrol_tasks_campaign_id_site_id_module_id'), type_='unique')
        batch_op.alter_column('plan_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('campaign_id')

    with op.batch_alter_table('external_findings', schema=None) as batch_op:
        batch_op.drop_index('ix_external_findings_inspection')

    op.drop_table('external_findings')
    with op.batch_alter_table('external_inspection_centers', schema=None) as batch_op:
        batch_op.drop_index('ix_external_inspection_centers_center')

    op.drop_table('external_inspection_centers')
    with op.batch_alter_table('campaign_centers', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_centers_center')

    op.drop_table('campaign_centers')
    with op.batch_alter_table('external_inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_external_inspections_group')

    op.drop_table('external_inspections')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_campaigns_group_created')

    op.drop_table('campaigns')
