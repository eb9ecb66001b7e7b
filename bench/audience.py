"""python -m bench.audience: a page of versionAudience and of noticeReport at the first and the last customer.

Builds a registry (a new SQLite file, or an empty PostgreSQL database with --database-url) whose version 2
was told to --customers customers (10,000 by default): each with a notice contact, an active agreement, the
notice on record and its notification sent; every tenth objected. Then, in this process and with the shipped
settings, an admin asks for a page (--first, default the largest) at the start and at the end of both lists,
interleaved in --rounds rounds; prints the median time and the SQL statements per page, and the ratio
last/first page. Keyset pagination means the end costs what the start costs: target ratio <= 1.5 and the same
statement count.
"""

import argparse
import asyncio
import base64
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import event

from bench.cache_load import _admin_token
from notifications.outbox.models import Notification, NotificationKind, NotificationStatus
from registry.customers.models import Agreement, Customer, CustomerNotice, NoticeContact
from registry.db import Database, utcnow
from registry.migrations import upgrade
from registry.objections.models import Objection
from registry.seed.service import seed_demo
from schema.settings import AppSettings
from registry.subprocessors import service as drafts
from registry.versions import service as versions

TARGET_RATIO = 1.5
AUDIENCE = """query($after: String, $first: Int) { versionAudience(number: 2, first: $first, after: $after) {
  edges { cursor node { customer { id name contacts { email } agreements { status noticeDays } } notifiedAt
  deadline holdsBack noticeStatus objection { status } } } pageInfo { hasNextPage endCursor } } }"""
REPORT = """query($after: String, $first: Int) { noticeReport(versionNumber: 2) { totals { sent total }
  recipients(first: $first, after: $after) { edges { cursor node { email language kind status sentAt messageId
  serverReply customerId } } pageInfo { hasNextPage endCursor } } } }"""


async def add_notified_customers(db: Database, *, count: int, version_number: int, batch: int = 2000) -> None:
    """`count` customers with a contact and an active agreement, told of the version; every tenth objected."""
    sent = utcnow()
    for start in range(0, count, batch):
        async with db.transaction() as session:
            rows = [Customer(name=f"Kunde {start + index:05d} ApS") for index in range(min(batch, count - start))]
            session.add_all(rows)
            await session.flush()
            for customer in rows:
                email = f"dpo{customer.id}@kunde.example"
                session.add_all([
                    NoticeContact(customer_id=customer.id, email=email),
                    Agreement(customer_id=customer.id, template_version=1, accepted_at=sent - timedelta(days=400),
                              services=[], notice_days=30),
                    CustomerNotice(customer_id=customer.id, version_number=version_number, sent_at=sent,
                                   message_id=f"<{customer.id}@bench>", recipient=email),
                    Notification(kind=NotificationKind.VERSION_PUBLISHED, version_number=version_number,
                                 customer_id=customer.id, to_address=email, language="da",
                                 status=NotificationStatus.SENT, sent_at=sent, message_id=f"<{customer.id}@bench>",
                                 server_reply="250 2.0.0 Ok"),
                ])
                if customer.id % 10 == 0:
                    session.add(Objection(customer_id=customer.id, version_number=version_number, reason="Nej tak.",
                                          filed_by=email))


async def build(url: str, *, customers: int) -> None:
    """Version 1 (the demo list), version 2 adding one sub-processor, and its audience of `customers`."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            await seed_demo(session=session, min_notice_days=30)
            await drafts.save_draft_entry(session=session, actor="bench", entry=drafts.parse_entry({
                "slug": "hetzner", "name": "Hetzner Online GmbH", "purpose_da": "Drift", "purpose_en": "Hosting",
                "countries": ["DE"]}))
            await versions.publish_version(session=session, actor="bench", note="Hetzner.", min_notice_days=30)
        await add_notified_customers(db, count=customers, version_number=2)
    finally:
        await db.dispose()


def _cursor(kind: str, key: int) -> str:
    # The cursor an admin holds after paging that far; built here so the bench need not page 100 times first.
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


async def measure(url: str, *, customers: int, first: int, rounds: int, repeats: int) -> list[dict]:
    from schema.app import create_app

    token = await _admin_token(url)
    settings = AppSettings(database_url=url, inprocess_worker=False)
    first = first or settings.max_page_size
    db = Database(url)
    app = create_app(settings, db=db)
    async with db.session() as session:
        ids = sorted((await session.exec(Customer.__table__.select().with_only_columns(Customer.id))).all())
        notes = sorted((await session.exec(Notification.__table__.select().with_only_columns(Notification.id)
                                           .where(Notification.version_number == 2))).all())
    cases = {
        ("versionAudience", "first"): (AUDIENCE, None),
        ("versionAudience", "last"): (AUDIENCE, _cursor("audience", ids[-first - 1][0])),
        ("noticeReport", "first"): (REPORT, None),
        ("noticeReport", "last"): (REPORT, _cursor("recipient", notes[-first - 1][0])),
    }
    statements: list[str] = []
    timings: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
    counts: dict[tuple[str, str], int] = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        async def one(case) -> float:
            query, after = cases[case]
            statements.clear()
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": query, "variables": {"first": first,
                                                                                          "after": after}},
                                         headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            answer = response.json()
            assert "errors" not in answer, answer
            counts[case] = len(statements)
            return elapsed

        record = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
        event.listen(db.engine.sync_engine, "before_cursor_execute", record)
        for case in cases:
            await one(case)  # warm-up: connections, parser and validation caches
        for _ in range(rounds):
            for case in cases:
                timings[case].extend([await one(case) for _ in range(repeats)])
    await db.dispose()
    rows = []
    for name in ("versionAudience", "noticeReport"):
        start, end = (statistics.median(timings[(name, at)]) for at in ("first", "last"))
        rows.append({"query": name, "customers": customers, "first": first, "first_page_ms": round(start, 2),
                     "last_page_ms": round(end, 2), "ratio_last_first": round(end / start, 2),
                     "statements_first": counts.get((name, "first")), "statements_last": counts.get((name, "last")),
                     "met": end / start <= TARGET_RATIO and counts.get((name, "first")) == counts.get((name, "last"))})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty PostgreSQL database; default a new SQLite file")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--first", type=int, default=0, help="page size; default the largest allowed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-audience-"))
    url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'audience.db'}"
    upgrade(url)
    started = time.perf_counter()
    asyncio.run(build(url, customers=args.customers))
    print(f"built {args.customers} customers in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    rows = asyncio.run(measure(url, customers=args.customers, first=args.first, rounds=args.rounds,
                               repeats=args.repeats))
    for row in rows:
        print(json.dumps(row))
    return 0 if all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
