"""Chaos sync benchmark (issue 14): a fleet of simulated phones syncing their outboxes as the PWA
does, through a proxy that drops 10% of requests before the server and 10% of responses after
it answered (after its commit), duplicates 5% and reorders the phones' sends, against
``anxun serve`` killed with SIGKILL at random moments and restarted on the same port and data.
At the end, every photo, hazard and checklist the phones hold must be on the server exactly
once, every photo's sha256 must match, no row may point at a missing file and no temporary file
may be left. The code is in bench/fleet/ (also run, smaller, by tests/integrations/test_chaos.py).

Usage: .venv/bin/python bench/chaos.py [--devices 50] [--hazards 200] [--inspections N]
           [--seed N] [--database-url postgresql+psycopg://...] [--kill-every 40,160] [--verbose]

``--database-url`` on PostgreSQL names a database beside which a scratch one
(``<name>_<random>``) is created and dropped; without it, a SQLite file in a temporary dir.
Prints what the network and the kills did, then one line:
``lost 0 duplicated 0 mismatched 0 orphans 0 wall 123.4s`` (wall: from the phones' first send
until the last outbox is empty), and ``unreferenced N collected N``: the stored files no row
names (a kill between storing an upload's files and committing its row leaves them) and how
many of them ``anxun photos-gc``'s sweep deleted afterwards. Exit status 1 when any figure but
wall and unreferenced is not 0, the sweep left some, or a phone got an answer it should never
get (a 500, a 4xx).
"""

import argparse
import sys
import tempfile
from pathlib import Path

from fleet import run_chaos


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--hazards", type=int, default=200)
    parser.add_argument("--inspections", type=int, default=None,
                        help="checklists in all (default: one per phone)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--kill-every", default="40,160",
                        help="requests the server receives between kills: low,high (uniform)")
    parser.add_argument("--verbose", action="store_true", help="list every discrepancy")
    args = parser.parse_args()
    low, high = (int(x) for x in args.kill_every.split(","))
    with tempfile.TemporaryDirectory(prefix="anxun-chaos-") as tmp:
        result = run_chaos(Path(tmp), devices=args.devices, hazards=args.hazards,
                           inspections=args.inspections, seed=args.seed,
                           database_url=args.database_url, kill_every=(low, high),
                           log=lambda m: print(m, file=sys.stderr))
    details = result.reckoning.details + result.defects
    for line in details if args.verbose else details[:20]:
        print(line, file=sys.stderr)
    print(result.line())
    r = result.reckoning
    print(f"unreferenced {r.unreferenced} collected {result.collected}")
    return 1 if (r.lost or r.duplicated or r.mismatched or r.orphans or result.defects
                 or result.collected != r.unreferenced) else 0


if __name__ == "__main__":
    sys.exit(main())
