"""``anxun audit verify`` and ``anxun audit anchor`` (hooked into :mod:`backend.cli`)."""

import argparse
import sys
from collections.abc import Callable

from backend.audit.anchors import (
    Anchor,
    AnchorFileError,
    AnchorsPresent,
    anchor_now,
    check_anchors,
    restart,
)
from backend.audit.hashing import process_key
from backend.audit.service import verify_chain
from backend.clock import utcnow
from backend.config import Settings, get_settings
from backend.db import new_session

Publish = Callable[[Settings, Anchor], bool]  # sends an anchor on (the webhook), if configured


def cmd_verify(_args: argparse.Namespace) -> int:
    """The chain (hashes, links, head and its seal) and every anchor; exit 1 on any failure."""
    settings = get_settings()
    with new_session(read_only=True) as session:
        chain = verify_chain(session, process_key())
        try:
            anchors = check_anchors(session, settings)
            lines = [(chain.ok, chain.message), (anchors.ok, anchors.message)]
        except AnchorFileError as exc:
            lines = [(chain.ok, chain.message), (False, str(exc))]
    for ok, message in lines:
        print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if all(ok for ok, _ in lines) else 1


def cmd_anchor(args: argparse.Namespace, publish: Publish) -> int:
    """Anchor the head now: the file, then the webhook when one is set; with ``--restart``
    first forget the daily anchors of a file moved aside."""
    settings = get_settings()
    if args.restart:
        with new_session() as session:
            try:
                forgotten = restart(session, settings)
            except (AnchorsPresent, AnchorFileError) as exc:
                print(exc, file=sys.stderr)
                return 2
            session.commit()
        print(f"已重新开始锚定, 审计日志记下了不再核对的 {len(forgotten)} 个每日锚点 (anchoring "
              f"restarted; the audit log names the daily anchors no longer checked)")
    with new_session(read_only=True) as session:
        anchor = anchor_now(session, settings, utcnow())
    if anchor is None:
        print("审计链为空, 无需锚定 (the chain is empty: nothing to anchor)")
        return 0
    print(f"已锚定 {anchor.label} (hash {anchor.hash[:12]}…) → {settings.anchor_dir}")
    if settings.audit_anchor_url:
        if not publish(settings, anchor):
            print(f"锚点未能发送到 {settings.audit_anchor_url} (the POST failed; the file anchor "
                  "stands)", file=sys.stderr)
            return 1
        print(f"已发送到 {settings.audit_anchor_url}")
    return 0


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
                 publish: Publish) -> None:
    audit = sub.add_parser("audit", help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="check the audit log's hash chain and its anchors") \
        .set_defaults(func=cmd_verify)
    anchor = audit_sub.add_parser("anchor", help="anchor the chain's head now "
                                  "(ANXUN_AUDIT_ANCHOR_DIR, and ANXUN_AUDIT_ANCHOR_URL if set)")
    anchor.add_argument("--restart", action="store_true",
                        help="after moving the anchor file aside (a restored older snapshot): "
                             "stop checking the daily anchors the database records, with an "
                             "audit entry naming them")
    anchor.set_defaults(func=lambda args: cmd_anchor(args, publish))
