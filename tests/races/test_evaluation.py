"""The evaluation weights replaced concurrently on a live server (SQLite and PostgreSQL): of
requests naming one version, one wins and the others are 412 — the first change too, which
inserts the group's row (its unique group decides), and each win is audited and emitted once."""

from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.evaluation.models import EvaluationWeights
from backend.events.models import DomainEvent
from backend.vocab import Role
from tests.evaluation.test_weights_api import DEFAULT
from tests.races.test_writes import N, race


@pytest.fixture(scope="module")
def put(live):
    session, make = live.factory()
    qa = make.user(Role.qa_officer, center=make.org.qa)
    token = live.token(session, qa)

    def send(i: int, version: int) -> httpx.Response:
        body = {**DEFAULT, "weights": {**DEFAULT["weights"], "overdue": i}}
        return httpx.put(f"{live.base_url}/api/v1/evaluation/weights", json=body, timeout=60,
                         headers={"Authorization": f"Bearer {token}",
                                  "If-Match": f'"{version}"'})

    yield session, send
    session.close()


def _count(session, model, *where) -> int:  # noqa: ANN001
    n = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    session.commit()  # on SQLite the session's transaction holds the write lock
    return n


@pytest.mark.parametrize("version", [0, 1])
def test_concurrent_changes_of_one_version_apply_once(put, version):
    session, send = put
    answers = race(N, lambda i: send(i, version))
    assert sorted(Counter(r.status_code for r in answers).items()) == [(200, 1), (412, N - 1)]
    winner = next(r for r in answers if r.status_code == 200)
    assert winner.headers["etag"] == f'"{version + 1}"'
    row = session.scalars(select(EvaluationWeights)).one()
    session.commit()
    assert (row.version, row.overdue_weight) == (version + 1,
                                                 winner.json()["weights"]["overdue"])
    assert _count(session, AuditEntry, AuditEntry.action == "evaluation.weights_update") == \
        version + 1
    assert _count(session, DomainEvent, DomainEvent.type == "evaluation.weights_updated") == \
        version + 1
