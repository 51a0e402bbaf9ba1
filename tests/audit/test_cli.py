"""`anxun audit verify` on the embedded default database."""

import os
import sqlite3
import subprocess
import sys


def cli(data_dir, *args, check=True):
    env = {**os.environ, "ANXUN_DATA_DIR": str(data_dir)}
    env.pop("ANXUN_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=check)


def test_audit_verify_passes_then_finds_tampering(tmp_path):
    data_dir = tmp_path / "data"
    cli(data_dir, "setup")
    cli(data_dir, "create-user", "auditadmin", "--role", "admin")
    ok = cli(data_dir, "audit", "verify")
    assert ok.returncode == 0
    assert "审计链完整 2 条" in ok.stdout  # the catalogue load and the new user

    with sqlite3.connect(data_dir / "anxun.db") as conn:
        actions = [row[0] for row in conn.execute("SELECT action FROM audit_log ORDER BY id")]
        assert actions == ["module.catalogue_load", "user.create"]
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("""UPDATE audit_log SET summary = '{"after": {"username": "x"}}'
                        WHERE id = 2""")
    broken = cli(data_dir, "audit", "verify", check=False)
    assert broken.returncode == 1
    assert "第 2 条" in broken.stderr
