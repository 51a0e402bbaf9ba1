"""control room indexes: GET /stats/overview reads every figure from an index alone

Revision ID: 0022
Revises: 0024 (re-chained after the evaluation weights when stats12 and eval12 met in room12)

- ix_hazards_open (status, center_id, category, grade, deadline): open hazards by center,
  category, grade and status with how many are overdue, one GROUP BY over the open hazards'
  entries only (a few percent of the table);
- ix_hazards_center_created_outcome (center_id, created_at, status, closed_late, closed_at):
  the period's hazards with what became of them, and their days to close;
- ix_hazards_center_closed (center_id, closed_at): closures per week.

The center comes first: the figures are always for a list of centers (the group's, or one),
and with the instant first SQLite's planner took the (center_id, created_at, id) index for the
center list anyway and read the table row by row (closures per week: 166 ms instead of 1 ms on
100,000 hazards).

bench/dashboard.py (SQLite, 200,000 hazards, same load): the overview's p95 went from 14.7x to
2.6x the floor (one GROUP BY over a covering index); 1,000,000 hazards: 2.0x. Figures and why
not counters: bench/README.md.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    'ix_hazards_open': ['status', 'center_id', 'category', 'grade', 'deadline'],
    'ix_hazards_center_created_outcome': ['center_id', 'created_at', 'status', 'closed_late',
                                          'closed_at'],
    'ix_hazards_center_closed': ['center_id', 'closed_at'],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'hazards', columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='hazards')
