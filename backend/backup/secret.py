"""The data dir's HMAC secret in a backup.

Signed photo links, the keyed hashes of usernames kept by the login throttle and the audit log,
and the audit chain's key all use it, so a restore needs the same one. When it lives in the data
dir (``secret.key``) the snapshot holds a copy, mode 0600 (a backup is as sensitive as the data
dir); when it comes from ``ANXUN_SECRET_KEY`` the manifest keeps only a fingerprint and the
restoring process must be given the same setting (a restore says so when it is not)."""

import hashlib
import shutil
from pathlib import Path
from typing import Any

from backend.backup.layout import private_file, sha256_file
from backend.config import Settings

FILE = "secret.key"


def data_dir_file(settings: Settings) -> Path:
    return settings.data_dir / FILE


def fingerprint(secret: str) -> str:
    return hashlib.sha256(b"anxun-backup-secret\0" + secret.encode()).hexdigest()[:16]


def back_up(settings: Settings, directory: Path) -> dict[str, str] | None:
    """Copy the secret into the snapshot ``directory``: the manifest's ``secret`` entry."""
    source = data_dir_file(settings)
    from_file = source.is_file() and (settings.secret_key is None or
                                      source.read_text("ascii").strip() == settings.secret_key)
    if from_file:
        target = private_file(directory / FILE)
        shutil.copyfile(source, target)
        return {"file": FILE, "sha256": sha256_file(target)}
    if settings.secret_key:
        return {"setting": fingerprint(settings.secret_key)}
    return None  # the app has not made one yet: nothing was signed with it


def restore(settings: Settings, directory: Path, entry: dict[str, Any] | None) -> list[str]:
    """Put the snapshot's secret back into the data dir; the warnings for the operator."""
    if entry is None:
        return []
    if "file" in entry:
        target = data_dir_file(settings)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(directory / entry["file"], target)
        target.chmod(0o600)
        restored = target.read_text("ascii").strip()
        if settings.secret_key and settings.secret_key != restored:
            return ["ANXUN_SECRET_KEY 与备份的密钥不同, 程序将用前者 (the setting overrides the "
                    "restored secret.key: signed links and keyed hashes will not match)"]
        return []
    if settings.secret_key is None or fingerprint(settings.secret_key) != entry["setting"]:
        return ["备份时密钥来自 ANXUN_SECRET_KEY; 请设置为同一个值 (set ANXUN_SECRET_KEY to the "
                "value the backed-up server used)"]
    return []
