"""附表3 plan entries (风险隐患整改计划表): per center, linked to a hazard or stand-alone
(本质基础隐患 with a category), with a deadline month range and a cost in 万元 per year

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rectification_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('measures', sa.String(length=2000), nullable=False),
    sa.Column('category', sa.Enum('building_repair', 'equipment_renewal', 'informatisation', 'other', name='rectificationcategory', native_enum=False, length=32), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_rectification_entries_center_id_centers')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rectification_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_rectification_entries_group_id_groups')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_rectification_entries_hazard_id_hazards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_entries')),
    sa.UniqueConstraint('created_by_id', 'client_id', name=op.f('uq_rectification_entries_created_by_id_client_id')),
    sa.UniqueConstraint('hazard_id', name=op.f('uq_rectification_entries_hazard_id'))
    )
    with op.batch_alter_table('rectification_entries', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_entries_center', ['center_id', 'id'], unique=False)

    op.create_table('rectification_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('from_month', sa.Integer(), nullable=True),
    sa.Column('to_month', sa.Integer(), nullable=True),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.CheckConstraint('(from_month IS NULL AND to_month IS NULL) OR (from_month BETWEEN 1 AND 12 AND to_month BETWEEN from_month AND 12)', name=op.f('ck_rectification_years_month_range')),
    sa.CheckConstraint('cost IS NULL OR cost >= 0', name=op.f('ck_rectification_years_cost_not_negative')),
    sa.ForeignKeyConstraint(['entry_id'], ['rectification_entries.id'], name=op.f('fk_rectification_years_entry_id_rectification_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_years')),
    sa.UniqueConstraint('entry_id', 'year', name=op.f('uq_rectification_years_entry_id_year'))
    )


def downgrade() -> None:
    op.drop_table('rectification_years')
    with op.batch_alter_table('rectification_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_entries_center')

    op.drop_table('rectification_entries')
