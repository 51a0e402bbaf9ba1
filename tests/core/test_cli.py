"""`anxun setup --demo` on the embedded default, as `make run` does it."""

import os
import stat
import subprocess
import sys

from sqlalchemy import create_engine, func, select

from backend.accounts.models import User
from backend.modules.models import ModuleVersion, PatrolModule
from backend.org.models import Campus, Center, Site

DEMO_USERS = {"admin", "qa", "leader", "canteen_manager", "canteen_inspector1",
              "canteen_inspector2", "property_manager", "property_inspector1",
              "property_inspector2"}


def run_cli(data_dir, *args):
    env = {**os.environ, "ANXUN_DATA_DIR": str(data_dir)}
    env.pop("ANXUN_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=True)


def counts(data_dir):
    engine = create_engine(f"sqlite:///{data_dir / 'anxun.db'}")
    with engine.connect() as conn:
        result = {model.__name__: conn.scalar(select(func.count()).select_from(model))
                  for model in (Center, Campus, Site, User, PatrolModule, ModuleVersion)}
    engine.dispose()
    return result


def test_setup_with_demo_is_idempotent_and_writes_the_accounts_file(tmp_path):
    data_dir = tmp_path / "data"
    first = run_cli(data_dir, "setup", "--demo")
    accounts_file = data_dir / "demo-accounts.txt"
    assert stat.S_IMODE(accounts_file.stat().st_mode) == 0o600
    lines = accounts_file.read_text().splitlines()
    accounts = dict(line.split(" ") for line in lines)
    assert set(accounts) == DEMO_USERS
    for username, password in accounts.items():
        assert f"{username}" in first.stdout and password in first.stdout
    assert counts(data_dir) == {"Center": 5, "Campus": 3, "Site": 30, "User": 9,
                                "PatrolModule": 50, "ModuleVersion": 50}
    second = run_cli(data_dir, "setup", "--demo")
    assert counts(data_dir)["User"] == 9 and counts(data_dir)["ModuleVersion"] == 50
    assert accounts_file.read_text().splitlines() == lines
    assert not any(password in second.stdout for password in accounts.values())
    secret = data_dir / "secret.key"
    assert not secret.exists() or stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_create_user_command(tmp_path):
    data_dir = tmp_path / "data"
    run_cli(data_dir, "migrate")
    out = run_cli(data_dir, "create-user", "firstadmin", "--role", "admin")
    assert "firstadmin" in out.stdout and "密码" in out.stdout
    weak = subprocess.run([sys.executable, "-m", "backend.cli", "create-user", "second",
                           "--role", "admin", "--password", "password"],
                          env={**os.environ, "ANXUN_DATA_DIR": str(data_dir)},
                          capture_output=True, text=True, timeout=60)
    assert weak.returncode == 2 and "weak_password" in weak.stderr
