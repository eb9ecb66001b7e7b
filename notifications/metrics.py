"""Prometheus metrics of the delivery pipeline; the backlog is read from the database on scrape."""

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, generate_latest
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.outbox import service as outbox

SENT = Counter("registry_notifications_sent_total", "Messages the mail server accepted.", ["kind"])
FAILED = Counter("registry_notifications_failed_total", "Messages not accepted, by what happens next.",
                 ["kind", "outcome"])
SEND_SECONDS = Histogram("registry_notifications_send_seconds", "Time to hand one message to the mail server.",
                         buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
QUEUE = Gauge("registry_notifications_queue", "Outbox rows waiting for a worker (QUEUED, RETRYING) or an "
              "admin's re-drive (DEAD).", ["status"])
CIRCUIT_OPEN = Gauge("registry_notifications_circuit_open", "1 while delivery is paused after a server failure.")


async def exposition(*, session: AsyncSession) -> bytes:
    """The metrics in Prometheus text format, with the backlog as it is now."""
    for status, count in (await outbox.backlog(session=session)).items():
        QUEUE.labels(status=status).set(count)
    return generate_latest(REGISTRY)
