"""The PostgreSQL grants of docs/operations.md, run as written (for a role of the test's own):
the app's role appends to the audit log and verifies it, and cannot change, delete, truncate it
or switch its triggers off."""

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from backend.audit import verify_chain
from tests.audit.tamper import append

OPERATIONS = Path(__file__).parents[2] / "docs" / "operations.md"


def documented_grants() -> list[str]:
    section = OPERATIONS.read_text(encoding="utf-8").split("### PostgreSQL grants")[1]
    block = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    assert block, "no sql block under PostgreSQL grants"
    return [s.strip() for s in block.group(1).split(";") if s.strip()]


@pytest.fixture
def app_role(deployment):
    if deployment.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's roles")
    role = f"anxun_app_t{uuid.uuid4().hex[:8]}"
    with deployment.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        for statement in documented_grants():
            conn.execute(text(statement.replace("anxun_app", role)))
    engine = create_engine(make_url(deployment.url).set(username=role))
    yield engine
    engine.dispose()
    with deployment.engine.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))


@pytest.mark.parametrize("statement, refusal", [
    ("ALTER TABLE audit_log DISABLE TRIGGER USER", "must be owner"),
    ("DROP TRIGGER audit_log_append_only ON audit_log", "must be owner"),
    ("UPDATE audit_log SET action = 'x'", "permission denied"),
    ("DELETE FROM audit_log", "permission denied"),
    ("TRUNCATE audit_log", "permission denied"),
])
def test_the_app_role_appends_but_cannot_undo(app_role, statement, refusal):
    append(app_role, 2)
    with Session(app_role) as session:
        assert verify_chain(session).ok
    with pytest.raises(DBAPIError, match=refusal), app_role.begin() as conn:
        conn.execute(text(statement))
