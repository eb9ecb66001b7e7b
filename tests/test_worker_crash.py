"""A worker SIGKILLed mid-fan-out loses nothing, resends at most 2 x settle group + 1 notices, and its
rows (the batch it claimed ahead too) go out soon after its short lease runs out; a live worker, however
slow its mail server, keeps its rows through its heartbeat."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from notifications.outbox.models import Notification, NotificationStatus
from notifications.worker import max_resent_per_crash
from registry.db import utcnow
from tests.support.notify_helpers import add_confirmed, notifications, publish_change
from tests.support.waiting import until

ROOT = Path(__file__).parents[1]


def start_worker(settings, smtp, log: Path | None = None, **env) -> subprocess.Popen:
    """`python -m registry worker` in a process of its own, as an operator runs it (its log to `log`)."""
    env = {**os.environ, "REGISTRY_DATABASE_URL": settings.database_url, "REGISTRY_SMTP_URL": smtp.url,
           "REGISTRY_SECRET_KEY": settings.secret_key, "REGISTRY_PUBLIC_URL": settings.public_url,
           "REGISTRY_WORKER_POLL_SECONDS": "0.2",
           **{f"REGISTRY_{key.upper()}": str(value) for key, value in env.items()}}
    stderr = log.open("w") if log is not None else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "registry", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr)


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)


def deliveries(smtp) -> Counter:
    with smtp.sink.lock:
        return Counter(message["To"] for message in smtp.sink.messages)


async def all_sent(db) -> bool:
    # Polled every 20 ms while worker processes run on the same cores: a count, not hundreds of loaded rows.
    async with db.session() as session:
        unsent = select(func.count()).select_from(Notification).where(Notification.status != NotificationStatus.SENT)
        return (await session.exec(unsent)).one() == 0


@pytest.mark.parametrize(("settle_group", "kill_after"), [(4, 150), (16, 250)])
async def test_sigkill_mid_batch_resends_at_most_the_crash_bound(seeded, gql, admin_token, smtp, settings,
                                                                 settle_group, kill_after):
    # Given a fan-out to 400 subscribers: after a first batch of 100, claims of hundreds, many times
    # the crash bound (a lease of five seconds holds a batch of a second's worth or more)
    subscribers = 400
    readers = [f"reader{i}@example.dk" for i in range(subscribers)]
    await add_confirmed(seeded, *((reader, "da") for reader in readers))
    await publish_change(gql, admin_token)
    bound = max_resent_per_crash(settle_group)
    smtp.sink.delay = 0.004
    env = {"worker_settle_group": settle_group, "worker_lease_seconds": 5}

    # When the worker is SIGKILLed once the server has taken some of them, and a second one finishes
    first = start_worker(settings, smtp, **env)
    try:
        await until(lambda: len(deliveries(smtp)) >= kill_after)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    received_at_kill = sum(deliveries(smtp).values())
    smtp.sink.delay = 0
    second = start_worker(settings, smtp, **env)
    try:
        await until(lambda: all_sent(seeded))
    finally:
        stop(second)

    # Then the kill came mid-batch, nobody was left out, and no more than the bound got it twice
    received = deliveries(smtp)
    resent = sum(count - 1 for count in received.values())
    print(f"settle group {settle_group}: {resent} resent after a SIGKILL at {received_at_kill} delivered "
          f"(bound {bound})")
    assert received_at_kill < subscribers
    assert set(received) == set(readers)
    assert resent <= bound


async def test_a_killed_workers_rows_go_out_once_its_lease_runs_out(seeded, gql, admin_token, smtp, settings):
    # Given a worker with a lease of three seconds sending twenty notices through a slow server, ten
    # at a time: the second ten claimed ahead while the first go out
    readers = [f"reader{i}@example.dk" for i in range(20)]
    await add_confirmed(seeded, *((reader, "da") for reader in readers))
    await publish_change(gql, admin_token)
    lease, env = 3, {"worker_lease_seconds": 3, "worker_batch_size": 10}
    smtp.sink.delay = 0.2
    first = start_worker(settings, smtp, **env)

    # When it is SIGKILLed holding rows it has not sent, and another worker is started at once
    try:
        await until(lambda: len(deliveries(smtp)) >= 7)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed_at = time.monotonic()
    held = [n for n in await notifications(seeded) if n.status != NotificationStatus.SENT]
    first_lease_ends = min(n.lease_until for n in held)
    before_takeover = sum(deliveries(smtp).values())
    smtp.sink.delay = 0
    second = start_worker(settings, smtp, **env)
    try:
        # Then nothing the dead worker held goes out again before its leases end
        while utcnow() < first_lease_ends:
            assert sum(deliveries(smtp).values()) <= before_takeover + 1  # the one it had on the wire
            await asyncio.sleep(0.05)
        # And all of it goes out soon after (the limit is generous: the machine may be loaded)
        await until(lambda: all_sent(seeded), limit_seconds=4 * lease + 10)
        taken_over_in = time.monotonic() - killed_at
    finally:
        stop(second)
    assert len(held) > 10 and all(n.lease_owner is not None for n in held)  # the batch claimed ahead too
    assert set(deliveries(smtp)) == set(readers)
    print(f"delivered {taken_over_in:.1f} s after the kill (lease {lease} s)")


async def test_a_slow_live_worker_keeps_its_rows_past_its_lease(seeded, gql, admin_token, smtp, settings):
    # Given a worker with a lease of two seconds whose batch takes several leases to go out
    readers = [f"reader{i}@example.dk" for i in range(20)]
    await add_confirmed(seeded, *((reader, "da") for reader in readers))
    await publish_change(gql, admin_token)
    smtp.sink.delay = 0.4
    slow = start_worker(settings, smtp, worker_lease_seconds=2)

    # When a second worker starts after its first send and runs alongside until all is sent
    try:
        await until(lambda: len(deliveries(smtp)) >= 1)
        other = start_worker(settings, smtp, worker_lease_seconds=2)
        try:
            await until(lambda: all_sent(seeded))
        finally:
            stop(other)
    finally:
        stop(slow)

    # Then the heartbeat kept the slow worker's rows its own: every reader got the notice exactly once
    assert deliveries(smtp) == Counter({reader: 1 for reader in readers})


async def test_sent_but_unrecorded_never_exceeds_the_crash_bound_even_with_slow_commits(seeded, gql, admin_token,
                                                                                       smtp, mail_settings):
    # Given 120 subscribers, one batch for all of them, groups of four, and a database slow to commit
    from sqlalchemy import func
    from sqlmodel import select

    from notifications.outbox.models import Notification
    from notifications.worker import Worker

    await add_confirmed(seeded, *((f"reader{i}@example.dk", "da") for i in range(120)))
    await publish_change(gql, admin_token)
    settings = mail_settings.model_copy(update={"worker_settle_group": 4, "worker_batch_size": 120})
    worker = Worker(db=seeded, settings=settings)
    worker.claims.seconds_per_message = 0.001  # the pace is known: the whole fan-out is one claim
    settle, send, unrecorded = worker._settle, worker.transport.send, []

    async def slow_settle(outcomes):
        await asyncio.sleep(0.03)
        await settle(outcomes)

    async def send_and_count(**message):
        # What a SIGKILL right now would leave for the next worker to send again, this one included
        async with seeded.session() as session:
            recorded = (await session.exec(select(func.count()).where(Notification.status == "SENT"))).one()
        unrecorded.append(len(smtp.sink.message_ids()) + 1 - recorded)
        return await send(**message)

    worker._settle, worker.transport.send = slow_settle, send_and_count

    # When it sends them all
    try:
        assert await worker.run_once() == 120
    finally:
        await worker.transport.close()

    # Then at no moment were more sent but unrecorded than the crash bound
    assert len(unrecorded) == 120 and all(n.status == NotificationStatus.SENT for n in await notifications(seeded))
    assert max(unrecorded) <= max_resent_per_crash(4), max(unrecorded)


async def test_three_workers_started_together_share_a_fan_out_and_send_each_notice_once(
        seeded, gql, admin_token, smtp, settings, tmp_path):
    # Given three workers running on one database, idle, and a mail server that takes 10 ms a message
    readers = [f"reader{i}@example.dk" for i in range(120)]
    await add_confirmed(seeded, *((reader, "da") for reader in readers))
    smtp.sink.delay = 0.01
    connections: Counter = Counter()
    handle_data = smtp.sink.handle_DATA

    async def counting_connections(server, session, envelope):
        connections[session.peer] += 1
        return await handle_data(server, session, envelope)

    smtp.sink.handle_DATA = counting_connections
    logs = [tmp_path / f"worker{i}.log" for i in range(3)]
    workers = [start_worker(settings, smtp, log, worker_batch_size=10) for log in logs]
    try:
        await until(lambda: all("worker started" in log.read_text() for log in logs))

        # When a version is published and they race to claim its 120 notices, ten at a time
        await publish_change(gql, admin_token)
        await until(lambda: all_sent(seeded))
    finally:
        for worker in workers:
            stop(worker)

    # Then every reader got the notice exactly once, and more than one worker carried them
    assert deliveries(smtp) == Counter({reader: 1 for reader in readers})
    assert len(connections) >= 2, connections


async def test_a_heartbeat_skips_rows_being_recorded_instead_of_waiting_for_them(seeded, gql, admin_token):
    # Given a worker holding three notices, one of them locked by a transaction still marking it sent
    # (waiting for it while that recording waits for rows the heartbeat locked deadlocks on PostgreSQL,
    # and the aborted side may be the recording, whose group then goes out twice)
    from sqlalchemy import text

    from notifications.outbox import service as outbox

    if seeded.dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time, no row locks")
    await add_confirmed(seeded, *((f"reader{i}@example.dk", "da") for i in range(3)))
    await publish_change(gql, admin_token)
    async with seeded.transaction() as session:
        held = await outbox.claim_batch(session=session, owner="w1", limit=3, lease_seconds=30)
    async with seeded.engine.connect() as recording, recording.begin():
        await recording.execute(text("UPDATE notification SET status = 'SENT' WHERE id = :id"), {"id": held[0].id})

        # When its heartbeat renews the leases meanwhile
        async with seeded.transaction() as session:
            renewed = await asyncio.wait_for(
                outbox.renew_leases(session=session, owner="w1", lease_seconds=60), timeout=5)

    # Then it did not wait for the recording: the other two were renewed at once
    assert renewed == 2
