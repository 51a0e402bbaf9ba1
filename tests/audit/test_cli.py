"""`anxun audit verify` on the embedded default database, in processes of their own, with the
default chain key (derived from the data dir's secret.key)."""

import os
import sqlite3
import subprocess
import sys


def cli(data_dir, *args, check=True, **settings):
    env = {**os.environ, "ANXUN_DATA_DIR": str(data_dir), **settings}
    for default in ("ANXUN_DATABASE_URL", "ANXUN_AUDIT_KEY"):
        if default not in settings:
            env.pop(default, None)
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=check)


def test_audit_verify_passes_then_finds_tampering(tmp_path):
    data_dir = tmp_path / "data"
    cli(data_dir, "setup")
    cli(data_dir, "create-user", "auditadmin", "--role", "admin")
    ok = cli(data_dir, "audit", "verify")
    assert ok.returncode == 0
    assert "审计链完整 2 条" in ok.stdout  # the catalogue load and the new user
    other_key = cli(data_dir, "audit", "verify", check=False,
                    ANXUN_AUDIT_KEY="not-the-key-the-chain-was-written-with")
    assert other_key.returncode == 1 and "第 1 条 内容与哈希不符" in other_key.stderr

    with sqlite3.connect(data_dir / "anxun.db") as conn:
        actions = [row[0] for row in conn.execute("SELECT action FROM audit_log ORDER BY id")]
        assert actions == ["module.catalogue_load", "user.create"]
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("""UPDATE audit_log SET summary = '{"after": {"username": "x"}}'
                        WHERE id = 2""")
    broken = cli(data_dir, "audit", "verify", check=False)
    assert broken.returncode == 1
    assert "第 2 条" in broken.stderr
