"""number items whose limits depend on the building's height (railings: 1.05 m below 24 m,
1.10 m from 24 m up)

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('module_items') as batch:
        batch.add_column(sa.Column('limits_from_height', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('module_items') as batch:
        batch.drop_column('limits_from_height')
