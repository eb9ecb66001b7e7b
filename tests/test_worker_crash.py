"""A worker killed mid-fan-out loses nothing: another takes over its lease and finishes the job."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from notifications.outbox.models import NotificationStatus
from notifications.worker import max_resent_per_crash
from tests.notify_helpers import add_confirmed, notifications, publish_change

ROOT = Path(__file__).parents[1]
SUBSCRIBERS = 200
KILLS = 2


def start_worker(settings, smtp) -> subprocess.Popen:
    env = {**os.environ, "REGISTRY_DATABASE_URL": settings.database_url, "REGISTRY_SMTP_URL": smtp.url,
           "REGISTRY_SECRET_KEY": settings.secret_key, "REGISTRY_PUBLIC_URL": settings.public_url,
           "REGISTRY_WORKER_LEASE_SECONDS": "2", "REGISTRY_WORKER_POLL_SECONDS": "0.2",
           "REGISTRY_WORKER_BATCH_SIZE": "20"}
    return subprocess.Popen([sys.executable, "-m", "registry", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def until(condition, *, limit_seconds: float = 90) -> None:
    """Poll until `condition()` holds; fail (not hang) when it never does."""
    for _ in range(int(limit_seconds / 0.1)):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("gave up waiting")


async def test_sigkill_mid_fan_out_loses_nothing_and_duplicates_stay_bounded(seeded, gql, admin_token, smtp, settings):
    # Given a fan-out to many subscribers through a slowish server
    await add_confirmed(seeded, *((f"reader{i}@example.dk", "da") for i in range(SUBSCRIBERS)))
    await publish_change(gql, admin_token)
    smtp.sink.delay = 0.01

    # When a worker is SIGKILLed mid-way, twice, and a fresh one is started each time
    for kill in range(1, KILLS + 1):
        worker = start_worker(settings, smtp)
        received_before = len(smtp.sink.message_ids())

        async def progressed(before=received_before) -> bool:
            return len(smtp.sink.message_ids()) >= before + 25

        await until(progressed)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    survivor = start_worker(settings, smtp)
    try:
        async def all_sent() -> bool:
            return all(n.status == NotificationStatus.SENT for n in await notifications(seeded))

        await until(all_sent)
    finally:
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(timeout=30)

    # Then every notice was sent and received, and only the few in flight at a kill went twice
    notices = await notifications(seeded)
    received = smtp.sink.message_ids()
    assert len(notices) == SUBSCRIBERS
    assert {n.message_id for n in notices} <= set(received)
    duplicates = len(received) - len(set(received))
    print(f"{duplicates} duplicate(s) after {KILLS} SIGKILLs")
    assert duplicates <= KILLS * max_resent_per_crash(settings.worker_settle_group)
