"""atomic state writes: one hazard per inspection item, inspection versions, idempotency claims,
canonical client ids

- ``hazards (inspection_id, item_id)`` becomes unique. Concurrent submits of one checklist
  could make duplicates before this revision. Nothing is deleted: the most advanced copy keeps
  the item (closed > submitted > assigned > reported, then the oldest); the others are unlinked
  from it, and those still open are cancelled by the system with a reason in their timeline.
- Stored report fingerprints were computed differently before: they become NULL (a retry of
  such a report replays whatever its body).
- ``inspections.version`` (the ETag; bumped by every write).
- ``idempotency_claims``: keys of actions on existing objects, taken before the action runs.
  The keys stored on hazard events move there (fingerprint unknown: any body replays).
- client ids are stored in one spelling, the lower-case dashed UUID.

Revision ID: 0008
Revises: 0007
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUPLICATE_REASON = "重复：同一检查项的并发提交产生（系统升级时撤销）"


def _canonical_client_ids(table: str) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, client_id FROM {table} "  # noqa: S608 - fixed names
                                "WHERE client_id IS NOT NULL")).all()
    for row_id, client_id in rows:
        canonical = str(uuid.UUID(client_id))
        if canonical != client_id:
            conn.execute(sa.text(f"UPDATE {table} SET client_id = :c WHERE id = :i"),  # noqa: S608
                         {"c": canonical, "i": row_id})


RANK = {"closed": 0, "submitted": 1, "assigned": 2, "reported": 3, "cancelled": 4}
OPEN = ("reported", "assigned", "submitted")


def _settle_duplicates() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, inspection_id, item_id, status FROM hazards WHERE inspection_id IS NOT NULL "
        "AND item_id IS NOT NULL ORDER BY inspection_id, item_id, id")).all()
    groups: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for hazard_id, inspection_id, item_id, status in rows:
        groups.setdefault((inspection_id, item_id), []).append((hazard_id, status))
    now = datetime.now(UTC).replace(tzinfo=None) if conn.dialect.name == "sqlite" \
        else datetime.now(UTC)
    for copies in groups.values():
        keeper = min(copies, key=lambda c: (RANK.get(c[1], 5), c[0]))
        for hazard_id, status in copies:
            if (hazard_id, status) == keeper:
                continue
            conn.execute(sa.text("UPDATE hazards SET item_id = NULL WHERE id = :i"),
                         {"i": hazard_id})
            if status not in OPEN:
                continue
            conn.execute(sa.text(
                "UPDATE hazards SET status = 'cancelled', cancel_reason = :r, "
                "version = version + 1 WHERE id = :i"), {"r": DUPLICATE_REASON, "i": hazard_id})
            seq = conn.execute(sa.text("SELECT COALESCE(MAX(seq), 0) + 1 FROM hazard_events "
                                       "WHERE hazard_id = :i"), {"i": hazard_id}).scalar()
            conn.execute(sa.text(
                "INSERT INTO hazard_events (hazard_id, seq, action, actor_id, at, from_status, "
                "to_status, comment, changes) VALUES (:i, :s, 'cancel', NULL, :t, :f, "
                "'cancelled', :r, :c)"),
                {"i": hazard_id, "s": seq, "t": now, "f": status, "r": DUPLICATE_REASON,
                 "c": json.dumps({"duplicate_of": keeper[0]})})


def upgrade() -> None:
    _settle_duplicates()
    op.execute("UPDATE hazards SET request_hash = NULL")
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
