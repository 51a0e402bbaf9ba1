"""``ANXUN_METRICS_DIR``: emptied of prometheus-client's files at each start, and never of
anything else (a setting pointing at the data dir must not delete it)."""

import os
import signal
import subprocess
import sys

from backend.metrics import MULTIPROC_ENV, share_between_workers


def test_a_directory_holding_other_files_is_refused_and_kept(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "anxun.db-wal").write_bytes(b"wal")
    (data_dir / "photos").mkdir()
    (data_dir / "photos" / "original.jpg").write_bytes(b"jpeg")
    (data_dir / "counter_123.db").write_bytes(b"stale")
    env = {**os.environ, "ANXUN_DATA_DIR": str(tmp_path / "own"),
           "ANXUN_METRICS_DIR": str(data_dir)}
    serve = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve", "--workers", "2",
                              "--port", "9"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, err = serve.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # it emptied the directory and serves: stop its workers
        os.killpg(serve.pid, signal.SIGKILL)
        raise
    assert serve.returncode == 2, err
    assert "ANXUN_METRICS_DIR" in err and "anxun.db-wal" in err
    assert sorted(p.name for p in data_dir.rglob("*")) == [
        "anxun.db-wal", "counter_123.db", "original.jpg", "photos"]


def test_the_previous_runs_files_are_deleted(tmp_path, monkeypatch):
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    directory = tmp_path / "metrics"
    directory.mkdir()
    for name in ("counter_123.db", "histogram_123.db", "gauge_livesum_123.db"):
        (directory / name).write_bytes(b"stale")
    share_between_workers(directory)
    assert os.environ[MULTIPROC_ENV] == str(directory)
    assert list(directory.iterdir()) == []
    share_between_workers(tmp_path / "new" / "metrics")  # made when missing
    assert (tmp_path / "new" / "metrics").is_dir()
