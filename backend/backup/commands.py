"""The ``anxun backup`` and ``anxun restore`` commands (exit codes in README)."""

import argparse
import sys
from pathlib import Path

from backend.config import get_settings
from backend.db import get_engine

RESTORED, CHAIN_BROKEN, UNUSABLE, NOT_EMPTY, INTERRUPTED = 0, 1, 2, 3, 4


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def cmd_backup(args: argparse.Namespace) -> int:
    from backend.backup.database import DatabaseError
    from backend.backup.service import backup

    try:
        report = backup(get_settings(), get_engine(), Path(args.dir))
    except DatabaseError as exc:
        print(f"备份失败 (backup failed): {exc}", file=sys.stderr)
        return 2
    manifest = report.manifest
    print(f"备份完成 (backup written): 快照 {manifest.name}, 数据库 {manifest.engine} "
          f"{_mb(manifest.database['bytes'])} {sum(manifest.tables.values())} 行, "
          f"文件 {len(manifest.objects)} 个: 新复制 {report.copied} 个 "
          f"({_mb(report.copied_bytes)}), 已有 {report.reused} 个, "
          f"用时 {report.seconds:.2f} s")
    if manifest.problems:
        print(f"存储中有 {len(manifest.problems)} 个文件缺失或不符 (store objects missing or "
              f"damaged), 见 manifest.json problems", file=sys.stderr)
        return 1
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from backend.backup.database import DatabaseError
    from backend.backup.service import (
        BackupUnusable,
        RestoreInterrupted,
        TargetNotEmpty,
        restore,
    )

    try:
        report = restore(get_settings(), get_engine(), Path(args.dir), args.snapshot)
    except TargetNotEmpty as exc:
        print(f"拒绝恢复: 目标不为空, 未做任何改动 (refused: the target is not empty, nothing "
              f"was changed): {exc}", file=sys.stderr)
        return NOT_EMPTY
    except (BackupUnusable, DatabaseError) as exc:
        print(f"拒绝恢复 (refused): {exc}", file=sys.stderr)
        return UNUSABLE
    except RestoreInterrupted as exc:
        print(f"恢复中断 (restore interrupted): {exc}", file=sys.stderr)
        return INTERRUPTED
    print(f"已恢复快照 {report.manifest.name} (restored): 数据库 "
          f"{sum(report.manifest.tables.values())} 行, 文件 {report.objects} 个, "
          f"用时 {report.seconds:.2f} s")
    for warning in report.warnings:
        print(f"注意 (warning): {warning}", file=sys.stderr)
    print(report.chain_message, file=sys.stdout if report.chain_ok else sys.stderr)
    return RESTORED if report.chain_ok else CHAIN_BROKEN


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    backup = sub.add_parser("backup", help="write a consistent snapshot of the database, the "
                            "photo and document store and the secret into DIR (incremental)")
    backup.add_argument("dir")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a snapshot from DIR into an empty "
                             "database, store and data dir, then verify the audit chain")
    restore.add_argument("dir")
    restore.add_argument("--snapshot", help="a snapshot's name (default: the latest)")
    restore.set_defaults(func=cmd_restore)
