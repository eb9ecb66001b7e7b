"""Priority benchmark (not a test): how long an urgent notice waits behind 10,000 queued change notices.

One worker in this process sends a published version's notices to `--queued` subscribers through an
aiosmtpd sink (in a thread, answering each message `--smtp-latency-ms` late). Once `--warm` messages
have gone out, so the worker is in the middle of a batch, a breach affecting one customer is recorded and
notified (notifications.flows.notify_incident, what Mutation.notifyIncident calls), which queues its notice
as URGENT. Prints JSON: seconds from notifyIncident's commit to the notice's 250 (as the worker recorded them), the seconds the
10,000 take (measured to the end with `--full`, else from the pace over the rest of the run), their ratio,
and how many change notices went out before the urgent one.

    .venv/bin/python bench/priority.py [--database-url postgresql+asyncpg://…/empty_db] [--full]
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

URGENT_ADDRESS = "breach-contact@example.dk"


async def _until(condition, limit_seconds: float = 3600) -> None:
    deadline = time.monotonic() + limit_seconds
    while not await condition():
        if time.monotonic() > deadline:
            raise SystemExit("gave up waiting")
        await asyncio.sleep(0.01)


async def run(url: str, queued: int, warm: int, latency_ms: float, full: bool) -> dict:
    from sqlalchemy import func
    from sqlmodel import select

    from bench.fanout import _prepare, _publish
    from notifications import flows
    from notifications.outbox.models import Notification
    from notifications.worker import Worker
    from registry.customers import service as customers
    from registry.db import Database
    from registry.incidents import service as incidents
    from schema.settings import AppSettings
    from tests.support.incidents import breach_facts
    from tests.support.smtp_sink import SmtpServer

    db = await _prepare(url, queued)
    async with db.transaction() as session:
        customer, _ = await customers.create_customer(session=session, actor="bench", name="Brudt A/S", cvr=None,
                                                      contacts=[(URGENT_ADDRESS, "da")])
    await _publish(db)
    with SmtpServer() as smtp:
        smtp.sink.delay = latency_ms / 1000
        settings = AppSettings(database_url=url, smtp_url=smtp.url, public_url="https://registry.example",
                               mail_from="noreply@registry.example")
        worker_db = Database(url, pre_ping=False)
        worker, stop = Worker(db=worker_db, settings=settings), asyncio.Event()
        running = asyncio.create_task(worker.run(stop))

        async def count() -> int:
            return len(smtp.sink.messages)

        async def warmed() -> bool:
            return await count() >= warm

        async def urgent_sent() -> Notification | None:
            async with db.session() as session:
                return (await session.exec(select(Notification).where(
                    Notification.to_address == URGENT_ADDRESS, Notification.status == "SENT"))).first()

        async def drained() -> bool:
            async with db.session() as session:
                return (await session.exec(select(func.count()).where(Notification.status == "SENT"))).one() > queued

        await _until(warmed)
        began, sent_at_start = time.monotonic(), await count()
        async with db.transaction() as session:
            incident = await incidents.record_incident(session=session, actor="bench", facts=breach_facts("Bench"),
                                                       services=[], customer_ids=[customer.id])
            await flows.notify_incident(session=session, actor="bench", incident_id=incident.id)
        await _until(urgent_sent)
        row = await urgent_sent()
        before_it = next(i for i, m in enumerate(smtp.sink.messages) if m["To"] == URGENT_ADDRESS)
        if full:
            await _until(drained)
        else:
            await asyncio.sleep(max(3.0, time.monotonic() - began))  # a pace over a few seconds at least
        elapsed, sent = time.monotonic() - began, await count() - sent_at_start
        stop.set()
        running.cancel()
        try:
            await running
        except asyncio.CancelledError:
            pass
        await worker_db.dispose()
    await db.dispose()
    waited = (row.sent_at - row.created_at).total_seconds()
    all_of_them = elapsed / sent * queued
    return {"engine": url.split(":")[0], "queued": queued, "smtp_latency_ms": latency_ms,
            "notify_incident_to_250_s": round(waited, 3), "drain_s": round(all_of_them, 1),
            "drain_measured": "to the end" if full else f"pace over {sent} messages",
            "ratio": round(waited / all_of_them, 4), "change_notices_sent_before_it": before_it}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--warm", type=int, default=150, help="messages sent before the urgent one is queued")
    parser.add_argument("--smtp-latency-ms", type=float, default=5.0)
    parser.add_argument("--full", action="store_true", help="drain every notice instead of extrapolating the pace")
    args = parser.parse_args()
    from registry.migrations import upgrade

    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{scratch}/bench.db"
        upgrade(url)
        print(json.dumps(asyncio.run(run(url, args.queued, args.warm, args.smtp_latency_ms, args.full))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
