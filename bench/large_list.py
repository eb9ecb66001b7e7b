"""python -m bench.large_list [--entries 17 1000] [--edits 20] [--database-url URL URL]: reads of a long list, per entry.

Per list length, a registry (a new SQLite file, or the empty PostgreSQL databases given, one per length) whose
version 1 holds that many sub-processors (the demo list's 17, then generated ones), followed by `--edits`
backdated edits of two entries each, all in effect. Then, in this process through ASGI one request at a time,
CPU per request (process_time) of: the list query anonymously (the answer cache), the same with a token that
is no one's (the uncached path), and the public page /subprocessors. Prints each and the cost per entry
served against the first length's (target: at most 2). Exit status 1 when a per-entry ratio passes 2.
"""
import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import timedelta

from bench.build_db import ACTOR, MIN_NOTICE_DAYS, _demo_entries
from bench.queries import LIST
from bench.uncached_cpu import call
from registry.db import Database, utcnow
from registry.migrations import upgrade
from registry.subprocessors import service as drafts
from registry.versions import service as versions

AUTH = [(b"authorization", b"Bearer not-a-token")]
CEILING = 2.0


def entries(count: int) -> list:
    demo = _demo_entries()
    made = [drafts.parse_entry({"slug": f"leverandor-{i:04d}", "name": f"Leverandør {i:04d} ApS",
                                "legal_entity": f"Leverandør {i:04d} ApS, Danmark", "purpose_da": "Drift af tjenesten",
                                "purpose_en": "Running the service", "countries": ["DK", "DE"][: 1 + i % 2],
                                "services": [f"Tjeneste {i % 7}"]}) for i in range(count - len(demo))]
    return (demo + made)[:count]


async def build(url: str, *, count: int, edits: int) -> None:
    db = Database(url)
    try:
        start = utcnow() - timedelta(days=edits + MIN_NOTICE_DAYS + 30)
        listed = entries(count)
        async with db.transaction() as session:
            await drafts.replace_draft(session=session, actor=ACTOR, entries=listed)
            await versions.publish_version(session=session, actor=ACTOR, min_notice_days=MIN_NOTICE_DAYS,
                                           note="Listen.", now=start)
        for number in range(2, edits + 2):
            async with db.transaction() as session:
                for index in (number % count, (number + 5) % count):
                    entry = listed[index].model_copy(update={"services": [f"Tjeneste {number}"]})
                    await drafts.save_draft_entry(session=session, actor=ACTOR, entry=entry)
                await versions.publish_version(session=session, actor=ACTOR, min_notice_days=MIN_NOTICE_DAYS,
                                               note=f"Edit {number}.", now=start + timedelta(days=number))
    finally:
        await db.dispose()


async def get(app, path: str) -> bytes:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1234), "server": ("127.0.0.1", 80)}
    out = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        out.append(message)
    await app(scope, receive, send)
    return b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body")


async def measure(url: str, repeats: int) -> dict:
    from schema.app import create_app
    from schema.settings import AppSettings
    app = create_app(AppSettings(database_url=url, graphiql=False))
    body = json.dumps({"query": LIST}).encode()
    reads = {"list cached": lambda: call(app, body, []), "list uncached": lambda: call(app, body, AUTH),
             "page": lambda: get(app, "/subprocessors")}
    results = {}
    async with app.router.lifespan_context(app):
        for name, read in reads.items():
            for _ in range(3):
                answer = await read()
            started = time.process_time()
            for _ in range(repeats):
                await read()
            results[name] = {"cpu_ms": round((time.process_time() - started) / repeats * 1000, 3), "bytes": len(answer)}
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, nargs="+", default=[17, 1000])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--database-url", nargs="+", help="an empty PostgreSQL database per --entries, in order")
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    figures = {}
    for index, count in enumerate(args.entries):
        url = args.database_url[index] if args.database_url else f"sqlite+aiosqlite:///{tempfile.gettempdir()}/bench-list-{count}-{time.time_ns()}.db"
        upgrade(url)
        asyncio.run(build(url, count=count, edits=args.edits))
        figures[count] = asyncio.run(measure(url, args.repeats))
    base = args.entries[0]
    ratios = {f"{name} per entry {count}/{base}": round(
        (figures[count][name]["cpu_ms"] / count) / (figures[base][name]["cpu_ms"] / base), 2)
        for count in args.entries[1:] for name in figures[base]}
    print(json.dumps({"figures": figures, "ratios": ratios}, indent=1))
    return 0 if all(v <= CEILING for v in ratios.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
