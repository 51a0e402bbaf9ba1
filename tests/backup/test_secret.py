"""What a backup keeps of the HMAC secret, and what a restore says about it."""

import stat

from backend.backup import secret
from backend.config import Settings


def test_a_data_dir_secret_is_copied_and_restored_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    generated = settings.secret  # the app makes it on first use
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    entry = secret.back_up(settings, snapshot)
    assert entry is not None and entry["file"] == "secret.key"
    assert stat.S_IMODE((snapshot / "secret.key").stat().st_mode) == 0o600

    restored = Settings(data_dir=tmp_path / "new")
    assert secret.restore(restored, snapshot, entry) == []
    assert restored.secret == generated
    assert stat.S_IMODE((tmp_path / "new" / "secret.key").stat().st_mode) == 0o600
    overridden = Settings(data_dir=tmp_path / "other", secret_key="another")
    assert "ANXUN_SECRET_KEY" in secret.restore(overridden, snapshot, entry)[0]


def test_a_secret_from_the_setting_leaves_only_a_fingerprint(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", secret_key="from-the-environment")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret.key").write_text("stale: the setting wins")
    entry = secret.back_up(settings, tmp_path)
    assert entry == {"setting": secret.fingerprint("from-the-environment")}
    assert not (tmp_path / "secret.key").exists()
    same = Settings(data_dir=tmp_path / "new", secret_key="from-the-environment")
    assert secret.restore(same, tmp_path, entry) == []
    for missing in (Settings(data_dir=tmp_path / "new"),
                    Settings(data_dir=tmp_path / "new", secret_key="different")):
        assert "ANXUN_SECRET_KEY" in secret.restore(missing, tmp_path, entry)[0]
    assert not (tmp_path / "new").exists()


def test_no_secret_yet_is_nothing_to_keep(tmp_path):
    assert secret.back_up(Settings(data_dir=tmp_path / "data"), tmp_path) is None
    assert secret.restore(Settings(data_dir=tmp_path / "new"), tmp_path, None) == []
