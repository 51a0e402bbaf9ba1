"""idempotency keys on hazard actions; where a photo's capture time came from

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_hazard_events_actor_id_idempotency_key'),
            ['actor_id', 'idempotency_key'])
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_at_source', sa.String(length=8), nullable=True))
    op.execute("UPDATE photos SET taken_at_source = 'exif' WHERE taken_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('taken_at_source')
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_hazard_events_actor_id_idempotency_key'),
                                 type_='unique')
        batch_op.drop_column('idempotency_key')
