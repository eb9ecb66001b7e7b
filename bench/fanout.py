"""Fan-out benchmark (not a test): publish to N subscribers and deliver to a local aiosmtpd sink.

Reports, in one run and per subscriber count: the time publishVersion spends enqueueing, the worker's
messages per second, the same sink's rate for a bare aiosmtplib loop on one reused connection (the
ceiling: after each batch the worker delivers, it sends as many), their ratio (target >= 0.8), and
the peak RSS of the process that did it and its growth during the fan-out (should stay flat), and the
crash bound the worker kept while doing it (2 x settle group + 1 messages resent at most after a SIGKILL).

    .venv/bin/python bench/fanout.py                       # 10,000 and 2,000 subscribers on SQLite
    .venv/bin/python bench/fanout.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiosmtplib

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))


# With --chosen-share, the published sub-processor serves TOUCHED; a share of the subscribers chose a service,
# half of them TOUCHED (they are told) and half UNTOUCHED (they are not): the filter a publish's INSERT runs.
TOUCHED, UNTOUCHED = "Drift", "Support"


def _chosen(i: int, share: float) -> list[str] | None:
    if (i * 7919) % 1000 >= share * 1000:  # spread over the ids, not in one block
        return None
    return [TOUCHED] if i % 2 else [UNTOUCHED]


async def _prepare(url: str, subscribers: int, chosen_share: float = 0.0):
    from sqlalchemy import insert

    from bench.build_db import fresh_demo
    from notifications.subscriptions.models import Subscription, SubscriptionStatus

    db = await fresh_demo(url)
    now = datetime.now(UTC)
    for start in range(0, subscribers, 1000):  # in chunks, so setup does not set the peak RSS
        rows = [{"email": f"subscriber{i}@example.dk", "language": "da" if i % 3 else "en",
                 "status": SubscriptionStatus.CONFIRMED.value, "created_at": now, "confirmed_at": now,
                 "consent_source": "benchmark", "services": _chosen(i, chosen_share)}
                for i in range(start, min(start + 1000, subscribers))]
        async with db.transaction() as session:
            await session.exec(insert(Subscription), params=rows)
    return db


async def _publish(db, chosen_share: float = 0.0) -> tuple[float, float, int]:
    from notifications.outbox.models import NotificationKind
    from notifications.subscriptions import audience
    from registry.subprocessors import service as drafts
    from registry.versions import service as versions

    async with db.transaction() as session:
        entry = drafts.parse_entry({"slug": "bench-co", "name": "Bænch Cø A/S", "purpose_da": "Drift",
                                    "purpose_en": "Operations", "countries": ["DK"],
                                    "services": [TOUCHED] if chosen_share else []})
        await drafts.save_draft_entry(session=session, actor="bench", entry=entry)
    started = time.perf_counter()
    async with db.transaction() as session:
        version = await versions.publish_version(session=session, actor="bench", note="Benchmark", min_notice_days=30)
        enqueue_started = time.perf_counter()
        queued = await audience.enqueue_version_notices(session=session, version=version,
                                                        kind=NotificationKind.VERSION_PUBLISHED)
        enqueue_seconds = time.perf_counter() - enqueue_started
    return enqueue_seconds, time.perf_counter() - started, queued


async def _ceiling_chunk(client, message: bytes, count: int) -> float:
    """Seconds a bare aiosmtplib loop on one reused connection takes to send `count` messages."""
    started = time.perf_counter()
    for i in range(count):
        await client.sendmail("noreply@registry.example", [f"subscriber{i}@example.dk"], message)
    return time.perf_counter() - started


async def one_run(url: str, port: int, subscribers: int, settle_group: int, batch_size: int,
                  max_sent: int | None = None, chosen_share: float = 0.0) -> dict:
    from sqlalchemy import func
    from sqlmodel import select

    from notifications.outbox.models import Notification
    from notifications.rendering.render import build_message, render_bodies
    from notifications.worker import Worker, max_resent_per_crash
    from registry.db import Database
    from schema.settings import AppSettings
    from registry.versions.models import RegistryVersion

    settings = AppSettings(database_url=url, smtp_url=f"smtp://127.0.0.1:{port}?starttls=false",
                        public_url="https://registry.example", mail_from="noreply@registry.example",
                        worker_batch_size=batch_size, worker_settle_group=settle_group)
    db = await _prepare(url, subscribers, chosen_share)
    enqueue_seconds, publish_seconds, queued = await _publish(db, chosen_share)
    async with db.session() as session:
        sample = (await session.exec(select(Notification).limit(1))).one()
        version = await session.get(RegistryVersion, sample.version_number)
    bodies = render_bodies(kind=sample.kind, language=sample.language, version=version, settings=settings)
    message = build_message(notification=sample, bodies=bodies, settings=settings, installation="bench")
    ceiling_client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
    # Each side opens its one connection inside its own timing: the worker connects on its first send.
    connecting = time.perf_counter()
    await ceiling_client.connect()
    connect_seconds = time.perf_counter() - connecting
    # As `python -m registry worker` runs it: its own engine, without pre-ping.
    worker_db = Database(url, pre_ping=False)
    worker = Worker(db=worker_db, settings=settings)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The machine is shared, and slow spells last seconds: after each batch the worker sends, the bare
    # loop sends as many, so both see the same spells and the ratio stays put from run to run.
    worker_seconds, ceiling_seconds, measured = 0.0, connect_seconds, 0
    while True:
        started = time.perf_counter()
        handled = await worker.run_once()
        worker_seconds += time.perf_counter() - started
        if not handled:
            break
        ceiling_seconds += await _ceiling_chunk(ceiling_client, message, handled)
        measured += handled
        if max_sent and measured >= max_sent:
            break
    async with db.session() as session:
        sent = (await session.exec(select(func.count()).where(Notification.status == "SENT"))).one()
    if sent != measured:  # a rate is only worth reporting for messages that all went out
        raise SystemExit(f"the worker stopped with {measured - sent} of {measured} notices unsent")
    rate, ceiling = measured / worker_seconds, measured / ceiling_seconds
    await worker.transport.close()
    await ceiling_client.quit()
    await worker_db.dispose()
    await db.dispose()
    return {"subscribers": subscribers, "settle_group": settle_group, "batch_size": batch_size,
            "crash_bound": max_resent_per_crash(settle_group), "queued": queued, "measured": measured,
            "enqueue_ms": round(enqueue_seconds * 1000, 1),
            "publish_ms": round(publish_seconds * 1000, 1), "worker_msgs_per_s": round(rate),
            "ceiling_msgs_per_s": round(ceiling), "ratio": round(rate / ceiling, 2), "message_bytes": len(message),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_growth_during_fanout_mib": round(
                (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1)}


TARGET_RATIO = 0.8


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, nargs="+",
                        help="default: 10,000 and 2,000; with --workers, 2,000")
    parser.add_argument("--workers", type=int, nargs="+",
                        help="instead: run this many `python -m registry worker` processes at once (PostgreSQL), "
                             "e.g. 1 2 4, and count duplicates at the SMTP server")
    parser.add_argument("--worker-logs", type=Path, help="with --workers: write each worker's log into this folder")
    parser.add_argument("--smtp-latency-ms", type=float, default=0.0,
                        help="the SMTP server waits this long before each 250 (default 0)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file per run")
    # The shipped defaults unless asked otherwise: the figures describe `python -m registry worker` as it comes.
    from schema.settings import AppSettings

    defaults = AppSettings.model_fields
    parser.add_argument("--settle-group", type=int, default=defaults["worker_settle_group"].default,
                        help="REGISTRY_WORKER_SETTLE_GROUP to measure (default: the shipped one)")
    parser.add_argument("--batch-size", type=int, default=defaults["worker_batch_size"].default,
                        help="REGISTRY_WORKER_BATCH_SIZE to measure (default: the shipped one)")
    parser.add_argument("--max-sent", type=int,
                        help="stop each fan-out after the batch that reaches this many messages (rate, ratio and "
                             "RSS growth over that part; enqueue still covers everyone); default: all")
    parser.add_argument("--chosen-share", type=float, default=0.0,
                        help="this share of the subscribers chose one service, half of them one the published "
                             "version concerns (they are told), half another (they are not); default 0: nobody chose")
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per subscriber count; the median counts")
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from bench import fanout_workers

    if args.sink:
        fanout_workers.counting_sink_main(args.sink, args.smtp_latency_ms)
        return 0
    if args.workers:
        args.subscribers = args.subscribers or [2_000]
        return fanout_workers.run(args)
    args.subscribers = args.subscribers or [10_000, 2_000]
    if args.one:
        from registry.migrations import upgrade

        upgrade(args.database_url)
        print(json.dumps(asyncio.run(one_run(args.database_url, args.port, args.one, args.settle_group,
                                                 args.batch_size, args.max_sent, args.chosen_share))))
        return 0

    from tests.support.smtp_sink import free_port

    port = free_port()
    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port), "--smtp-latency-ms",
                             str(args.smtp_latency_ms)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    runs: dict[int, list[dict]] = {count: [] for count in args.subscribers}
    try:
        assert sink.stdout.readline().strip() == "ready"
        # Counts interleaved round by round, so a slow spell on the shared machine hits each alike.
        for _ in range(args.repeat):
            for count in args.subscribers:
                with tempfile.TemporaryDirectory() as scratch:
                    url = args.database_url or f"sqlite+aiosqlite:///{scratch}/bench.db"
                    # Each run in a fresh process, so its peak RSS is its own.
                    out = subprocess.run([sys.executable, __file__, "--one", str(count), "--port", str(port),
                                          "--database-url", url, "--settle-group", str(args.settle_group),
                                          "--batch-size", str(args.batch_size), "--chosen-share", str(args.chosen_share),
                                          *(["--max-sent", str(args.max_sent)] if args.max_sent else [])],
                                         capture_output=True, text=True, check=True)
                    runs[count].append(json.loads(out.stdout.strip().splitlines()[-1]))
                    print(json.dumps(runs[count][-1]), flush=True)
    finally:
        try:
            sink.communicate(timeout=30)  # this mode does not use the sink's counts
        except subprocess.TimeoutExpired:
            sink.kill()
    engine = (args.database_url or "sqlite").split(":")[0]
    from notifications.worker import max_resent_per_crash

    # The rate counts only with the crash bound it keeps: a larger settle group is faster and resends more.
    print(f"\nengine {engine}, batch size {args.batch_size}, settle group {args.settle_group}, crash bound "
          f"{max_resent_per_crash(args.settle_group)} messages resent at most, median of {args.repeat} runs (min-max)")
    print(f"{'subscribers':>11} {'enqueue ms':>10} {'worker/s':>9} {'ceiling/s':>9} {'ratio':>6} "
          f"{'ratio range':>11} {'peak RSS MiB':>12} {'RSS growth MiB':>14}")
    met = True
    for count, results in runs.items():
        ratios = [r["ratio"] for r in results]
        ratio = _median(ratios)
        met &= ratio >= TARGET_RATIO
        print(f"{count:>11} {_median([r['enqueue_ms'] for r in results]):>10.1f} "
              f"{_median([r['worker_msgs_per_s'] for r in results]):>9.0f} "
              f"{_median([r['ceiling_msgs_per_s'] for r in results]):>9.0f} {ratio:>6.2f} "
              f"{min(ratios):>5.2f}-{max(ratios):<5.2f} {max(r['peak_rss_mib'] for r in results):>12} "
              f"{max(r['rss_growth_during_fanout_mib'] for r in results):>14}")
    print(f"\nworker/ceiling >= {TARGET_RATIO}: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
