"""python -m bench.history_scale [--versions 1000 5000] [--database-url URL]: history and diff cost at long histories.

Per history length, a registry of that many versions (bench/build_db.py: the demo list, then backdated edits of
two entries each; a new SQLite file per length, or the empty PostgreSQL database given, for one length), then
the app in this process called through ASGI one request at a time with a token that is no one's (so the
answer cache is bypassed), CPU per request (process_time, the driver's threads included):

- the newest page of registryVersions (first: 50, with the changes) and the oldest (after the cursor of 51);
- registryDiff between neighbours (N-1 to N) and between the ends (1 to N);

each from the app's memory of published versions (schema/published.py, read once) and from the database (the
memory switched off, so every request reads its rows). Pages are keyset (number < cursor): the oldest page
should cost what the newest does; a diff reads its two versions only, so the far one costs what the near one
does per change. Exit status 1 when a last/first page or far/near per change ratio passes 1.5.
"""
import argparse
import asyncio
import gc
import json
import os
import sys
import tempfile
import time

from bench.build_db import build
from bench.queries import HISTORY
from bench.uncached_cpu import call
from registry.migrations import upgrade
from schema.pagination import encode_cursor
from schema.types.versions import VERSION_CURSOR

AUTH = [(b"authorization", b"Bearer not-a-token")]
CEILING = 1.5


def queries(count: int) -> dict[str, str]:
    oldest = HISTORY.replace("registryVersions(first: 50)",
                             f'registryVersions(first: 50, after: "{encode_cursor(VERSION_CURSOR, 51)}")')
    diff = "{{ registryDiff(fromVersion: {}, toVersion: {}) {{ changes {{ kind slug name field before after }} }} }}"
    return {"history-first": HISTORY, "history-last": oldest,
            "diff-near": diff.format(count - 1, count), "diff-far": diff.format(1, count)}


def graphql_app():
    from schema.graphql_app import RegistryGraphQL
    return next(o for o in gc.get_objects() if isinstance(o, RegistryGraphQL))


async def measure(url: str, count: int, repeats: int) -> dict:
    os.environ["REGISTRY_GRAPHIQL"] = "false"
    from schema.app import create_app
    from schema.settings import AppSettings
    app = create_app(AppSettings(database_url=url))
    results: dict[str, dict] = {}
    async with app.router.lifespan_context(app):
        graphql = graphql_app()
        memory = graphql.published
        for mode in ("memory", "database"):
            graphql.published = memory if mode == "memory" else None
            for name, query in queries(count).items():
                body = json.dumps({"query": query}).encode()
                answer = json.loads(await call(app, body, AUTH))
                assert "errors" not in answer, answer
                for _ in range(5):
                    await call(app, body, AUTH)
                started = time.process_time()
                for _ in range(repeats):
                    await call(app, body, AUTH)
                data = answer["data"]
                size = (len(data["registryVersions"]["edges"]) if "registryVersions" in data
                        else len(data["registryDiff"]["changes"]))
                results[f"{mode} {name}"] = {"cpu_ms": round((time.process_time() - started) / repeats * 1000, 3),
                                             "items": size}
    return results


def verdicts(results: dict) -> dict:
    out = {}
    for mode in ("memory", "database"):
        out[f"{mode} history last/first"] = round(
            results[f"{mode} history-last"]["cpu_ms"] / results[f"{mode} history-first"]["cpu_ms"], 2)
        out[f"{mode} diff far/near per change"] = round(
            (results[f"{mode} diff-far"]["cpu_ms"] / max(results[f"{mode} diff-far"]["items"], 1))
            / (results[f"{mode} diff-near"]["cpu_ms"] / max(results[f"{mode} diff-near"]["items"], 1)), 2)
        out[f"{mode} diff far/near"] = round(
            results[f"{mode} diff-far"]["cpu_ms"] / results[f"{mode} diff-near"]["cpu_ms"], 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (one --versions only)")
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    ok = True
    for count in args.versions:
        url = args.database_url or f"sqlite+aiosqlite:///{tempfile.gettempdir()}/bench-history-{count}.db"
        upgrade(url)
        started = time.perf_counter()
        print(asyncio.run(build(url, count=count)), f"in {time.perf_counter() - started:.0f} s", flush=True)
        results = asyncio.run(measure(url, count, args.repeats))
        ratios = verdicts(results)
        ok = ok and all(v <= CEILING for k, v in ratios.items() if "last/first" in k or "per change" in k)
        print(json.dumps({"versions": count, "engine": url.split("+")[0], "results": results, "ratios": ratios},
                         indent=1), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
