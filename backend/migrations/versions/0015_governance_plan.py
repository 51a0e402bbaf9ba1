"""a major hazard's 治理方案 (governance_plan) and its 停用/封控 flag (restricted_use)

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('hazards') as batch:
        batch.add_column(sa.Column('governance_plan', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('restricted_use', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('hazards') as batch:
        batch.alter_column('restricted_use', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('hazards') as batch:
        batch.drop_column('restricted_use')
        batch.drop_column('governance_plan')
