"""Several `python -m registry worker` processes on one database against one slow SMTP server.

Used by bench/fanout.py --workers: per worker count, a fresh fan-out to --subscribers, then that many
workers started as an operator starts them, against an aiosmtpd sink (its own process) that waits
--smtp-latency-ms before each 250. The sink counts what arrives: messages per second from its first
to its last message, duplicates (a recipient who got the notice twice; no worker crashes here, so
the promise is 0), and how many messages each connection carried (how evenly the workers shared).
"""

import asyncio
import json
import re
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]


def counting_sink_main(port: int, latency_ms: float) -> None:
    """An SMTP sink that answers after `latency_ms` and, when stdin closes, prints what it received."""
    from aiosmtpd.controller import Controller

    received: dict[str, int] = {}
    seen: dict[str, list] = {}  # recipient -> [(connection, Message-ID)], so a duplicate can be told apart
    per_connection: dict[tuple, int] = {}
    first_last: list[float] = []

    class Counting:
        async def handle_DATA(self, server, session, envelope):
            if latency_ms:
                await asyncio.sleep(latency_ms / 1000)
            # Counted when the 250 is decided, as the worker counts a message sent.
            now = time.monotonic()
            first_last[:] = [first_last[0] if first_last else now, now]
            found = re.search(rb"^Message-ID: *(.+?)\r?$", envelope.original_content or b"", re.M | re.I)
            for recipient in envelope.rcpt_tos:
                received[recipient] = received.get(recipient, 0) + 1
                seen.setdefault(recipient, []).append((session.peer[1], found and found.group(1).decode()))
            per_connection[session.peer] = per_connection.get(session.peer, 0) + 1
            return "250 2.0.0 Ok"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()  # run until the parent closes our stdin
    controller.stop()
    total = sum(received.values())
    print(json.dumps({"received": total, "distinct": len(received), "duplicates": total - len(received),
                      "seconds": (first_last[1] - first_last[0]) if first_last else 0.0,
                      "per_connection": sorted(per_connection.values(), reverse=True),
                      # a few, so the line stays short
                      "twice": {recipient: seen[recipient] for recipient in
                                [recipient for recipient, count in received.items() if count > 1][:10]}}),
          flush=True)


