"""Each tampering of issue 14, scripted against a deployment of its own, makes `anxun audit
verify` exit 1 with the first problem named; an untouched chain with its anchors passes."""

import json
import sqlite3

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from backend.audit.hashing import process_key
from backend.audit.models import AuditEntry
from tests.audit.tamper import HEAD, append, entries, hasher, lift_guards, move_head, rewrite

COUNT = 12


@pytest.fixture
def chain(deployment):
    """Twelve entries, anchored at the last one by `anxun audit anchor`."""
    append(deployment.engine, COUNT)
    anchored = deployment.cli("audit", "anchor")
    assert anchored.code == 0 and f"条目 {COUNT}" in anchored.out, anchored
    return deployment


def test_a_good_chain_and_its_anchors_pass(chain):
    append(chain.engine, 3)  # entries after the last anchor change nothing it anchored
    run = chain.cli("audit", "verify")
    assert run.code == 0, run
    assert f"审计链完整 {COUNT + 3} 条" in run.out and "与 1 个锚点一致" in run.out
    assert run.err == ""


def test_the_anchor_file_holds_the_head(chain):
    [line] = (chain.data_dir / "anchors" / "audit-anchors.jsonl").read_text().splitlines()
    anchor = json.loads(line)
    with chain.engine.connect() as conn:
        last = entries(conn)[-1]
    assert (anchor["kind"], anchor["entry_id"], anchor["hash"]) == ("manual", COUNT, last["hash"])
    assert anchor["entry_at"] == last["at"].isoformat()


@pytest.mark.parametrize("key", [None, b"a guessed key, not the chain's"],
                         ids=["unkeyed", "wrong-key"])
def test_an_edited_entry_with_every_later_hash_recomputed_fails(deployment, key):
    """The attack of the issue (no anchor yet: the key alone catches it)."""
    append(deployment.engine, COUNT)
    with deployment.engine.begin() as conn:
        rewrite(conn, hasher(key), edit={5: {"summary": {"rows": 500}}}, from_id=5)
    run = deployment.cli("audit", "verify")
    assert run.code == 1
    assert "审计链异常: 第 5 条 内容与哈希不符" in run.err


def test_insert_replacing_an_entry_is_refused(chain):
    with chain.engine.connect() as conn:
        first = entries(conn)[0]
    forged = {**first, "summary": json.dumps({"rows": 999}), "at": first["at"].isoformat()}
    columns = ", ".join(forged)
    values = ", ".join(f":{name}" for name in forged)
    if chain.engine.dialect.name == "sqlite":  # fires no DELETE trigger: refused on insert
        statement = f"INSERT OR REPLACE INTO audit_log ({columns}) VALUES ({values})"
    else:
        statement = (f"INSERT INTO audit_log ({columns}) VALUES ({values}) "
                     "ON CONFLICT (id) DO UPDATE SET summary = EXCLUDED.summary")
    with pytest.raises(DBAPIError, match="append-only"), chain.engine.begin() as conn:
        conn.execute(text(statement), forged)
    assert chain.cli("audit", "verify").code == 0


def test_insert_or_replace_is_refused_by_the_sqlite_file_itself(chain):
    """As the issue's attacker did it: the sqlite3 module on the stopped server's file."""
    if chain.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's INSERT OR REPLACE")
    path = chain.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.IntegrityError,
                                                      match="append-only"):
        conn.execute("INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE id = 3")


def test_a_removed_tail_with_a_fixed_and_resealed_head_is_found_by_the_anchor(chain):
    """An insider holding the key re-seals the head: the chain verifies, the anchor does not."""
    with chain.engine.begin() as conn:
        lift_guards(conn)
        conn.execute(delete(AuditEntry).where(AuditEntry.id > COUNT - 2))
        last = entries(conn)[-1]
        move_head(conn, last["id"], last["hash"], seal_key=process_key())
    run = chain.cli("audit", "verify")
    assert run.code == 1
    assert f"审计链完整 {COUNT - 2} 条" in run.out
    assert "第一个不一致的锚点: " in run.err and f"条目 {COUNT} 已不存在" in run.err


def test_a_removed_tail_without_the_key_breaks_the_seal_too(chain):
    with chain.engine.begin() as conn:
        lift_guards(conn)
        conn.execute(delete(AuditEntry).where(AuditEntry.id == COUNT))
        last = entries(conn)[-1]
        move_head(conn, last["id"], last["hash"])
    run = chain.cli("audit", "verify")
    assert run.code == 1 and "链头签名不符" in run.err and f"条目 {COUNT} 已不存在" in run.err


@pytest.mark.parametrize("insider", [False, True], ids=["no-key", "with-the-key"])
def test_a_whole_database_rewritten_with_a_recomputed_chain_is_found(chain, insider):
    """Every entry rewritten from the first and the head moved; without the key the attacker
    claims the whole chain predates keying. Either way the anchor names the rewrite."""
    key = process_key() if insider else None
    with chain.engine.begin() as conn:
        written = rewrite(conn, hasher(key), edit={2: {"summary": {"rows": 200}}}, from_id=1)
        if insider:
            move_head(conn, written[-1]["id"], written[-1]["hash"], seal_key=key)
        else:
            conn.execute(update(HEAD).values(keyed_from=COUNT + 1))
    run = chain.cli("audit", "verify")
    assert run.code == 1
    assert (f"审计链完整 {COUNT} 条" in run.out) if insider else ("链头签名不符" in run.err)
    assert f"条目 {COUNT} 的哈希与锚点不符" in run.err


def test_a_damaged_anchor_file_fails(chain):
    with open(chain.data_dir / "anchors" / "audit-anchors.jsonl", "a") as out:
        out.write("{not json\n")
    run = chain.cli("audit", "verify")
    assert run.code == 1 and "第 2 行无法解析" in run.err


def test_verify_without_anchors_says_so(deployment):
    append(deployment.engine, 2)
    run = deployment.cli("audit", "verify")
    assert run.code == 0 and "尚无锚点" in run.out
    with deployment.engine.connect() as conn:
        assert conn.scalar(select(HEAD.c.keyed_from)) == 1  # a new database is keyed throughout
