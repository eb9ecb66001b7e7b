"""A breach notice leaves before the change notices queued ahead of it, even while a worker is in the middle of a
long batch of them: within a fraction of the time the batch takes (notifyIncident over HTTP, a real worker and a
real SMTP server)."""

import asyncio
import contextlib
import time
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlmodel import select

from notifications.outbox import service as outbox
from notifications.outbox.models import Notification, NotificationKind, NotificationPriority, NotificationStatus
from notifications.subscriptions.models import Subscription, SubscriptionStatus
from notifications.worker import Worker
from registry.db import utcnow
from tests.conftest import make_customer
from tests.support.notify_helpers import publish_change
from tests.support.waiting import until

QUEUED = 10_000
CREATE_INCIDENT = """mutation($input: CreateIncidentInput!) { createIncident(input: $input) {
  incident { id } userErrors { field code } } }"""
NOTIFY_INCIDENT = """mutation($id: Int!) { notifyIncident(input: {id: $id}) { userErrors { field code } } }"""
URGENT_ADDRESS = "breach-contact@example.dk"


async def _confirmed_subscribers(db, count: int) -> None:
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    async with db.transaction() as session:
        await session.exec(insert(Subscription), params=[
            {"email": f"subscriber{i}@example.dk", "language": "da", "status": SubscriptionStatus.CONFIRMED.value,
             "created_at": now, "confirmed_at": now, "consent_source": "test"} for i in range(count)])


async def _urgent_row(db) -> Notification:
    """The urgent notice's row, once the worker has recorded its server's reply."""
    async with db.session() as session:
        return (await session.exec(select(Notification).where(Notification.to_address == URGENT_ADDRESS))).one()


async def test_a_breach_notice_overtakes_ten_thousand_queued_change_notices(seeded, gql, admin_token, smtp,
                                                                             mail_settings):
    # Given 10,000 change notices queued, and a worker sending them through a relay that takes 10 ms a message
    smtp.sink.delay = 0.01
    customer_id = await make_customer(seeded, "Brudt A/S", contacts=[(URGENT_ADDRESS, "da")])
    await _confirmed_subscribers(seeded, QUEUED)
    await publish_change(gql, admin_token)
    worker, stop = Worker(db=seeded, settings=mail_settings), asyncio.Event()
    running = asyncio.create_task(worker.run(stop))

    async def _urgent_recorded() -> bool:
        return (await _urgent_row(seeded)).status == NotificationStatus.SENT

    try:
        # ... well into its second batch, which it sized at the batch size for this pace (500 rows, 5 s)
        await until(lambda: len(smtp.sink.messages) >= 10)
        began, before = time.monotonic(), len(smtp.sink.messages)
        await until(lambda: len(smtp.sink.messages) >= 160)
        seconds_per_message = (time.monotonic() - began) / (len(smtp.sink.messages) - before)

        # When an admin records a breach affecting that customer and notifies it
        created = await gql(CREATE_INCIDENT, {"input": {
            "nature": "Uautoriseret adgang til en backup", "subjectCategories": ["Kunder"], "subjectsApprox": 40,
            "recordCategories": ["Kontaktoplysninger"], "consequences": "Risiko for phishing",
            "measures": "Adgang lukket", "contactPoint": "DPO, dpo@office2go.test",
            "becameAwareAt": utcnow().replace(microsecond=0).isoformat(), "customerIds": [customer_id]}},
            token=admin_token)
        incident_id = created["data"]["createIncident"]["incident"]["id"]
        notified = await gql(NOTIFY_INCIDENT, {"id": incident_id}, token=admin_token)
        assert notified["data"]["notifyIncident"]["userErrors"] == [], notified
        await until(lambda: smtp.sink.to(URGENT_ADDRESS), limit_seconds=60)
        sent_before_it = len(smtp.sink.messages) - 1
        await until(_urgent_recorded, limit_seconds=60)
    finally:
        # Stop asked for too: a cancellation caught inside a send would otherwise leave the loop running.
        stop.set()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(running, 30)

    # Then it was sent (the server's 250 recorded) in a small fraction of the time the 10,000 take
    urgent = await _urgent_row(seeded)
    assert urgent.status == NotificationStatus.SENT and urgent.kind == NotificationKind.INCIDENT_NOTICE
    waited = (urgent.sent_at - urgent.created_at).total_seconds()
    all_of_them = QUEUED * seconds_per_message
    assert waited < all_of_them / 50, (
        f"urgent notice sent {waited:.2f} s after it was queued; the {QUEUED} change notices take "
        f"{all_of_them:.0f} s at the pace measured ({seconds_per_message * 1000:.1f} ms each)")
    # ... while most of them still wait
    assert sent_before_it < QUEUED / 2


async def test_a_claim_takes_urgent_rows_before_older_normal_ones(db):
    # Given two normal rows queued before an urgent one
    async with db.transaction() as session:
        for address, priority in (("a@example.dk", NotificationPriority.NORMAL),
                                  ("b@example.dk", NotificationPriority.NORMAL),
                                  ("c@example.dk", NotificationPriority.URGENT)):
            await outbox.enqueue_direct(session=session, kind=NotificationKind.OBJECTION_FILED, to_address=address,
                                        language="da", payload={}, priority=priority)

    # When a worker claims two rows
    async with db.transaction() as session:
        claimed = await outbox.claim_batch(session=session, owner="w", limit=2, lease_seconds=30)

    # Then the urgent one comes first, then the oldest normal one
    assert [row.to_address for row in claimed] == ["c@example.dk", "a@example.dk"]
