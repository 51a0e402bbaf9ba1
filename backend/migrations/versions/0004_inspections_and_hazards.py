"""inspections and hazards

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:04:41.141415
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('module_version_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('routine', 'special', 'holiday', 'supervision', 'external', name='inspectionkind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', name='inspectionstatus', native_enum=False, length=32), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('checkin_method', sa.Enum('qr', 'list', name='checkinmethod', native_enum=False, length=32), nullable=True),
    sa.Column('gps_lat', sa.Double(), nullable=True),
    sa.Column('gps_lon', sa.Double(), nullable=True),
    sa.Column('started_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_inspections_campus_id_campuses')),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_inspections_center_id_centers')),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_inspections_inspector_id_users')),
    sa.ForeignKeyConstraint(['module_id'], ['patrol_modules.id'], name=op.f('fk_inspections_module_id_patrol_modules')),
    sa.ForeignKeyConstraint(['module_version_id'], ['module_versions.id'], name=op.f('fk_inspections_module_version_id_module_versions')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_inspections_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections')),
    sa.UniqueConstraint('inspector_id', 'client_id', name=op.f('uq_inspections_inspector_id_client_id'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_center_created', ['center_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_site_id'), ['site_id'], unique=False)

    op.create_table('hazards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=True),
    sa.Column('category', sa.Enum('fire', 'food', 'gas', 'water_power', 'school_bus', 'building', 'equipment', 'hygiene', 'other', name='category', native_enum=False, length=32), nullable=False),
    sa.Column('grade', sa.Enum('general', 'major', name='grade', native_enum=False, length=32), nullable=False),
    sa.Column('source', sa.Enum('inspection', 'adhoc', 'external', 'plan', name='hazardsource', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('reported', 'assigned', 'submitted', 'closed', 'cancelled', name='status', native_enum=False, length=32), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('measures', sa.String(length=2000), nullable=True),
    sa.Column('cost_estimate', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('interim_measures', sa.String(length=2000), nullable=True),
    sa.Column('rechecker_id', sa.Integer(), nullable=True),
    sa.Column('extension_deadline', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.String(length=1000), nullable=True),
    sa.Column('rectification', sa.String(length=2000), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verifier_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_late', sa.Boolean(), nullable=False),
    sa.Column('fixed_on_spot', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sa.String(length=1000), nullable=True),
    sa.Column('captured_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_hazards_assignee_id_users')),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_hazards_campus_id_campuses')),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_hazards_center_id_centers')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_hazards_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['item_id'], ['module_items.id'], name=op.f('fk_hazards_item_id_module_items')),
    sa.ForeignKeyConstraint(['rechecker_id'], ['users.id'], name=op.f('fk_hazards_rechecker_id_users')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_hazards_reporter_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_hazards_site_id_sites')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_hazards_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['verifier_id'], ['users.id'], name=op.f('fk_hazards_verifier_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazards')),
    sa.UniqueConstraint('reporter_id', 'client_id', name=op.f('uq_hazards_reporter_id_client_id'))
    )
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazards_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazards_campus_id'), ['campus_id'], unique=False)
        batch_op.create_index('ix_hazards_center_created', ['center_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_hazards_created', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazards_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazards_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_hazards_status_deadline', ['status', 'deadline'], unique=False)

    op.create_table('inspection_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('pass', 'fail', 'na', name='answerresult', native_enum=False, length=32), nullable=True),
    sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('fixed_on_spot', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_answers_inspection_id_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['module_items.id'], name=op.f('fk_inspection_answers_item_id_module_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_answers')),
    sa.UniqueConstraint('inspection_id', 'item_id', name=op.f('uq_inspection_answers_inspection_id_item_id'))
    )
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_answers_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('hazard_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.Enum('reported', 'assigned', 'submitted', 'closed', 'cancelled', name='status', native_enum=False, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('reported', 'assigned', 'submitted', 'closed', 'cancelled', name='status', native_enum=False, length=32), nullable=True),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_hazard_events_actor_id_users')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_hazard_events_hazard_id_hazards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_events')),
    sa.UniqueConstraint('hazard_id', 'seq', name=op.f('uq_hazard_events_hazard_id_seq'))
    )
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_events_hazard_id'), ['hazard_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_events_hazard_id'))

    op.drop_table('hazard_events')
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_answers_inspection_id'))

    op.drop_table('inspection_answers')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index('ix_hazards_status_deadline')
        batch_op.drop_index(batch_op.f('ix_hazards_site_id'))
        batch_op.drop_index(batch_op.f('ix_hazards_inspection_id'))
        batch_op.drop_index('ix_hazards_created')
        batch_op.drop_index('ix_hazards_center_created')
        batch_op.drop_index(batch_op.f('ix_hazards_campus_id'))
        batch_op.drop_index(batch_op.f('ix_hazards_assignee_id'))

    op.drop_table('hazards')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_site_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_module_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspector_id'))
        batch_op.drop_index('ix_inspections_center_created')

    op.drop_table('inspections')
