"""records behind the official tables (issue 12): 附表1 responsibility items (the three
standard rows written for every existing center), 附表2 regulations, the three-year action
campaigns (the group's 2024-2026 治本攻坚三年行动 written for every existing group) with each
center's table submissions, trainings and drills, 通报表扬 / 通报批评 / 约谈, and their attachments

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# frozen copies of backend.records.seed at this revision
STANDARD_ITEMS = (('organization', 1, '安全工作组织机构'), ('network', 2, '安全责任网络表'),
                  ('agreement', 3, '安全生产责任书'))
ACTION = {'title': '后勤集团安全生产治本攻坚三年行动（2024-2026年）', 'first_year': 2024,
          'last_year': 2026, 'table1_due_on': date(2024, 6, 30),
          'table2_due_on': date(2024, 12, 31), 'table3_due_on': date(2024, 6, 30),
          'notes': '后勤字〔2024〕4号：附表1、附表3须在2024年6月30日前、附表2须在2024年12月31日前提交质监办（电子版）'}


def upgrade() -> None:
    op.create_table('accountability_records',
    sa.Column('kind', sa.Enum('praise', 'criticism', 'interview', name='accountabilitykind', native_enum=False, length=32), nullable=False),
    sa.Column('person_name', sa.String(length=100), nullable=True),
    sa.Column('person_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=4000), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('doc_number', sa.String(length=100), nullable=True),
    sa.Column('hazard_ids', sa.JSON(), nullable=False),
    sa.Column('campaign_ids', sa.JSON(), nullable=False),
    sa.Column('action_campaign_ids', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_accountability_records_center_id_centers')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_accountability_records_created_by_id_users')),
    sa.ForeignKeyConstraint(['person_user_id'], ['users.id'], name=op.f('fk_accountability_records_person_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_records')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_accountability_records_created_by_id_client_id'))
    )
    with op.batch_alter_table('accountability_records', schema=None) as batch_op:
        batch_op.create_index('ix_accountability_records_center', ['center_id', 'issued_on', 'id'], unique=False)

    op.create_table('action_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.Column('table1_due_on', sa.Date(), nullable=False),
    sa.Column('table2_due_on', sa.Date(), nullable=False),
    sa.Column('table3_due_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_action_campaigns_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_action_campaigns_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_campaigns')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_action_campaigns_created_by_id_client_id'))
    )
    with op.batch_alter_table('action_campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_action_campaigns_group', ['group_id', 'id'], unique=False)

    op.create_table('record_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.Enum('responsibility_item', 'regulation', 'training', 'accountability', name='recordtype', native_enum=False, length=32), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_record_attachments_center_id_centers')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_record_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_attachments'))
    )
    with op.batch_alter_table('record_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_record_attachments_record', ['record_type', 'record_id', 'id'], unique=False)

    op.create_table('regulations',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('doc_number', sa.String(length=100), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('remark', sa.String(length=2000), nullable=True),
    sa.Column('decision', sa.Enum('abolish', 'amend', 'keep', 'create', name='reviewdecision', native_enum=False, length=32), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_regulations_center_id_centers')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_regulations_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regulations')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_regulations_created_by_id_client_id'))
    )
    with op.batch_alter_table('regulations', schema=None) as batch_op:
        batch_op.create_index('ix_regulations_center', ['center_id', 'seq', 'id'], unique=False)

    op.create_table('responsibility_items',
    sa.Column('standard_key', sa.String(length=32), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('established', sa.Boolean(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('remark', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_responsibility_items_center_id_centers')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_responsibility_items_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responsibility_items')),
    sa.UniqueConstraint('center_id', 'standard_key', name=op.f('uq_responsibility_items_center_id_standard_key')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_responsibility_items_created_by_id_client_id'))
    )
    with op.batch_alter_table('responsibility_items', schema=None) as batch_op:
        batch_op.create_index('ix_responsibility_items_center', ['center_id', 'position', 'id'], unique=False)

    op.create_table('trainings',
    sa.Column('kind', sa.Enum('drill', 'training', name='trainingkind', native_enum=False, length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('participant_count', sa.Integer(), nullable=True),
    sa.Column('participant_names', sa.JSON(), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('summary', sa.String(length=4000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_trainings_center_id_centers')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_trainings_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_trainings_created_by_id_client_id'))
    )
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.create_index('ix_trainings_center_held', ['center_id', 'held_on', 'id'], unique=False)
        batch_op.create_index('ix_trainings_held', ['held_on'], unique=False)

    op.create_table('table_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_campaign_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('table_key', sa.Enum('table1', 'table2', 'table3', name='officialtable', native_enum=False, length=32), nullable=False),
    sa.Column('submitted_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['action_campaign_id'], ['action_campaigns.id'], name=op.f('fk_table_submissions_action_campaign_id_action_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_table_submissions_center_id_centers')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_table_submissions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_table_submissions')),
    sa.UniqueConstraint('action_campaign_id', 'center_id', 'table_key', name=op.f('uq_table_submissions_action_campaign_id_center_id_table_key'))
    )
    with op.batch_alter_table('table_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_table_submissions_center', ['center_id'], unique=False)

    _seed()


def _seed() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    stamps = {'version': 1, 'created_at': now, 'updated_at': now}
    groups = sa.table('groups', sa.column('id', sa.Integer()))
    centers = sa.table('centers', sa.column('id', sa.Integer()))

    def stamp_columns() -> tuple[sa.ColumnClause, ...]:
        return (sa.column('version', sa.Integer()),
                sa.column('created_at', backend.db.UTCDateTime(timezone=True)),
                sa.column('updated_at', backend.db.UTCDateTime(timezone=True)))

    items = sa.table('responsibility_items', sa.column('center_id', sa.Integer()),
                     sa.column('standard_key', sa.String()), sa.column('position', sa.Integer()),
                     sa.column('title', sa.String()), *stamp_columns())
    actions = sa.table('action_campaigns', sa.column('group_id', sa.Integer()),
                       sa.column('title', sa.String()), sa.column('first_year', sa.Integer()),
                       sa.column('last_year', sa.Integer()), sa.column('notes', sa.String()),
                       *(sa.column(f'table{n}_due_on', sa.Date()) for n in (1, 2, 3)),
                       *stamp_columns())
    item_rows = [{'center_id': center_id, 'standard_key': key, 'position': position,
                  'title': title, **stamps}
                 for center_id in bind.scalars(sa.select(centers.c.id).order_by(centers.c.id))
                 for key, position, title in STANDARD_ITEMS]
    action_rows = [{'group_id': group_id, **ACTION, **stamps}
                   for group_id in bind.scalars(sa.select(groups.c.id).order_by(groups.c.id))]
    if item_rows:
        op.bulk_insert(items, item_rows)
    if action_rows:
        op.bulk_insert(actions, action_rows)


def downgrade() -> None:
    with op.batch_alter_table('table_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_table_submissions_center')

    op.drop_table('table_submissions')
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.drop_index('ix_trainings_held')
        batch_op.drop_index('ix_trainings_center_held')

    op.drop_table('trainings')
    with op.batch_alter_table('responsibility_items', schema=None) as batch_op:
        batch_op.drop_index('ix_responsibility_items_center')

    op.drop_table('responsibility_items')
    with op.batch_alter_table('regulations', schema=None) as batch_op:
        batch_op.drop_index('ix_regulations_center')

    op.drop_table('regulations')
    with op.batch_alter_table('record_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_record_attachments_record')

    op.drop_table('record_attachments')
    with op.batch_alter_table('action_campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_action_campaigns_group')

    op.drop_table('action_campaigns')
    with op.batch_alter_table('accountability_records', schema=None) as batch_op:
        batch_op.drop_index('ix_accountability_records_center')

    op.drop_table('accountability_records')
