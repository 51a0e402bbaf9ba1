"""the 督办单 number is unique within the group: a supervision_orders row per 挂牌督办, whose
unique key (group_id, order_no) decides between concurrent supervisions; filled from the
hazards already supervised (the first hazard keeps a number that was given twice before)

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    orders = op.create_table(
        'supervision_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('order_no', sa.String(length=200), nullable=False),
        sa.Column('hazard_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                                name=op.f('fk_supervision_orders_group_id_groups')),
        sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], ondelete='CASCADE',
                                name=op.f('fk_supervision_orders_hazard_id_hazards')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_orders')),
        sa.UniqueConstraint('group_id', 'order_no',
                            name=op.f('uq_supervision_orders_group_id_order_no')),
        sa.UniqueConstraint('hazard_id', name=op.f('uq_supervision_orders_hazard_id')),
    )
    hazards = sa.table('hazards', sa.column('id', sa.Integer()),
                       sa.column('center_id', sa.Integer()),
                       sa.column('supervision', sa.JSON(none_as_null=True)))
    centers = sa.table('centers', sa.column('id', sa.Integer()),
                       sa.column('group_id', sa.Integer()))
    rows, taken = [], set()
    for hazard_id, group_id, supervision in op.get_bind().execute(
            sa.select(hazards.c.id, centers.c.group_id, hazards.c.supervision)
            .join(centers, centers.c.id == hazards.c.center_id)
            .where(hazards.c.supervision.is_not(None)).order_by(hazards.c.id)):
        key = (group_id, supervision['order_no'])
        if key not in taken:
            taken.add(key)
            rows.append({'group_id': group_id, 'order_no': key[1], 'hazard_id': hazard_id})
    if rows:
        op.bulk_insert(orders, rows)


def downgrade() -> None:
    op.drop_table('supervision_orders')
