"""the changes feed (issue 13): `updated_since` / `sort=updated` indexes on hazards and
inspections, `updated_at` backfilled to their last recorded change, and the events' (center,
sequence) index for a center's page of GET /events

Revision ID: 0026
Revises: 0024
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# every change to an inspection's answers or photo links since 0008 bumps its updated_at (the
# draft's row lock, inspections.service._lock_draft); saves before that touched no inspection
# row, so a draft's updated_at may predate its answers' photo links, and a hazard's its last
# timeline entry: each is raised to the latest change recorded for it
LAST_HAZARD_CHANGE = "(SELECT max(e.at) FROM hazard_events e WHERE e.hazard_id = hazards.id)"
LAST_ANSWER_PHOTO = (
    "(SELECT max(l.created_at) FROM photo_links l JOIN inspection_answers a ON a.id = l.owner_id"
    " WHERE a.inspection_id = inspections.id"
    " AND l.owner_type IN ('inspection_answer', 'inspection_answer_after'))")


BACKFILL = (
    f"UPDATE hazards SET updated_at = {LAST_HAZARD_CHANGE} "
    f"WHERE updated_at < {LAST_HAZARD_CHANGE}",
    "UPDATE inspections SET updated_at = submitted_at "
    "WHERE submitted_at IS NOT NULL AND updated_at < submitted_at",
    f"UPDATE inspections SET updated_at = {LAST_ANSWER_PHOTO} "
    f"WHERE updated_at < {LAST_ANSWER_PHOTO}",
)


def upgrade() -> None:
    for statement in BACKFILL:
        op.execute(statement)
    # sort=updated (oldest change first) and updated_since, for the group and for one center
    op.create_index('ix_hazards_updated', 'hazards', ['updated_at', 'id'])
    op.create_index('ix_hazards_center_updated', 'hazards', ['center_id', 'updated_at', 'id'])
    op.create_index('ix_inspections_updated', 'inspections', ['updated_at', 'id'])
    op.create_index('ix_inspections_center_updated', 'inspections',
                    ['center_id', 'updated_at', 'id'])
    # a center's events in sequence order (a manager's GET /events): walked, not sorted
    op.drop_index('ix_domain_events_center_id', table_name='domain_events')
    op.create_index('ix_domain_events_center_seq', 'domain_events', ['center_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_domain_events_center_seq', table_name='domain_events')
    op.create_index('ix_domain_events_center_id', 'domain_events', ['center_id'])
    op.drop_index('ix_inspections_center_updated', table_name='inspections')
    op.drop_index('ix_inspections_updated', table_name='inspections')
    op.drop_index('ix_hazards_center_updated', table_name='hazards')
    op.drop_index('ix_hazards_updated', table_name='hazards')
