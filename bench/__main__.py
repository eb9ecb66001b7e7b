"""python -m bench: build the registry's database, start the three servers, drive each with wrk, report ratios.

Every server runs under the same uvicorn settings (one process, no access log) and every load the same
wrk settings (one thread, fixed connections, loopback only, bounded duration), so the ratios compare
like with like in one run. Results go to bench/results/latest.json and latest.md, and are printed.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench.build_db import build
from bench.queries import QUERIES, VERSIONS
from registry.migrations import upgrade

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
CASES = [("list", "POST"), ("list", "GET"), ("history", "POST"), ("diff", "POST")]
TARGETS = ("ceiling", "stock", "registry")
# Any Authorization header keeps a request away from the shared cache; this token is no one's, so the
# request runs GraphQL and SQL as an anonymous one would without the cache.
UNCACHED = {"Authorization": "Bearer not-a-token"}
LIST_CEILING_RATIO, STOCK_RATIO, P99_RATIO = 0.8, 2.0, 2.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pinned(command: list[str], core: int | None) -> list[str]:
    # Server on one core, wrk on the other: neither steals the other's cycles mid-run.
    return ["taskset", "-c", str(core), *command] if core is not None else command


class Server:
    def __init__(self, name: str, app: str, *, env: dict[str, str], factory: bool = False, core: int | None) -> None:
        self.name, self.port = name, _free_port()
        command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(self.port),
                   "--no-access-log", "--log-level", "warning", *(["--factory"] if factory else [])]
        self.process = subprocess.Popen(_pinned(command, core), cwd=ROOT, env=os.environ | env)

    def url(self, query: str) -> str:
        path = f"/{query}" if self.name == "ceiling" else "/graphql"
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} server exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{self.name} server did not start within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _wrk(wrk: str, url: str, method: str, query: str, *, connections: int, duration: int, workdir: Path,
         core: int | None, headers: dict[str, str]) -> dict:
    lua = [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    if method == "GET":
        url = f"{url}?{urlencode({'query': query})}"
    else:
        lua += ['wrk.method = "POST"', f"wrk.body = [==[{json.dumps({'query': query})}]==]",
                'wrk.headers["Content-Type"] = "application/json"']
    script = workdir / "request.lua"
    script.write_text("\n".join(lua) + "\n", encoding="utf-8")
    command = _pinned([wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url],
                      core)
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 30).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"errors answering {url}:\n{output}")
    latency = {p: _ms(v, unit) for p, v, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": latency["50"], "p99_ms": latency["99"]}


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _post(url: str, query: str) -> str:
    request = urllib.request.Request(url, data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def _fetch_answers(registry: Server) -> dict[str, str]:
    return {name: _post(registry.url(name), query) for name, query in QUERIES.items()}


def _check_same_answers(stock: Server, answers: dict[str, str]) -> None:
    for name, query in QUERIES.items():
        if json.loads(_post(stock.url(name), query)) != json.loads(answers[name]):
            raise SystemExit(f"stock strawberry's answer to {name} differs from the registry's")


def _best(runs: list[dict]) -> list[dict]:
    """Per query, method and target: the best of each figure over the rounds.

    Other work on the machine only ever slows a run down, so the best round is the least disturbed one;
    the rounds interleave the targets, so each had the same chances. Every run is kept in the JSON.
    """
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault((run["query"], run["method"], run["target"]), []).append(run)
    return [{"query": q, "method": m, "target": t, "rps": max(r["rps"] for r in group),
             "p50_ms": min(r["p50_ms"] for r in group), "p99_ms": min(r["p99_ms"] for r in group),
             "median_rps": statistics.median(r["rps"] for r in group)}
            for (q, m, t), group in groups.items()]


def _verdicts(rows: list[dict], cases: list[tuple[str, str]]) -> list[dict]:
    verdicts = []
    for query, method in cases:
        by = {r["target"]: r for r in rows if r["query"] == query and r["method"] == method}
        reg, ceiling, stock = by["registry"], by["ceiling"], by["stock"]
        verdict = {"query": query, "method": method,
                   "registry_vs_ceiling": round(reg["rps"] / ceiling["rps"], 3),
                   "registry_vs_stock": round(reg["rps"] / stock["rps"], 2),
                   "p99_vs_ceiling": round(reg["p99_ms"] / ceiling["p99_ms"], 2)}
        verdict["pass"] = (verdict["registry_vs_stock"] >= STOCK_RATIO and verdict["p99_vs_ceiling"] <= P99_RATIO
                           and (query != "list" or verdict["registry_vs_ceiling"] >= LIST_CEILING_RATIO))
        verdicts.append(verdict)
    return verdicts


def _markdown(report: dict) -> str:
    lines = [f"Read benchmark, {report['run_at']}: {report['connections']} connections, {report['duration_s']} s "
             f"per run, best of {report['rounds']} rounds, registry on {report['database']}.", "",
             "| query | method | target | req/s | p50 ms | p99 ms | median req/s |", "|---|---|---|---:|---:|---:|---:|"]
    lines += [f"| {r['query']} | {r['method']} | {r['target']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
              f"| {r['median_rps']:.0f} |" for r in report["results"]]
    lines += ["", f"Targets: list >= {LIST_CEILING_RATIO} x ceiling; every query >= {STOCK_RATIO} x stock; "
              f"p99 <= {P99_RATIO} x ceiling's.", "",
              "| query | method | registry/ceiling | registry/stock | p99 registry/ceiling | targets |",
              "|---|---|---:|---:|---:|---|"]
    lines += [f"| {v['query']} | {v['method']} | {v['registry_vs_ceiling']} | {v['registry_vs_stock']} | "
              f"{v['p99_vs_ceiling']} | {'met' if v['pass'] else 'MISSED'} |" for v in report["verdicts"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per run (after 1 s of warm-up)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per target and query; the best is reported")
    parser.add_argument("--uncached", action="store_true",
                        help="also measure the registry with its cache bypassed (for information; no target)")
    parser.add_argument("--only", help="run only these cases, e.g. list-GET,diff-POST (the verdicts need all)")
    parser.add_argument("--database-url", help="an empty database to build on (default: a new SQLite file)")
    args = parser.parse_args()
    wrk = shutil.which("wrk") or sys.exit("wrk is missing: apt-get install -y wrk")
    pin = shutil.which("taskset") and (os.cpu_count() or 1) >= 2
    server_core, wrk_core = (0, 1) if pin else (None, None)
    workdir = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'registry.db'}"
    upgrade(url)
    print(asyncio.run(build(url, count=VERSIONS)), flush=True)

    answers_file = workdir / "answers.json"
    env = {"REGISTRY_DATABASE_URL": url, "REGISTRY_GRAPHIQL": "false", "BENCH_ANSWERS": str(answers_file)}
    servers: dict[str, Server] = {}
    try:
        servers["registry"] = Server("registry", "schema.app:create_app", env=env, factory=True, core=server_core)
        servers["registry"].wait_ready()
        answers_file.write_text(json.dumps(_fetch_answers(servers["registry"])), encoding="utf-8")
        servers["ceiling"] = Server("ceiling", "bench.ceiling_app:app", env=env, core=server_core)
        servers["stock"] = Server("stock", "bench.stock_app:app", env=env, core=server_core)
        for server in servers.values():
            server.wait_ready()
        _check_same_answers(servers["stock"], json.loads(answers_file.read_text(encoding="utf-8")))
        cases = [c for c in CASES if not args.only or f"{c[0]}-{c[1]}" in args.only.split(",")]
        targets = TARGETS + (("registry-uncached",) if args.uncached else ())
        runs = []
        for round_ in range(args.rounds):  # rounds interleave the targets, so a noisy moment hits all alike
            for query, method in cases:
                for target in targets:
                    server = servers["registry" if target == "registry-uncached" else target]
                    url_ = server.url(query)
                    options = {"connections": args.connections, "workdir": workdir, "core": wrk_core,
                               "headers": UNCACHED if target == "registry-uncached" else {}}
                    if round_ == 0:
                        _wrk(wrk, url_, method, QUERIES[query], duration=1, **options)  # warm-up, not counted
                    run = {"query": query, "method": method, "target": target, "round": round_,
                           **_wrk(wrk, url_, method, QUERIES[query], duration=args.duration, **options)}
                    print(f"{query:8} {method:5} {target:9} {run['rps']:9.0f} req/s  p50 {run['p50_ms']:7.2f} ms  "
                          f"p99 {run['p99_ms']:7.2f} ms", flush=True)
                    runs.append(run)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    report = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "connections": args.connections,
              "duration_s": args.duration, "database": url.split(":", 1)[0], "cpus": os.cpu_count(),
              "rounds": args.rounds, "results": (rows := _best(runs)), "verdicts": _verdicts(rows, cases),
              "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = _markdown(report)
    (RESULTS / "latest.md").write_text(markdown, encoding="utf-8")
    print("\n" + markdown)
    return 0 if all(v["pass"] for v in report["verdicts"]) else 1


if __name__ == "__main__":
    sys.exit(main())
