"""a major hazard's 挂牌督办 (supervision); upward reports and the 销号 evidence live in the
timeline (hazard_events), which needs no new column

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('hazards') as batch:
        batch.add_column(sa.Column('supervision', sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('hazards') as batch:
        batch.drop_column('supervision')
