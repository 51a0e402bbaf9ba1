"""pg_dump refuses a server newer than itself: the backup says so before it starts."""

import pytest

from backend.backup.database import DatabaseError, pg_tool


def test_a_client_older_than_the_server_is_refused_by_name():
    with pytest.raises(DatabaseError, match="PostgreSQL 99"):
        pg_tool("pg_dump", 99)
