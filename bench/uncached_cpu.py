"""python -m bench.uncached_cpu [list history diff me]: CPU per uncached read, the registry against stock strawberry.

Both apps run in this one process and are called through ASGI directly, one request at a time, so the
figure is CPU time per request (process_time, the database driver's threads included) and holds on a
busy machine where wrk's requests/s do not. The registry is called with a token that is no one's, so
no request touches the answer cache; `me` with a real token of the database's customer (build_db's
customer=True). Before timing, each query's answer from stock must equal the registry's. Env: DBURL
(default a SQLite file in /tmp, built once with the benchmark's 500 versions and the customer's two;
an empty PostgreSQL database works too), N requests per figure (200), and PROF=registry or PROF=stock
to write a cProfile of that target to /tmp/bench-<query>.prof.
"""
import asyncio
import cProfile
import importlib
import json
import os
import sys
import tempfile
import time


from bench.build_db import build, customer_token
from bench.queries import CUSTOMER_QUERIES, QUERIES, VERSIONS
from registry.migrations import upgrade

URL = os.environ.get("DBURL", f"sqlite+aiosqlite:///{tempfile.gettempdir()}/bench-uncached-customer.db")
N = int(os.environ.get("N", "200"))
AUTH = "Bearer not-a-token"
BARE_ME = "{ me { authorisedVersion } }"
# Per process: another run at the same time must not hand this one's stock app its answers.
ANSWERS = os.path.join(tempfile.gettempdir(), f"bench-uncached-answers-{os.getpid()}.json")
ALL = {**QUERIES, **CUSTOMER_QUERIES}


async def call(app, body: bytes, headers):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json"), (b"host", b"127.0.0.1"), *headers],
             "client": ("127.0.0.1", 1234), "server": ("127.0.0.1", 80)}
    sent = False
    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    out = []
    async def send(m):
        out.append(m)
    await app(scope, receive, send)
    return b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body")

async def main(token: str):
    os.environ["REGISTRY_DATABASE_URL"] = URL
    os.environ["REGISTRY_GRAPHIQL"] = "false"
    from schema.app import create_app
    from schema.settings import AppSettings
    app = create_app(AppSettings(database_url=URL))
    anonymous = [(b"authorization", AUTH.encode())]
    auth = {name: [(b"authorization", f"Bearer {token}".encode())] if name in CUSTOMER_QUERIES else anonymous
            for name in ALL}
    answers = {}
    async with app.router.lifespan_context(app):
        for name, q in ALL.items():
            answers[name] = (await call(app, json.dumps({"query": q}).encode(), auth[name])).decode()
            if "errors" in json.loads(answers[name]):
                raise SystemExit(f"the registry's answer to {name} is an error: {answers[name]}")
        with open(ANSWERS, "w") as f:
            json.dump(answers, f)
        os.environ["BENCH_ANSWERS"] = ANSWERS
        stock = importlib.import_module("bench.stock_app").app
        os.remove(ANSWERS)
        which = sys.argv[1:] or list(ALL)
        for name in which:
            body = json.dumps({"query": ALL[name]}).encode()
            if json.loads(await call(stock, body, [])) != json.loads(answers[name]):
                raise SystemExit(f"stock strawberry's answer to {name} differs from the registry's")
            res = {}
            for label, target, hdr in (("stock", stock, []), ("registry", app, auth[name])):
                for _ in range(20):
                    await call(target, body, hdr)
                prof = cProfile.Profile() if os.environ.get("PROF") == label else None
                t0, c0 = time.perf_counter(), time.process_time()
                if prof: prof.enable()
                for _ in range(N):
                    await call(target, body, hdr)
                if prof:
                    prof.disable(); prof.dump_stats(f"{tempfile.gettempdir()}/bench-{name}.prof")
                res[label] = ((time.perf_counter() - t0) / N * 1000, (time.process_time() - c0) / N * 1000)
            print(f"{name:8} stock {res['stock'][0]:.2f} ms wall {res['stock'][1]:.2f} cpu | registry {res['registry'][0]:.2f} wall {res['registry'][1]:.2f} cpu | ratio(stock/reg cpu) {res['stock'][1]/res['registry'][1]:.2f}", flush=True)
            if name in CUSTOMER_QUERIES:
                # Where me's time goes: the same reads (the resolver reads everything it may need) with one field
                # to build, and an anonymous request refused before any read (the HTTP and GraphQL overhead).
                parts = {"reads + one field": (BARE_ME, auth[name]), "refused, no reads": (BARE_ME, anonymous)}
                for part, (query, hdr) in parts.items():
                    bare = json.dumps({"query": query}).encode()
                    for _ in range(20):
                        await call(app, bare, hdr)
                    c0 = time.process_time()
                    for _ in range(N):
                        await call(app, bare, hdr)
                    print(f"{'':8} registry {part}: {(time.process_time() - c0) / N * 1000:.2f} cpu", flush=True)

if __name__ == "__main__":
    upgrade(URL)
    print(asyncio.run(build(URL, count=VERSIONS, customer=True)))
    asyncio.run(main(asyncio.run(customer_token(URL))))
