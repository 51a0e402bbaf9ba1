"""items asked only at sites with an attribute (snow load: only under a large-span roof)

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('module_items') as batch:
        batch.add_column(sa.Column('only_if_site', sa.Enum(
            'large_span_roof', name='sitecondition', native_enum=False, length=32),
            nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('module_items') as batch:
        batch.drop_column('only_if_site')
