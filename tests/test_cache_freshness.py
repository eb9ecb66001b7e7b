"""Given readers hammering real server processes, a publish or withdrawal shows in every later read.

The process that served the mutation answers no read sent after the mutation's response with the old
history; another process on the same PostgreSQL serves the new history within a second (issue 11, item 3).
"""

import asyncio
import contextlib
import time

import httpx
import pytest
from sqlalchemy import text

from registry.db import Database
from schema.cache_state import STAMP_APPLICATION_NAME
from tests.support.app_process import AppProcess

HISTORY = "{ registryVersions(first: 3) { edges { node { number status } } } }"
SAVE = """mutation($input: SubprocessorInput!) { saveSubprocessorDraft(input: $input) { userErrors { message } } }"""
PUBLISH = """mutation { publishVersion(input: {note: "Hosting moves."}) {
  version { number } userErrors { message } } }"""
WITHDRAW = """mutation($n: Int!) { withdrawVersion(number: $n, reason: "Not yet.") { userErrors { message } } }"""
READERS = 16
UNCACHED = {"Authorization": "Bearer not-a-token"}
ROUNDS = 10
PAUSE_SECONDS = 0.3
OTHER_PROCESS_LIMIT_SECONDS = 1.0
KEEPALIVE_SECONDS = 2.0  # below uvicorn's timeout_keep_alive


class Readers:
    """Background readers of the history, by GET and POST in turn, remembering when each read went out."""

    def __init__(self, url: str, count: int) -> None:
        # A connection left idle is dropped here before uvicorn closes it (after 5 s): a request sent on it just as
        # the server closes it fails with "Server disconnected" (seen once, on a busy machine).
        self.http = httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(
            max_connections=count, keepalive_expiry=KEEPALIVE_SECONDS))
        self.count = count
        self.reads: list[tuple[float, float, tuple[int, str], str]] = []  # (sent, received, top version, how)
        self.stop = False

    async def _loop(self, index: int) -> None:
        while not self.stop:
            sent = time.monotonic()
            # Half the readers bypass the answer cache, as every caller with a token does: the versions they
            # are answered from are this process's memory of them (schema/published.py), which must keep up too.
            headers = UNCACHED if index % 4 >= 2 else {}
            if index % 2:
                response = await self.http.get("/graphql", params={"query": HISTORY}, headers=headers)
            else:
                response = await self.http.post("/graphql", json={"query": HISTORY}, headers=headers)
            top = response.json()["data"]["registryVersions"]["edges"][0]["node"]
            how = f"{'GET' if index % 2 else 'POST'} {'uncached' if headers else 'cached'} reader {index}"
            self.reads.append((sent, time.monotonic(), (top["number"], top["status"]), how))

    async def __aenter__(self) -> "Readers":
        self.tasks = [asyncio.create_task(self._loop(index)) for index in range(self.count)]
        return self

    async def __aexit__(self, *exc) -> None:
        self.stop = True
        await asyncio.gather(*self.tasks)
        await self.http.aclose()


async def admin_call(http: httpx.AsyncClient, token: str, query: str, variables: dict | None = None) -> dict:
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}},
                               headers={"Authorization": f"Bearer {token}"})
    data = response.json()["data"]
    assert all(not field["userErrors"] for field in data.values()), data
    return data


async def publish_and_withdraw(url: str, token: str) -> list[tuple[float, tuple[int, str]]]:
    """Publishes and withdraws in turn; returns when each mutation's response arrived and what it made."""
    changes = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for round_ in range(ROUNDS):
            await admin_call(http, token, SAVE, {"input": {
                "slug": "hetzner", "name": f"Hetzner {round_}", "purposeDa": "Hosting", "purposeEn": "Hosting",
                "countries": ["DE"], "transferMechanism": "EEA"}})
            await asyncio.sleep(PAUSE_SECONDS)
            number = (await admin_call(http, token, PUBLISH))["publishVersion"]["version"]["number"]
            changes.append((time.monotonic(), (number, "PENDING")))
            await asyncio.sleep(PAUSE_SECONDS)
            await admin_call(http, token, WITHDRAW, {"n": number})
            changes.append((time.monotonic(), (number, "WITHDRAWN")))
    await asyncio.sleep(PAUSE_SECONDS)
    return changes


def stale_reads(reads: list, changes: list) -> list[float]:
    """For each read sent after a change's response that still shows an older state: how late it was sent."""
    order = {(1, "EFFECTIVE"): 0} | {top: index + 1 for index, (_, top) in enumerate(changes)}
    late = []
    for sent, received, top, how in reads:
        known = sum(1 for returned, _ in changes if returned < sent)  # changes answered before this read left
        if order[top] < known:
            late.append(sent - changes[known - 1][0])
            print(f"stale: {how} sent {(sent - changes[known - 1][0]) * 1000:.1f} ms after {changes[known - 1][1]} "
                  f"returned, took {(received - sent) * 1000:.1f} ms, showed {top}")
    return late


def time_to_show(reads: list, changes: list) -> float:
    """The longest any change took to show: from its response until the last read sent that showed older."""
    return max(stale_reads(reads, changes), default=0.0)


@pytest.mark.parametrize("listeners", ["kept", "killed"])
async def test_reads_after_a_publish_never_show_the_old_history(seeded: Database, admin_token: str, listeners: str):
    url = seeded.url
    postgres = seeded.dialect == "postgresql"
    if listeners == "killed" and not postgres:
        pytest.skip("SQLite has no LISTEN connection to lose")
    with contextlib.ExitStack() as processes:
        this = processes.enter_context(AppProcess(url))
        other = processes.enter_context(AppProcess(url)) if postgres else None
        # Given 16 readers on this process and, on PostgreSQL, 8 on another one
        there = Readers(other.url, READERS // 2) if postgres else _Nothing()
        async with Readers(this.url, READERS) as here, there, _killing_listeners(seeded, listeners == "killed"):
            # When an admin publishes and withdraws through this process, ten times each
            # (and, in one run, the servers' LISTEN connections are killed again and again meanwhile)
            changes = await publish_and_withdraw(this.url, admin_token)

    # Then no read sent to it after a response shows the old history
    late_here = stale_reads(here.reads, changes)
    print(f"\nthis process: {len(here.reads)} reads, {len(late_here)} stale after a change returned: {late_here}")
    assert late_here == []
    if postgres:  # and the other process shows each change within a second
        lag = time_to_show(there.reads, changes)
        print(f"other process: {len(there.reads)} reads, longest time to show a change: {lag * 1000:.0f} ms")
        assert lag < OTHER_PROCESS_LIMIT_SECONDS


@contextlib.asynccontextmanager
async def _killing_listeners(db: Database, kill: bool):
    """Terminates every server's LISTEN connection every 100 ms, as a database restart or a proxy would."""
    stop = asyncio.Event()

    async def killer() -> int:
        killed = 0
        while not stop.is_set():
            async with db.engine.begin() as connection:
                killed += (await connection.execute(text(
                    # Only this database's: other runs on the same server have LISTEN connections of their own.
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name "
                    "AND datname = current_database()"),
                    {"name": STAMP_APPLICATION_NAME})).scalar_one()
            await asyncio.sleep(0.1)
        return killed

    task = asyncio.create_task(killer()) if kill else None
    try:
        yield
    finally:
        stop.set()
        if task is not None:
            assert await task > 0, "no LISTEN connection was killed"


class _Nothing:
    reads: list = []

    async def __aenter__(self) -> "_Nothing":
        return self

    async def __aexit__(self, *exc) -> None:
        pass
