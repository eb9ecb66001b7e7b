"""python -m bench.large_list [--entries 17 1000] [--edits 20] [--database-url URL URL]: reads of a long list, per entry.

Per list length, a registry (a new SQLite file, or the empty PostgreSQL databases given, one per length) whose
version 1 holds that many sub-processors (the demo list's 17, then generated ones whose names begin with every
letter, as a real list's do), followed by `--edits` backdated edits of two entries each, all in effect. Then,
in this process through ASGI one request at a time, CPU per request (process_time) of: the list query
anonymously (the answer cache), the same with a token that is no one's (the uncached path), the public page
/subprocessors as a reader opens it, and the website embed's first read (embed.js: a cross-origin GET /graphql
of the list's index at its default letter, the services and 20 versions), anonymous as a browser sends it and
uncached. Prints each and the
cost per entry served against the first length's (target: at most 2): the list query serves every entry; the
page and the embed show a list past LETTERS_FROM one initial letter at a time, so they serve that letter's.
Exit status 1 when a per-entry ratio passes 2.
"""
import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import build_db
from bench.build_db import _demo_entries
from bench.queries import LIST
from bench.uncached_cpu import call
from registry.migrations import upgrade
from registry.subprocessors import service as drafts
from registry.subprocessors.index import by_name, index

AUTH = [(b"authorization", b"Bearer not-a-token")]
CEILING = 2.0
ORIGIN = "https://www.example.com"
# Initials for the generated names, so that a long list spreads over the alphabet as a real one does.
INITIALS = ("Alfa Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike November Oscar Papa "
            "Quebec Romeo Sierra Tango Uniform Victor Whiskey Xray Yankee Zulu").split()


def entries(count: int) -> list:
    demo = _demo_entries()
    made = [drafts.parse_entry({"slug": f"leverandor-{i:04d}", "name": f"{INITIALS[i % 26]} Leverandør {i:04d} ApS",
                                "legal_entity": f"Leverandør {i:04d} ApS, Danmark", "purpose_da": "Drift af tjenesten",
                                "purpose_en": "Running the service", "countries": ["DK", "DE"][: 1 + i % 2],
                                "services": [f"Tjeneste {i % 7}"]}) for i in range(count - len(demo))]
    return (demo + made)[:count]


async def build(url: str, *, count: int, edits: int) -> None:
    """Version 1 lists `count` sub-processors; `edits` later versions change two of them each."""
    print(f"{url}: {await build_db.build(url, count=edits + 1, entries=entries(count))}")


def embed_queries() -> dict[str, str]:
    """embed.js's queries by variable name, taken from the script itself so that the two cannot drift apart.

    A query there is string literals joined by `+` with the constants declared before it (HISTORY_LENGTH, INDEX).
    """
    script = (Path(__file__).resolve().parent.parent / "schema/pages/static/embed.js").read_text()
    part = r'\s*(?:"((?:[^"\\]|\\.)*)"|([A-Z_]+)|(\d+))\s*(?:\+|$)'
    constants: dict[str, str] = {}
    for name, expression in re.findall(r"^  var ([A-Z_]+) = (.*?);$", script, re.M | re.S):
        parts = re.findall(part, expression)
        if re.fullmatch(f"(?:{part})+", expression) and all(not v or v in constants for _, v, _ in parts):
            constants[name] = "".join(text.replace('\\"', '"') + constants.get(variable, "") + number
                                      for text, variable, number in parts)
    return {name: query for name, query in constants.items() if name.endswith("QUERY")}


def embed_query() -> str:
    """The query string of embed.js's first read (the list's default letter, the services and the history)."""
    return urlencode({"query": embed_queries()["QUERY"], "variables": json.dumps({"language": "DA"})})


async def get(app, path: str, query: str = "", headers: tuple = ()) -> bytes:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), *headers], "client": ("127.0.0.1", 1234),
             "server": ("127.0.0.1", 80)}
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
    app = create_app(AppSettings(database_url=url, graphiql=False, cors_origins=[ORIGIN]))
    body = json.dumps({"query": LIST}).encode()
    embed, browser = embed_query(), [(b"origin", ORIGIN.encode()), (b"accept", b"application/json")]
    reads = {"list cached": lambda: call(app, body, []), "list uncached": lambda: call(app, body, AUTH),
             "page": lambda: get(app, "/subprocessors"),
             "embed cached": lambda: get(app, "/graphql", embed, browser),
             "embed uncached": lambda: get(app, "/graphql", embed, [*browser, *AUTH])}
    results = {}
    async with app.router.lifespan_context(app):
        for name, read in reads.items():
            for _ in range(3):
                answer = await read()
            if answer.startswith(b"{") and b'"errors"' in answer:
                raise SystemExit(f"{name}: {answer[:300]!r}")  # a figure of an error answer would mean nothing
            started = time.process_time()
            for _ in range(repeats):
                await read()
            results[name] = {"cpu_ms": round((time.process_time() - started) / repeats * 1000, 3), "bytes": len(answer)}
    return results


def served(count: int) -> dict:
    """Entries each read serves: the whole list; on the page and in the embed, past LETTERS_FROM, the first letter's."""
    shown = len(index(by_name(entries(count)), None).entries)
    return {"list cached": count, "list uncached": count, "page": shown, "embed cached": shown, "embed uncached": shown}


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
    shown = {count: served(count) for count in args.entries}
    ratios = {f"{name} per entry {count}/{base}": round(
        (figures[count][name]["cpu_ms"] / shown[count][name]) / (figures[base][name]["cpu_ms"] / shown[base][name]), 2)
        for count in args.entries[1:] for name in figures[base]}
    print(json.dumps({"figures": figures, "served": shown, "ratios": ratios}, indent=1))
    return 0 if all(v <= CEILING for v in ratios.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
