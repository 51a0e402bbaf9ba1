"""catalogue fields (how to check, usual fix, rule key, major basis, site kinds a module applies
to), site attributes that change a limit, and a marked-up photo's link to its original

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEM_TEXTS = (('method', 300), ('advice', 300), ('rule', 64), ('major_basis', 200))


def upgrade() -> None:
    with op.batch_alter_table('module_versions') as batch:
        batch.add_column(sa.Column('site_kinds', sa.JSON(), nullable=False,
                                   server_default=sa.text("'[]'")))
    with op.batch_alter_table('module_versions') as batch:
        batch.alter_column('site_kinds', server_default=None)
    with op.batch_alter_table('module_items') as batch:
        for name, length in ITEM_TEXTS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    with op.batch_alter_table('sites') as batch:
        batch.add_column(sa.Column('building_height_m', sa.Numeric(precision=5, scale=1),
                                   nullable=True))
        batch.add_column(sa.Column('large_span_roof', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('sites') as batch:
        batch.alter_column('large_span_roof', server_default=None)
    with op.batch_alter_table('photos') as batch:
        batch.add_column(sa.Column('markup_of_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_photos_markup_of_id_photos'), 'photos',
                                 ['markup_of_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('photos') as batch:
        batch.drop_constraint(batch.f('fk_photos_markup_of_id_photos'), type_='foreignkey')
        batch.drop_column('markup_of_id')
    with op.batch_alter_table('sites') as batch:
        batch.drop_column('large_span_roof')
        batch.drop_column('building_height_m')
    with op.batch_alter_table('module_items') as batch:
        for name, _ in ITEM_TEXTS:
            batch.drop_column(name)
    with op.batch_alter_table('module_versions') as batch:
        batch.drop_column('site_kinds')
