"""``anxun``: the command line (serve, migrate, load-catalogue, catalogue-report, demo,
create-user, setup, photos-gc, audit verify/anchor, error-codes, worker, backup, restore)."""

import argparse
import getpass
import secrets
import sys

from sqlalchemy import select

from backend.audit import cli as audit_cli
from backend.audit.anchors import Anchor
from backend.backup.commands import add_commands as add_backup_commands
from backend.backup.unfinished import RestoreUnfinished, refuse_start
from backend.config import Settings, get_settings
from backend.db import get_engine, new_session


def cmd_migrate(_args: argparse.Namespace) -> int:
    from backend.migrate import upgrade

    upgrade()
    print("数据库已迁移到最新版本 (database migrated to head)")
    return 0


def cmd_load_catalogue(_args: argparse.Namespace) -> int:
    from backend import audit
    from backend.modules.service import load_catalogue

    with new_session() as session:
        report = load_catalogue(session)
        if report.created or report.updated or report.retired:
            audit.record(session, actor=None, action="module.catalogue_load",
                         summary={"created": len(report.created),
                                  "updated": len(report.updated),
                                  "retired": report.retired})
        session.commit()
    print(f"巡检模块: 新增 {len(report.created)}, 更新 {len(report.updated)}, "
          f"未变 {len(report.unchanged)}, 保留本地修改 {len(report.kept_local)}, "
          f"停用（已并入其他模块） {len(report.retired)}")
    return 0


def cmd_catalogue_report(args: argparse.Namespace) -> int:
    from backend.modules.service import read_catalogue
    from backend.modules.standards import catalogue_report

    report = catalogue_report(read_catalogue())
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(report)
    else:
        sys.stdout.write(report)
    return 0


def cmd_demo(_args: argparse.Namespace) -> int:
    from backend import audit
    from backend.demo import append_accounts_file, load_demo
    from backend.demo_activity import load_activity
    from backend.org.service import ensure_group

    settings = get_settings()
    with new_session() as session:
        created = load_demo(session, settings.group_name)
        if created:
            audit.record(session, actor=None, action="demo.load",
                         summary={"users": [username for username, _ in created]})
        session.commit()
        activity = load_activity(session, settings, ensure_group(session,
                                                                  settings.group_name).id)
        session.commit()
    for title in activity:
        print("演示数据 (demo activity):", title)
    accounts_file = settings.data_dir / "demo-accounts.txt"
    if created:
        append_accounts_file(accounts_file, created)
        print("演示账号 (demo accounts) — 密码只显示这一次, 另存于", accounts_file)
        for username, password in created:
            print(f"  {username:<22} {password}")
    else:
        print(f"演示数据已存在 (demo data present); 账号密码见 {accounts_file}")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from backend.accounts.service import add_user
    from backend.errors import AppError
    from backend.org.models import Center
    from backend.org.service import ensure_group
    from backend.vocab import Role

    settings = get_settings()
    password = args.password
    generated = False
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass("密码 (password): ")
        else:
            password, generated = secrets.token_urlsafe(12), True
    with new_session() as session:
        group = ensure_group(session, settings.group_name)
        center_id = None
        if args.center:
            center_id = session.scalar(
                select(Center.id).where(Center.group_id == group.id, Center.code == args.center)
            )
            if center_id is None:
                print(f"中心代码不存在: {args.center}", file=sys.stderr)
                return 2
        try:
            user = add_user(session, None, group.id, username=args.username,
                            display_name=args.display_name or args.username,
                            password=password, roles=[Role(r) for r in args.role],
                            center_id=center_id)
        except AppError as exc:
            print(f"{exc.code}: {exc.message} {exc.details or ''}", file=sys.stderr)
            return 2
        session.commit()
    print(f"已创建用户 {user.username} (id {user.id})")
    if generated:
        print(f"密码 (password): {password}")
    return 0