def _peak_rss_mib(pid: int) -> float:
    """The process's high-water resident set (VmHWM), read before it is stopped."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _start_workers(count: int, *, url: str, port: int, settle_group: int, batch_size: int,
                   log_dir: Path | None) -> list[subprocess.Popen]:
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_SMTP_URL": f"smtp://127.0.0.1:{port}?starttls=false",
           "REGISTRY_SECRET_KEY": secrets.token_urlsafe(48), "REGISTRY_PUBLIC_URL": "https://registry.example",
           "REGISTRY_MAIL_FROM": "noreply@registry.example", "REGISTRY_WORKER_POLL_SECONDS": "0.2",
           "REGISTRY_WORKER_SETTLE_GROUP": str(settle_group), "REGISTRY_WORKER_BATCH_SIZE": str(batch_size)}
    logs = [(log_dir / f"worker{count}-{i}.log").open("w") if log_dir else subprocess.DEVNULL for i in range(count)]
    return [subprocess.Popen([sys.executable, "-m", "registry", "worker"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=log) for log in logs]


async def _wait_all_sent(db, queued: int, workers: list[subprocess.Popen], limit_seconds: float) -> None:
    from sqlalchemy import func
    from sqlmodel import select

    from notifications.outbox.models import Notification, NotificationStatus

    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            raise SystemExit("a worker process ended before the fan-out was sent")
        async with db.session() as session:
            sent = (await session.exec(select(func.count()).where(
                Notification.status == NotificationStatus.SENT))).one()
        if sent == queued:
            return
        await asyncio.sleep(0.2)
    raise SystemExit(f"gave up after {limit_seconds:.0f} s with {queued - sent} of {queued} notices unsent")


async def one_run(url: str, *, subscribers: int, workers: int, latency_ms: float, settle_group: int,
                  batch_size: int, log_dir: Path | None = None) -> dict:
    from bench.fanout import _prepare, _publish
    from tests.support.smtp_sink import free_port

    db = await _prepare(url, subscribers)
    enqueue_seconds, _, queued = await _publish(db)
    port = free_port()
    sink = subprocess.Popen([sys.executable, str(ROOT / "bench" / "fanout.py"), "--sink", str(port),
                             "--smtp-latency-ms", str(latency_ms)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    processes: list[subprocess.Popen] = []
    try:
        assert sink.stdout.readline().strip() == "ready"
        started = time.monotonic()
        processes = _start_workers(workers, url=url, port=port, settle_group=settle_group, batch_size=batch_size,
                                   log_dir=log_dir)
        # Generous: a single worker at the latency's pace, twice over, plus start-up.
        await _wait_all_sent(db, queued, processes, limit_seconds=60 + 2 * queued * (latency_ms + 5) / 1000)
        wall = time.monotonic() - started
        peak_rss = [_peak_rss_mib(process.pid) for process in processes]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        sink.stdin.close()
        stats = json.loads(sink.stdout.readline())
        sink.wait(timeout=30)
        await db.dispose()
    rate = stats["received"] / stats["seconds"] if stats["seconds"] else 0.0
    # One connection cannot beat one message per latency: the ideal for W workers is W of those.
    ideal = workers * 1000 / latency_ms if latency_ms else None
    return {"workers": workers, "subscribers": subscribers, "smtp_latency_ms": latency_ms, "queued": queued,
            "enqueue_ms": round(enqueue_seconds * 1000, 1), "received": stats["received"],
            "duplicates": stats["duplicates"], "missing": queued - stats["distinct"],
            "msgs_per_s": round(rate, 1), "of_ideal": round(rate / ideal, 2) if ideal else None,
            "wall_s_incl_start": round(wall, 1), "per_connection": stats["per_connection"],
            "twice": stats["twice"],
            "worker_peak_rss_mib": peak_rss}


def run(args) -> int:
    """Each worker count in turn (fresh data each time); exit 1 if any notice arrived twice or not at all."""
    from registry.migrations import upgrade

    if not (args.database_url or "").startswith("postgresql"):
        raise SystemExit("--workers needs --database-url postgresql+asyncpg://…: SQLite has one writer")
    upgrade(args.database_url)
    results = []
    for subscribers in args.subscribers:
        for workers in args.workers:
            result = asyncio.run(one_run(args.database_url, subscribers=subscribers, workers=workers,
                                         latency_ms=args.smtp_latency_ms, settle_group=args.settle_group,
                                         batch_size=args.batch_size, log_dir=args.worker_logs))
            print(json.dumps(result), flush=True)
            results.append(result)
    print(f"\nSMTP server answering in {args.smtp_latency_ms:g} ms, batch size {args.batch_size}, settle group "
          f"{args.settle_group}; msgs/s from the sink's first to its last message")
    print(f"{'subscribers':>11} {'workers':>7} {'msgs/s':>7} {'of ideal':>8} {'duplicates':>10} {'missing':>7} "
          f"{'wall s':>6} {'worker RSS MiB':>14}  messages per connection")
    for r in results:
        print(f"{r['subscribers']:>11} {r['workers']:>7} {r['msgs_per_s']:>7.0f} "
              f"{r['of_ideal'] if r['of_ideal'] is not None else '-':>8} {r['duplicates']:>10} {r['missing']:>7} "
              f"{r['wall_s_incl_start']:>6} {max(r['worker_peak_rss_mib']):>14}  {r['per_connection']}")
    clean = all(r["duplicates"] == 0 and r["missing"] == 0 for r in results)
    print(f"\nno notice twice, none missing: {'met' if clean else 'NOT met'}")
    return 0 if clean else 1
