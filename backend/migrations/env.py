from alembic import context
from sqlalchemy import Connection

from backend.db import get_engine
from backend.migrate import sqlite_foreign_keys_off
from backend.models import Base

target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with get_engine().connect() as conn, sqlite_foreign_keys_off(conn):
        run(conn)
        conn.commit()