def cmd_photos_gc(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from backend.backup.objects import referenced
    from backend.photos.housekeeping import (
        UNNAMED_OBJECT_GRACE,
        collect_unnamed_objects,
        gc_age,
        run_gc,
    )
    from backend.photos.service import get_storage

    def named() -> set[str]:
        with new_session(read_only=True) as session:
            return {o.key for o in referenced(session.connection())}

    settings = get_settings()
    age = timedelta(hours=args.older_than_hours) if args.older_than_hours else gc_age(settings)
    with new_session() as session:
        objects, temp_files = run_gc(session, settings, age)
        unnamed = collect_unnamed_objects(session, get_storage(settings), named)
    print(f"已清理未被引用超过 {age / timedelta(hours=1):g} 小时的照片文件 {objects} 个，"
          f"无记录引用超过 {UNNAMED_OBJECT_GRACE / timedelta(hours=1):g} 小时的存储文件 "
          f"{unnamed} 个，残留临时文件 {temp_files} 个")
    return 0


def publish_anchor(settings: Settings, anchor: Anchor) -> bool:
    from backend.webhooks.anchors import post_anchor

    return post_anchor(settings, anchor)


def cmd_error_codes(_args: argparse.Namespace) -> int:
    from backend.errors import markdown_table

    print(markdown_table(), end="")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """The scheduler and the webhook worker alone: one pass of each (``--once``, for cron), or
    the scheduler every interval with webhooks sent beside it in a thread."""
    import threading
    import time
    from functools import partial

    from backend.deps import request_session
    from backend.observability import configure_logging
    from backend.scheduler import run_once
    from backend.webhooks.delivery import Worker

    settings = get_settings()
    configure_logging(settings.log_format)
    if settings.worker_metrics_port and settings.metrics_token and not args.once:
        from backend.metrics import serve_process_metrics

        serve_process_metrics(settings.host, settings.worker_metrics_port, settings.metrics_token)
    sessions = partial(request_session, get_engine())
    stop = threading.Event()
    with Worker(sessions, settings) as webhooks:
        if args.once:
            result = run_once(partial(sessions, read_only=False), settings)
            sent = webhooks.run_once()
            print(f"提醒 {result.reminders}, 升级 {result.escalations}, "
                  f"消息 {result.notifications}, webhook 投递 {sent.sent}", flush=True)
            return 0
        thread = threading.Thread(target=webhooks.run, args=(stop,), name="webhooks",
                                  daemon=True)
        thread.start()
        heartbeat = settings.data_dir / "worker.alive"  # a health check reads its age
        heartbeat.parent.mkdir(parents=True, exist_ok=True)
        try:
            while True:
                result = run_once(partial(sessions, read_only=False), settings)
                heartbeat.touch()
                print(f"提醒 {result.reminders}, 升级 {result.escalations}, "
                      f"消息 {result.notifications}", flush=True)
                time.sleep(settings.scheduler_interval_seconds)
        finally:
            stop.set()
            thread.join()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from backend.metrics import MetricsDirError, share_between_workers
    from backend.observability import logging_config

    settings = get_settings()
    if args.workers > 1:
        try:
            share_between_workers(settings.metrics_dir)
        except MetricsDirError as exc:
            print(exc, file=sys.stderr)
            return 2
    uvicorn.run("backend.main:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, loop="uvloop", http="httptools",
                workers=args.workers, proxy_headers=True,
                log_config=logging_config(settings.log_format), access_log=False)
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    """Migrate, load the catalogue and (with --demo) the demo organisation."""
    for step in (cmd_migrate, cmd_load_catalogue):
        step(args)
    if args.demo:
        cmd_demo(args)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from backend.vocab import Role

    parser = argparse.ArgumentParser(prog="anxun", description="AnXun 安巡 command line")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("load-catalogue", help="load the shipped patrol modules") \
        .set_defaults(func=cmd_load_catalogue)
    report = sub.add_parser("catalogue-report", help="the shipped modules as a Markdown table "
                            "(major items with their basis, standards cited) for review")
    report.add_argument("--output", "-o", help="write to this file instead of standard output")
    report.set_defaults(func=cmd_catalogue_report)
    sub.add_parser("demo", help="create the demo organisation and accounts") \
        .set_defaults(func=cmd_demo)
    setup = sub.add_parser("setup", help="migrate + load-catalogue (+ demo)")
    setup.add_argument("--demo", action="store_true")
    setup.set_defaults(func=cmd_setup)
    user = sub.add_parser("create-user", help="create a user")
    user.add_argument("username")
    user.add_argument("--display-name")
    user.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    user.add_argument("--center", help="center code, e.g. catering")
    user.add_argument("--password", help="default: prompt, or generate when not a terminal")
    user.set_defaults(func=cmd_create_user)
    gc = sub.add_parser("photos-gc", help="delete unreferenced uploads and stale temporary files")
    gc.add_argument("--older-than-hours", type=int,
                    help="default: ANXUN_PHOTO_GC_AGE_HOURS (7 days or the token lifetime)")
    gc.set_defaults(func=cmd_photos_gc)
    audit_cli.add_commands(sub, publish_anchor)
    sub.add_parser("error-codes", help="print the error-code table (Markdown, as in the README)") \
        .set_defaults(func=cmd_error_codes)
    worker = sub.add_parser("worker", help="run the scheduler (reminders, escalation, "
                            "notifications) and the webhook deliveries alone; set "
                            "ANXUN_SCHEDULER_ENABLED=false for the app")
    worker.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
    worker.set_defaults(func=cmd_worker)
    add_backup_commands(sub)
    serve = sub.add_parser("serve", help="serve the API (uvicorn, uvloop, httptools)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)
    return parser


# the commands that touch no data, and restore itself: the others refuse to start on the
# partial target of an unfinished restore
WITHOUT_DATA = frozenset({"restore", "error-codes", "catalogue-report"})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command not in WITHOUT_DATA:
        try:
            refuse_start(get_settings())
        except RestoreUnfinished as exc:
            print(exc, file=sys.stderr)
            return 2
    try:
        return args.func(args)
    finally:
        get_engine().dispose()


if __name__ == "__main__":
    sys.exit(main())
