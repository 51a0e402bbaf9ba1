"""The migrations build exactly the schema the models describe (no drift either way)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.models import Base


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
