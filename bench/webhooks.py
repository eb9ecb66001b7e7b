"""Webhook delivery benchmark (not a test): the worker's deliveries per second to a local receiver against a
bare httpx loop posting the same bodies to the same receiver, in the same run.

The receiver is a raw ASGI app under uvicorn in its own process, answering 200 to every POST. The worker
side claims due rows, signs each body (Standard Webhooks), posts it and records the outcome; the bare loop
posts the same JSON bytes on one reused httpx client and records nothing (the ceiling). Runs alternate,
and the median of --repeat ratios counts.

    .venv/bin/python bench/webhooks.py                     # SQLite, 1,000 events per run
    .venv/bin/python bench/webhooks.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))


async def receiver_app(scope, receive, send):
    """Answer 200 to anything, after reading the whole body."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def _prepare(url: str):
    from bench.build_db import fresh_demo
    from registry.customers import service as customers
    from registry.db import utcnow
    from registry.migrations import upgrade

    await asyncio.to_thread(upgrade, url)
    db = await fresh_demo(url)
    async with db.transaction() as session:
        customer, _ = await customers.create_customer(session=session, actor="bench", name="Kunde A/S", cvr=None,
                                                      contacts=[])
    return db, customer.id, utcnow


async def _endpoint(db, settings, customer_id: int, receiver_url: str) -> None:
    """One verified endpoint for version.published; its verification request is not part of the measurement."""
    from notifications.webhooks import service
    from notifications.webhooks.models import VERIFICATION, DeliveryStatus, EventType, WebhookDelivery
    from registry.db import utcnow

    async with db.transaction() as session:
        endpoint, _ = await service.register_endpoint(session=session, settings=settings, actor="bench",
                                                      customer_id=customer_id, url=receiver_url,
                                                      event_types=[EventType.VERSION_PUBLISHED])
        endpoint.verified_at = utcnow()
        session.add(endpoint)
        await session.flush()
        await session.exec(WebhookDelivery.__table__.update().where(WebhookDelivery.event_type == VERIFICATION)
                           .values(status=DeliveryStatus.DELIVERED))


async def _enqueue(db, settings, customer_id: int, events: int) -> list[bytes]:
    """`events` version.published deliveries due now; returns their bodies."""
    from sqlmodel import select

    from notifications.webhooks import payloads, service
    from notifications.webhooks.models import EventType
    from registry.db import utcnow
    from registry.versions.models import RegistryVersion

    async with db.transaction() as session:
        version = (await session.exec(select(RegistryVersion))).first()
        data = payloads.version_data(version=version, terms=None, public_url=settings.public_url)
        for _ in range(events):
            await service.enqueue_event(session=session, event_type=EventType.VERSION_PUBLISHED,
                                        customer_ids=[customer_id], data=data)
    body = json.dumps(payloads.envelope(event_type=EventType.VERSION_PUBLISHED, data=data, at=utcnow()),
                      ensure_ascii=False, separators=(",", ":")).encode()
    return [body] * events


async def _worker_run(db, settings) -> tuple[int, float]:
    from notifications.webhooks.delivery import WebhookSender

    sender = WebhookSender(db=db, settings=settings, owner="bench")
    started, delivered = time.perf_counter(), 0
    try:
        while handled := await sender.run_once():
            delivered += handled
    finally:
        await sender.close()
    return delivered, time.perf_counter() - started


async def _bare_run(url: str, bodies: list[bytes]) -> tuple[int, float]:
    import httpx

    started = time.perf_counter()
    async with httpx.AsyncClient(follow_redirects=False, timeout=10) as client:
        for body in bodies:
            answer = await client.post(url, content=body, headers={"content-type": "application/json"})
            assert answer.status_code == 200
    return len(bodies), time.perf_counter() - started


async def _main(args) -> int:
    from notifications.settings import NotificationSettings
    from tests.support.live import free_socket

    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    receiver = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.webhooks:receiver_app", "--port", str(port),
                                 "--log-level", "warning", "--no-access-log"], cwd=ROOT)
    url = f"http://127.0.0.1:{port}/hook"
    try:
        import httpx
        for _ in range(200):
            try:
                async with httpx.AsyncClient() as client:
                    await client.post(url, content=b"{}")
                break
            except httpx.HTTPError:
                await asyncio.sleep(0.05)
        db, customer_id, _ = await _prepare(args.database_url)
        settings = NotificationSettings(database_url=args.database_url, webhook_http_hosts=["127.0.0.1"],
                                        webhook_allow_networks=["127.0.0.1/32"])
        await _endpoint(db, settings, customer_id, url)
        ratios = []
        for run in range(args.repeat):
            bodies = await _enqueue(db, settings, customer_id, args.events)
            sent, worker_seconds = await _worker_run(db, settings)
            posted, bare_seconds = await _bare_run(url, bodies)
            worker_rate, bare_rate = sent / worker_seconds, posted / bare_seconds
            ratios.append(worker_rate / bare_rate)
            print(f"run {run + 1}: worker {sent} in {worker_seconds:.2f}s = {worker_rate:.0f}/s; "
                  f"bare httpx {posted} in {bare_seconds:.2f}s = {bare_rate:.0f}/s; ratio {ratios[-1]:.2f}")
        print(f"{db.dialect}: median ratio worker/bare httpx over {args.repeat} runs: {statistics.median(ratios):.2f}")
        await db.dispose()
    finally:
        receiver.terminate()
        receiver.wait(10)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    return asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
