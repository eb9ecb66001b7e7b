"""python -m bench.cache_load: p99 across publishes with and without request coalescing; RSS under sustained load.

Not a test. One registry server process (uvicorn, no access log, pinned to core 0 when there are two) on
a new SQLite database of --versions published versions; the load on core 1.

1. Herd: wrk (one thread, --connections connections) reads the 50-version history for --duration seconds
   while an admin publishes or withdraws every --every seconds, each change making the cached answer
   stale. Measured steady (no changes), and with changes with coalescing on and off
   (REGISTRY_CACHE_COALESCE), in interleaved rounds; the best round of each counts. Reports req/s, p50,
   p99, and p99 with coalescing off over on.
2. Memory: a fresh server whose cache holds --cache-max-bytes (8 MiB, so phase 1 fills it), then two
   phases of --requests mixed requests each (history and list variants that differ in a comment, so
   they miss and fill the cache; the list by GET and POST; a diff; one publish and one withdrawal per
   phase). Reports the server's VmRSS before, after phase 1 and after phase 2; once the cache is full
   the second phase should add next to nothing.

Results: bench/results/cache_load.json and cache_load.md (not committed), and printed.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.__main__ import RESULTS, Server, _wrk
from bench.build_db import build
from bench.queries import HISTORY, LIST
from registry.auth import service as auth
from registry.auth.models import Role
from registry.db import Database
from registry.migrations import upgrade

SAVE = """mutation($name: String!) { saveSubprocessorDraft(input: {slug: "bench-hosting", name: $name,
  purposeDa: "Hosting", purposeEn: "Hosting", countries: ["DE"], transferMechanism: EEA}) {
  userErrors { message } } }"""
PUBLISH = """mutation { publishVersion(input: {note: "Benchmark change."}) {
  version { number } userErrors { message } } }"""
WITHDRAW = """mutation($n: Int!) { withdrawVersion(number: $n, reason: "Benchmark.") { userErrors { message } } }"""


async def _admin_token(url: str) -> str:
    db = Database(url)
    try:
        async with db.transaction() as session:
            return await auth.create_token(session=session, name="bench-admin", role=Role.ADMIN)
    finally:
        await db.dispose()


class Admin:
    """Publishes and withdraws in turn: every call is one change that makes the cached answers stale."""

    def __init__(self, base: str, token: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
        self.pending: int | None = None
        self.count = 0

    async def _call(self, query: str, variables: dict | None = None) -> dict:
        answer = (await self.http.post("/graphql", json={"query": query, "variables": variables or {}})).json()
        data = answer.get("data") or {}
        errors = answer.get("errors", []) + [e for field in data.values() for e in field["userErrors"]]
        if errors:
            raise SystemExit(f"admin call failed: {errors}")
        return data

    async def change(self) -> None:
        if self.pending is None:
            self.count += 1
            await self._call(SAVE, {"name": f"Bench Hosting {self.count}"})
            self.pending = (await self._call(PUBLISH))["publishVersion"]["version"]["number"]
        else:
            await self._call(WITHDRAW, {"n": self.pending})
            self.pending = None

    async def aclose(self) -> None:
        await self.http.aclose()


async def _herd_run(server: Server, token: str, *, wrk: str, workdir: Path, connections: int, duration: int,
                    every: float | None, core: int | None) -> dict:
    """wrk reads the history for `duration` seconds while an admin makes a change every `every` seconds."""
    base = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:  # warm: cached before the clock starts
        (await http.post("/graphql", json={"query": HISTORY})).raise_for_status()
    load = asyncio.create_task(asyncio.to_thread(
        _wrk, wrk, f"{base}/graphql", "POST", HISTORY, connections=connections, duration=duration,
        workdir=workdir, core=core, headers={}))
    admin, changes = Admin(base, token), 0
    try:
        if every is not None:
            await asyncio.wait({load}, timeout=every / 2)
            while not load.done():
                await admin.change()
                changes += 1
                await asyncio.wait({load}, timeout=every)
        result = await load
    finally:
        if admin.pending is not None:
            await admin.change()
        await admin.aclose()
    return result | {"changes": changes}


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit(f"no VmRSS for {pid}")


def _server_pid(server: Server) -> int:
    """The uvicorn process itself (taskset execs it, so it keeps the pid)."""
    return server.process.pid


async def _memory_phase(base: str, token: str, *, requests: int, connections: int, seed: int) -> None:
    rng = random.Random(seed)
    plan = []
    for _ in range(requests):
        roll = rng.random()
        if roll < 0.3:
            plan.append(("POST", f"# variant {rng.randrange(10**9)}\n{HISTORY}"))
        elif roll < 0.6:
            plan.append(("POST", f"# variant {rng.randrange(10**9)}\n{LIST}"))
        elif roll < 0.8:
            plan.append(("GET", LIST))
        elif roll < 0.95:
            plan.append(("POST", LIST))
        else:
            plan.append(("POST", "{ registryDiff(fromVersion: 1, toVersion: 2) { changes { kind slug field } } }"))
    admin = Admin(base, token)
    queue = iter(plan)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        async def worker() -> None:
            for method, query in queue:
                if method == "GET":
                    response = await http.get("/graphql", params={"query": query})
                else:
                    response = await http.post("/graphql", json={"query": query})
                response.raise_for_status()

        workers = [asyncio.create_task(worker()) for _ in range(connections)]
        await admin.change()  # a publish halfway through the first requests
        await asyncio.gather(*workers)
        await admin.change()  # and its withdrawal
    await admin.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cache_load", description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per herd run")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between changes during a herd run")
    parser.add_argument("--rounds", type=int, default=2, help="herd runs per setting, interleaved; the best counts")
    parser.add_argument("--requests", type=int, default=3000, help="mixed requests per memory phase")
    parser.add_argument("--cache-max-bytes", type=int, default=8 * 1024 * 1024,
                        help="the memory phases' REGISTRY_CACHE_MAX_BYTES: small enough to fill in phase 1")
    parser.add_argument("--versions", type=int, default=120, help="published versions in the benchmark database")
    args = parser.parse_args()
    wrk = shutil.which("wrk") or sys.exit("wrk is missing: apt-get install -y wrk")
    pin = bool(shutil.which("taskset")) and (os.cpu_count() or 1) >= 2
    if pin:
        os.sched_setaffinity(0, {1})
    workdir = Path(tempfile.mkdtemp(prefix="registry-cache-bench-"))
    url = f"sqlite+aiosqlite:///{workdir / 'registry.db'}"
    upgrade(url)
    print(asyncio.run(build(url, count=args.versions)), flush=True)
    token = asyncio.run(_admin_token(url))
    env = {"REGISTRY_DATABASE_URL": url, "REGISTRY_GRAPHIQL": "false", "REGISTRY_INPROCESS_WORKER": "false",
           "REGISTRY_MIN_NOTICE_DAYS": "30"}

    runs = []
    settings = [("steady", True, None), ("coalescing on", True, args.every), ("coalescing off", False, args.every)]
    for round_ in range(args.rounds):  # interleaved, so a noisy moment on the machine hits all alike
        for name, coalesce, every in settings:
            server = Server("registry", "schema.app:create_app", factory=True, core=0 if pin else None,
                            env=env | {"REGISTRY_CACHE_COALESCE": str(coalesce).lower()})
            try:
                server.wait_ready()
                run = asyncio.run(_herd_run(server, token, wrk=wrk, workdir=workdir, connections=args.connections,
                                            duration=args.duration, every=every, core=1 if pin else None))
            finally:
                server.stop()
            run |= {"setting": name, "round": round_}
            print(f"herd  {name:15} {run['rps']:8.0f} req/s  p50 {run['p50_ms']:8.2f} ms  p99 {run['p99_ms']:8.2f} ms"
                  f"  ({run['changes']} changes)", flush=True)
            runs.append(run)
    best = {name: {"rps": max(r["rps"] for r in runs if r["setting"] == name),
                   "p50_ms": min(r["p50_ms"] for r in runs if r["setting"] == name),
                   "p99_ms": min(r["p99_ms"] for r in runs if r["setting"] == name)} for name, _, _ in settings}

    server = Server("registry", "schema.app:create_app", factory=True, core=0 if pin else None,
                    env=env | {"REGISTRY_CACHE_MAX_BYTES": str(args.cache_max_bytes)})
    try:
        server.wait_ready()
        base = f"http://127.0.0.1:{server.port}"
        pid = _server_pid(server)
        with httpx.Client(base_url=base) as http:  # every code path loaded once before the first figure
            http.post("/graphql", json={"query": HISTORY}).raise_for_status()
            http.get("/graphql", params={"query": LIST}).raise_for_status()
        rss = [_rss_kib(pid)]
        for phase in (1, 2):
            asyncio.run(_memory_phase(base, token, requests=args.requests, connections=args.connections, seed=phase))
            rss.append(_rss_kib(pid))
            print(f"rss   after phase {phase} ({args.requests} requests): {rss[-1] / 1024:.1f} MiB "
                  f"(+{(rss[-1] - rss[-2]) / 1024:.1f})", flush=True)
    finally:
        server.stop()
    shutil.rmtree(workdir, ignore_errors=True)

    report = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "connections": args.connections,
              "duration_s": args.duration, "every_s": args.every, "versions": args.versions,
              "cache_max_bytes": args.cache_max_bytes, "cpus": os.cpu_count(),
              "herd": {"runs": runs, "best": best,
                       "p99_off_over_on": round(best["coalescing off"]["p99_ms"] / best["coalescing on"]["p99_ms"], 2)},
              "memory": {"requests_per_phase": args.requests, "rss_kib": rss,
                         "phase2_growth_over_phase1_growth": round((rss[2] - rss[1]) / max(1, rss[1] - rss[0]), 3)}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cache_load.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = _markdown(report)
    (RESULTS / "cache_load.md").write_text(markdown, encoding="utf-8")
    print("\n" + markdown)
    return 0


def _markdown(report: dict) -> str:
    herd, memory = report["herd"], report["memory"]
    lines = [f"Cache under load, {report['run_at']}: wrk, {report['connections']} connections reading the history, "
             f"{report['duration_s']} s per run, a change every {report['every_s']} s (none when steady), best of "
             f"{len(herd['runs']) // 3} rounds.", "",
             "| setting | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {figures['rps']:.0f} | {figures['p50_ms']} | {figures['p99_ms']} |"
              for name, figures in herd["best"].items()]
    lines += ["", f"p99 with changes, coalescing off / on: {herd['p99_off_over_on']}.", "",
              "| server RSS | MiB |", "|---|---:|"]
    lines += [f"| {label} | {kib / 1024:.1f} |" for label, kib in
              zip(("at start", f"after {memory['requests_per_phase']} requests",
                   f"after {2 * memory['requests_per_phase']} requests"), memory["rss_kib"], strict=True)]
    lines += ["", f"Growth in phase 2 / growth in phase 1: {memory['phase2_growth_over_phase1_growth']}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
