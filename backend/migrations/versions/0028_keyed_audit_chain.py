"""audit chain keyed (issue 14): entries from now on are HMAC-SHA256 with the deployment's chain
key; the head records from which entry (``keyed_from``: the entries before it keep their plain
SHA-256) and is sealed with the key; SQLite refuses an INSERT that would replace an entry
(``INSERT OR REPLACE`` deletes the old row without firing its DELETE trigger); the days whose
daily anchor was written.

Run it with the deployment's settings (``anxun migrate``): the seal is computed with its key
(``ANXUN_AUDIT_KEY``, or the one derived from the secret), which must be the key the app uses.
A downgrade leaves the keyed entries, which the earlier versions no longer verify.

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db
from backend.audit.hashing import head_seal, process_key

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# REPLACE deletes the conflicting rows (the primary key's or the unique hash's) without firing
# DELETE triggers; a BEFORE INSERT trigger runs before that and aborts the statement
SQLITE_NO_REPLACE = """
    CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
    WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id OR hash = NEW.hash)
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
"""


def upgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seal', sa.String(length=64), nullable=True))
    head = sa.table('audit_head', sa.column('id', sa.Integer()), sa.column('last_id', sa.Integer()),
                    sa.column('last_hash', sa.String()), sa.column('keyed_from', sa.Integer()),
                    sa.column('seal', sa.String()))
    bind = op.get_bind()
    last_id, last_hash = bind.execute(sa.select(head.c.last_id, head.c.last_hash)
                                      .where(head.c.id == 1)).one()
    bind.execute(head.update().where(head.c.id == 1).values(
        keyed_from=last_id + 1, seal=head_seal(process_key(), last_id, last_hash, last_id + 1)))
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.alter_column('keyed_from', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('seal', existing_type=sa.String(length=64), nullable=False)

    op.create_table('audit_anchor_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('anchored_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_audit_anchor_days'))
    )
    if bind.dialect.name == 'sqlite':
        op.execute(SQLITE_NO_REPLACE)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
    op.drop_table('audit_anchor_days')
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('seal')
        batch_op.drop_column('keyed_from')
