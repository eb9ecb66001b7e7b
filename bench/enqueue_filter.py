"""What the per-service filter costs a publish's enqueue (not a test): with it and without it, alternately.

N confirmed subscribers (default 100,000), half of whom chose one service, half of those the one the
published version concerns. Each round runs the publish's one INSERT ... SELECT as it is now (the filter
drops the 25% who chose another service) and as it was before per-service subscriptions (every confirmed
subscriber), each in a transaction rolled back, so both meet the same tables and the same load; prints
the medians and their ratio.

    .venv/bin/python bench/enqueue_filter.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))


async def _run(url: str, subscribers: int, rounds: int) -> None:
    from sqlalchemy import func, insert, literal, text
    from sqlmodel import select

    from bench.fanout import TOUCHED, _prepare
    from notifications.outbox.models import Notification, NotificationKind, NotificationStatus
    from notifications.subscriptions import audience
    from notifications.subscriptions.models import Subscription, SubscriptionStatus
    from registry.customers.models import NoticeContact
    from registry.db import UTCDateTime, utcnow
    from registry.subprocessors import service as drafts
    from registry.versions import service as versions

    db = await _prepare(url, subscribers, chosen_share=0.5)
    async with db.transaction() as session:
        entry = drafts.parse_entry({"slug": "bench-co", "name": "Bench", "purpose_da": "Drift",
                                    "purpose_en": "Operations", "countries": ["DK"], "services": [TOUCHED]})
        await drafts.save_draft_entry(session=session, actor="bench", entry=entry)
        version = await versions.publish_version(session=session, actor="bench", note="Bench", min_notice_days=30)
    async with db.engine.begin() as connection:
        await connection.execute(text("ANALYZE" if db.dialect == "postgresql" else "ANALYZE main"))

    async def with_filter(session) -> int:
        return await audience.enqueue_version_notices(session=session, version=version,
                                                      kind=NotificationKind.VERSION_PUBLISHED)

    async def before(session) -> int:
        # The statement as it was: every confirmed subscriber not suppressed, joined to the notice contacts.
        now = utcnow()
        rows = select(literal(NotificationKind.VERSION_PUBLISHED.value), literal(version.number), Subscription.id,
                      Subscription.email, Subscription.language, literal(NotificationStatus.QUEUED.value), literal(0),
                      literal(now, UTCDateTime), literal(now, UTCDateTime), NoticeContact.customer_id,
                      ).select_from(Subscription).outerjoin(
            NoticeContact, func.lower(NoticeContact.email) == Subscription.email,
        ).where(Subscription.status == SubscriptionStatus.CONFIRMED, Subscription.suppressed_at.is_(None))
        statement = insert(Notification).from_select(
            ["kind", "version_number", "subscription_id", "to_address", "language", "status", "attempts",
             "created_at", "next_attempt_at", "customer_id"], rows)
        return (await session.exec(statement)).rowcount

    seconds: dict[str, list[float]] = {"before (every subscriber)": [], "with the service filter": []}
    queued: dict[str, int] = {}
    for _ in range(rounds):
        for name, enqueue in zip(seconds, (before, with_filter), strict=True):
            async with db.session() as session:
                started = time.perf_counter()
                queued[name] = await enqueue(session)
                seconds[name].append(time.perf_counter() - started)
                await session.rollback()
    await db.dispose()
    print(f"engine {db.dialect}, {subscribers} confirmed subscribers, median of {rounds} alternating rounds")
    for name, values in seconds.items():
        print(f"{name:>26}: {queued[name]:>7} queued in {statistics.median(values):6.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    medians = [statistics.median(values) for values in seconds.values()]
    print(f"with / before: {medians[1] / medians[0]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database the benchmark may empty")
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from registry.migrations import upgrade

    upgrade(args.database_url)
    asyncio.run(_run(args.database_url, args.subscribers, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
