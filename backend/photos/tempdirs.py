"""Each process's own directory for temporary files (uploads as they stream in, their
derivatives, exports), locked for as long as the process lives.

A process killed mid-upload (SIGKILL, the OOM killer, a power cut) left its temporary files in
the shared directory, and the next start kept them: younger than the age that tells a crash's
leftovers from another worker's upload in progress (the chaos benchmark left 73 files after 8
kills). Now they are in a directory whose ``flock`` the kernel releases when its process dies,
however it dies: a start-up or ``photos-gc`` removes every directory whose lock it can take,
and leaves the directories of live processes (other workers on the same data dir) alone."""

import fcntl
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

LOCK = ".lock"
PREFIX = "proc-"
# this process's directory and the open, locked descriptor that holds it, by parent directory
_held: dict[Path, tuple[Path, int, int]] = {}
_making = threading.Lock()


def own_dir(root: Path) -> Path:
    """This process's directory under ``root``, made and locked on first use."""
    with _making:
        return _own_dir(root)


def _own_dir(root: Path) -> Path:
    held = _held.get(root)
    if held is not None and held[2] == os.getpid():
        if held[0].is_dir():
            return held[0]
        os.close(held[1])  # removed under us (a test's cleanup): take a new one
    root.mkdir(parents=True, exist_ok=True)
    while True:
        path = Path(tempfile.mkdtemp(dir=root, prefix=PREFIX))
        fd = os.open(path / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # a sweep that took it first removes it, then lets go
        if os.fstat(fd).st_nlink:  # still there: it is ours
            _held[root] = (path, fd, os.getpid())
            return path
        os.close(fd)


def release(root: Path) -> None:
    """At a clean stop: remove this process's directory under ``root``, if it made one."""
    held = _held.pop(root, None)
    if held is not None and held[2] == os.getpid():
        shutil.rmtree(held[0], ignore_errors=True)
        os.close(held[1])


def remove_dead(root: Path, older_than: float) -> int:
    """Remove the directories under ``root`` of processes that are gone (and any without a lock
    older than ``older_than`` seconds: a process killed before it took its lock); returns how
    many files they held."""
    removed = 0
    try:
        entries = [e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)
                   and e.name.startswith(PREFIX)]
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            fd = os.open(Path(entry.path) / LOCK, os.O_RDWR)
        except FileNotFoundError:
            try:
                if entry.stat().st_mtime < time.time() - older_than:
                    removed += _remove(Path(entry.path))
            except FileNotFoundError:
                pass
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its process is alive
            os.close(fd)
            continue
        try:
            removed += _remove(Path(entry.path))
        finally:
            os.close(fd)
    return removed


def _remove(path: Path) -> int:
    files = sum(1 for p in path.rglob("*") if p.is_file() and p.name != LOCK)
    shutil.rmtree(path, ignore_errors=True)
    return files
