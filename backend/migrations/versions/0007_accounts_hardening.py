"""login throttle keyed by a keyed hash of the username, with an index to purge old rows

The old rows (keyed by the typed text, never purged) are throttling state only: dropped.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table('login_throttle')
    op.create_table('login_throttle',
    sa.Column('username_hmac', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username_hmac', name=op.f('pk_login_throttle'))
    )
    op.create_index(op.f('ix_login_throttle_window_started_at'), 'login_throttle',
                    ['window_started_at'], unique=False)


def downgrade() -> None:
    op.drop_table('login_throttle')
    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_throttle'))
    )
