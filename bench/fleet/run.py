"""One chaos run: a fresh database and data dir, ``anxun serve`` killed with SIGKILL at random
moments and restarted on the same port, the faulty proxy, the phones; then the reckoning."""

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from backend.backup.objects import referenced
from backend.db import make_engine, new_session
from backend.photos.housekeeping import collect_unnamed_objects
from backend.photos.storage import LocalStorage

from .audit import Reckoning, reckon
from .phones import Phone
from .proxy import Faults, Proxy
from .world import Server, World, build_world, free_port, scratch_database


@dataclass
class ChaosResult:
    seed: int
    reckoning: Reckoning
    wall: float  # from the phones' first send until the last outbox is empty
    kills: int
    requests: int
    network: Counter[str]
    defects: list[str] = field(default_factory=list)  # answers no phone should ever get
    unsent: int = 0  # entries still queued at the deadline
    collected: int = 0  # stored files no row names, deleted after the run by photos-gc's sweep

    def line(self) -> str:
        r = self.reckoning
        return (f"lost {r.lost} duplicated {r.duplicated} mismatched {r.mismatched} "
                f"orphans {r.orphans} wall {self.wall:.1f}s")


def run_chaos(tmp: Path, *, devices: int = 50, hazards: int = 200, inspections: int | None = None,
              seed: int = 14, database_url: str | None = None, faults: Faults | None = None,
              kill_every: tuple[int, int] = (40, 160), deadline: float = 900,
              log: Callable[[str], None] = print) -> ChaosResult:
    """``inspections``: checklists in all (default: one per phone). The server is killed after
    every ``kill_every`` requests it received (uniformly at random between the two; counted in
    requests, not seconds, so that a faster machine sees as many kills), up to 0.2 s later."""
    with scratch_database(database_url, tmp) as url:
        data_dir = tmp / "data"
        world = build_world(url, data_dir, devices)
        log(f"chaos: seed {seed}, {devices} phones, {hazards} hazards, "
            f"{devices if inspections is None else inspections} checklists")
        phones = [Phone(n, account, world, random.Random(f"{seed}-{n}"), "")
                  for n, account in enumerate(world.accounts)]
        for n in range(hazards):
            phones[n % devices].capture_hazard()
        for n in range(devices if inspections is None else inspections):
            phones[n % devices].capture_inspection()
        result = asyncio.run(_fleet(world, phones, seed, faults or Faults(), kill_every,
                                    deadline, log))
        engine = make_engine(url)
        try:
            result.reckoning = reckon(engine, data_dir, phones)
            result.collected = _collect_unnamed(engine, data_dir)
        finally:
            engine.dispose()
        log(f"chaos: {result.reckoning.unreferenced} stored files no row names, "
            f"{result.collected} deleted by the GC of unnamed objects")
    return result


def _collect_unnamed(engine: Engine, data_dir: Path) -> int:
    """``anxun photos-gc``'s sweep of objects no row names, without its day of grace: the
    server is stopped, so no upload is between storing its files and committing its row."""
    def named() -> set[str]:
        with engine.connect() as conn:
            return {o.key for o in referenced(conn)}

    with new_session(engine) as session:
        return collect_unnamed_objects(session, LocalStorage(data_dir / "photos"), named,
                                       grace=timedelta(0))


def tracebacks(log: str) -> list[str]:
    """The exception line of each traceback in the server's log."""
    found, inside = [], False
    for line in log.splitlines():
        if line.startswith("Traceback"):
            inside = True
        elif inside and line and not line[0].isspace():
            found.append(line[:300])
            inside = False
    return found


async def _fleet(world: World, phones: list[Phone], seed: int, faults: Faults,
                 kill_every: tuple[int, int], deadline: float,
                 log: Callable[[str], None]) -> ChaosResult:
    rng = random.Random(seed)
    server = Server(world, free_port())
    await server.start()
    proxy = Proxy(server.port, faults, random.Random(rng.random()))
    proxy_port = await proxy.start()
    for phone in phones:
        phone.base_url = f"http://127.0.0.1:{proxy_port}"
    killer_rng = random.Random(rng.random())
    kills = 0

    async def killer() -> None:
        nonlocal kills
        while True:
            due = proxy.reached + killer_rng.randint(*kill_every)
            while proxy.reached < due:
                await asyncio.sleep(0.01)
            await asyncio.sleep(killer_rng.uniform(0, 0.2))
            server.kill()
            kills += 1
            await asyncio.sleep(killer_rng.uniform(0, 0.5))
            await server.start()

    loop = asyncio.get_running_loop()
    started = time.monotonic()
    chaos = asyncio.ensure_future(killer())
    try:
        await asyncio.gather(*(phone.sync(loop.time() + deadline) for phone in phones))
    finally:
        wall = time.monotonic() - started
        chaos.cancel()
        await asyncio.gather(chaos, return_exceptions=True)
        if server.proc is None or server.proc.poll() is not None:
            await server.start()  # cancelled between a kill and its restart: start-up sweeps run
        server.stop()
        await proxy.close()
    defects = [f"phone {p.n}: {d}" for p in phones for d in p.defects]
    defects += [f"server log: {trace}" for trace in tracebacks(server.log.read_text(errors="replace"))]
    result = ChaosResult(seed=seed, reckoning=Reckoning(), wall=wall, kills=kills,
                         requests=sum(p.requests for p in phones), network=proxy.counts,
                         defects=defects, unsent=sum(len(p.outbox) for p in phones))
    log(f"chaos: {result.requests} sends, {kills} kills, network {dict(proxy.counts)}, "
        f"{result.unsent} entries unsent, {len(defects)} defects")
    return result
