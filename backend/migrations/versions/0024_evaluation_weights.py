"""the centers' evaluation (issue 12): each group's weights and targets, one row written on
the first change (the defaults apply until then)

Revision ID: 0024
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0024'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'evaluation_weights',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('on_time_closure_weight', sa.Integer(), nullable=False),
        sa.Column('overdue_weight', sa.Integer(), nullable=False),
        sa.Column('patrol_completion_weight', sa.Integer(), nullable=False),
        sa.Column('repeat_findings_weight', sa.Integer(), nullable=False),
        sa.Column('tables_on_time_weight', sa.Integer(), nullable=False),
        sa.Column('drills_trainings_weight', sa.Integer(), nullable=False),
        sa.Column('overdue_full_penalty_days', sa.Integer(), nullable=False),
        sa.Column('drills_per_year', sa.Integer(), nullable=False),
        sa.Column('trainings_per_year', sa.Integer(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                                name=op.f('fk_evaluation_weights_group_id_groups')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_evaluation_weights_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_weights')),
        sa.UniqueConstraint('group_id', name=op.f('uq_evaluation_weights_group_id')),
    )


def downgrade() -> None:
    op.drop_table('evaluation_weights')
