"""An installation whose chain was written by the versions before 0028 (plain SHA-256) still
verifies after `anxun migrate`; entries from then on are keyed, and they pin the older ones."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text

from backend.audit.hashing import entry_hash
from backend.audit.models import GENESIS_HASH
from backend.migrate import upgrade
from tests.audit.tamper import ENTRIES, HEAD, append, hasher, rewrite

LEGACY = 5


def write_legacy_chain(conn) -> None:  # noqa: ANN001
    prev = GENESIS_HASH
    for n in range(1, LEGACY + 1):
        row = {"id": n, "group_id": None, "at": datetime(2026, 11, 1, tzinfo=UTC)
               + timedelta(minutes=n), "actor_id": None, "actor_label": "system",
               "action": "export.run", "object_type": None, "object_id": None,
               "request_id": f"req-{n}", "summary": {"rows": n}, "prev_hash": prev}
        row["hash"] = prev = entry_hash(row, None)
        conn.execute(insert(ENTRIES).values(row))
    conn.execute(text("UPDATE audit_head SET last_id = :id, last_hash = :hash WHERE id = 1"),
                 {"id": LEGACY, "hash": prev})


def test_a_legacy_chain_verifies_after_the_upgrade(empty_deployment):
    deployment = empty_deployment
    with deployment.engine.connect() as conn:
        upgrade(conn, "0027")
        with conn.begin():
            write_legacy_chain(conn)
    assert deployment.cli("migrate").code == 0
    with deployment.engine.connect() as conn:
        assert conn.scalar(select(HEAD.c.keyed_from)) == LEGACY + 1

    run = deployment.cli("audit", "verify")
    assert run.code == 0, run
    assert f"审计链完整 {LEGACY} 条 (其中升级前未加密钥的 {LEGACY} 条)" in run.out
    append(deployment.engine, 2)
    run = deployment.cli("audit", "verify")
    assert run.code == 0 and f"审计链完整 {LEGACY + 2} 条" in run.out, run

    # an older entry edited, every later hash recomputed with the function of its time
    with deployment.engine.begin() as conn:
        rewrite(conn, hasher(None), edit={2: {"summary": {"rows": 200}}}, from_id=2)
    run = deployment.cli("audit", "verify")
    assert run.code == 1 and f"第 {LEGACY + 1} 条 内容与哈希不符" in run.err
