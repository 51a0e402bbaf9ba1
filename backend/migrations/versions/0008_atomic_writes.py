"""atomic state writes: one hazard per inspection item, inspection versions, idempotency claims,
canonical client ids

- ``hazards (inspection_id, item_id)`` becomes unique. Concurrent submits of one checklist
  could make duplicates before this revision; the later copies are kept (nothing is deleted)
  but cancelled with a reason and unlinked from the item.
- ``inspections.version`` (the ETag; bumped by every write).
- ``idempotency_claims``: keys of actions on existing objects, taken before the action runs.
  The keys stored on hazard events move there (fingerprint unknown: any body replays).
- client ids are stored in one spelling, the lower-case dashed UUID.

Revision ID: 0008
Revises: 0007
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUPLICATE_REASON = "重复：同一检查项的并发提交产生（系统迁移时撤销）"


def _canonical_client_ids(table: str) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, client_id FROM {table} "  # noqa: S608 - fixed names
                                "WHERE client_id IS NOT NULL")).all()
    for row_id, client_id in rows:
        canonical = str(uuid.UUID(client_id))
        if canonical != client_id:
            conn.execute(sa.text(f"UPDATE {table} SET client_id = :c WHERE id = :i"),  # noqa: S608
                         {"c": canonical, "i": row_id})


def upgrade() -> None:
    op.execute(sa.text(
        "UPDATE hazards SET status = 'cancelled', cancel_reason = :reason, item_id = NULL "
        "WHERE inspection_id IS NOT NULL AND item_id IS NOT NULL AND id > ("
        " SELECT MIN(h2.id) FROM hazards h2"
        " WHERE h2.inspection_id = hazards.inspection_id AND h2.item_id = hazards.item_id)"
    ).bindparams(reason=DUPLICATE_REASON))
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_hazards_inspection_id_item_id'),
                                          ['inspection_id', 'item_id'])
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
    op.create_table(
        'idempotency_claims',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=36), nullable=False),
        sa.Column('scope', sa.String(length=64), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=True),
        sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_idempotency_claims_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_claims')),
        sa.UniqueConstraint('actor_id', 'key', name=op.f('uq_idempotency_claims_actor_id_key')),
    )
    conn = op.get_bind()
    for actor_id, key, action, hazard_id, at in conn.execute(sa.text(
            "SELECT actor_id, idempotency_key, action, hazard_id, at FROM hazard_events "
            "WHERE idempotency_key IS NOT NULL AND actor_id IS NOT NULL")).all():
        conn.execute(sa.text(
            "INSERT INTO idempotency_claims (actor_id, key, scope, object_id, created_at) "
            "VALUES (:a, :k, :s, :o, :t)"),
            {"a": actor_id, "k": str(uuid.UUID(key)), "s": f"hazard.{action}", "o": hazard_id,
             "t": at})
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_hazard_events_actor_id_idempotency_key', type_='unique')
        batch_op.drop_column('idempotency_key')
    _canonical_client_ids('hazards')
    _canonical_client_ids('inspections')


def downgrade() -> None:
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint('uq_hazard_events_actor_id_idempotency_key',
                                          ['actor_id', 'idempotency_key'])
    op.drop_table('idempotency_claims')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_hazards_inspection_id_item_id'), type_='unique')
