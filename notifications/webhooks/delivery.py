"""Posting claimed webhook deliveries: signed, retried with the same webhook-id, an endpoint paused while it fails.

The worker calls run_once() beside its mail. A batch is leased for the worker's lease plus one request's
timeout, and no request starts after half the lease, so a live worker never holds a row another may take.
A crash sends the batch's undelivered rows again a lease later: at least once, under the same webhook-id.
"""

import asyncio
import json
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import httpx
from sqlalchemy import bindparam, update
from sqlmodel import select

from notifications.outbox.retry import retry_delay
from notifications.settings import NotificationSettings
from notifications.webhooks import payloads, service, signing
from notifications.webhooks.models import (
    VERIFICATION,
    BodyFormat,
    DeliveryStatus,
    LeasedDelivery,
    WebhookDelivery,
    WebhookEndpoint,
)
# The client checks each address it connects to, and the URL's shape on every request (network.py), so a
# target that turned private after registration, or a rule changed since, is refused at send time.
from notifications.webhooks.network import open_client
from registry.db import Database, utcnow
from registry.errors import RegistryError
from registry.versions.models import RegistryVersion

log = logging.getLogger("notifications.webhooks")

BATCH_SIZE = 50
# Endpoints served at once; one endpoint's deliveries go one after another, in order.
CONCURRENT_ENDPOINTS = 8
# What is read of an endpoint's answer: enough for a verification echo, never a stranger's whole body.
MAX_ANSWER_BYTES = 4096
MAX_PAUSE_SECONDS = 3600.0
# Enough for any pause to reach MAX_PAUSE_SECONDS (2 ** 64 times a nanosecond is centuries).
MAX_DOUBLINGS = 64
USER_AGENT = "subprocessor-registry-webhooks/1"


@dataclass
class Batch:
    """The outcomes of one claimed batch, written in one transaction."""

    rows: list[dict] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    verified: set[int] = field(default_factory=set)
    circuits: dict[int, tuple[int, datetime | None]] = field(default_factory=dict)


class Rejected(Exception):
    """The endpoint answered, but not as a delivery needs (a status outside 2xx, or no challenge echoed)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class WebhookSender:
    """One worker's webhook deliveries: claim, post, settle."""

    def __init__(self, *, db: Database, settings: NotificationSettings, owner: str,
                 rng: random.Random | None = None) -> None:
        self.db, self.settings, self.owner = db, settings, owner
        self.rng = rng or random.Random()
        self._client: httpx.AsyncClient | None = None

    @property
    def lease_seconds(self) -> float:
        return self.settings.worker_lease_seconds + self.settings.webhook_timeout_seconds

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def run_once(self) -> int:
        """Claim one batch of due deliveries and post them; returns how many rows it claimed."""
        began = time.monotonic()
        async with self.db.transaction() as session:
            rows = await service.claim_batch(session=session, owner=self.owner, limit=BATCH_SIZE,
                                             lease_seconds=self.lease_seconds)
            numbers = {row.payload["data"].get("versionNumber") for row in rows if row.body_format != BodyFormat.STANDARD}
            numbers.discard(None)
            versions = ({v.number: v for v in await session.exec(
                select(RegistryVersion).where(RegistryVersion.number.in_(numbers)))} if numbers else {})
        if not rows:
            return 0
        if self._client is None:
            self._client = open_client(settings=self.settings, timeout=self.settings.webhook_timeout_seconds)
        by_endpoint: dict[int, list[LeasedDelivery]] = defaultdict(list)
        for row in rows:
            by_endpoint[row.endpoint_id].append(row)
        batch, gate = Batch(), asyncio.Semaphore(CONCURRENT_ENDPOINTS)
        cutoff = began + self.settings.worker_lease_seconds / 2

        async def serve(endpoint_rows: list[LeasedDelivery]) -> None:
            async with gate:
                await self._endpoint(endpoint_rows, versions, batch, cutoff)

        await asyncio.gather(*(serve(endpoint_rows) for endpoint_rows in by_endpoint.values()))
        await self._settle(batch)
        return len(rows)

    async def _endpoint(self, rows: list[LeasedDelivery], versions: dict[int, RegistryVersion], batch: Batch,
                        cutoff: float) -> None:
        failures = rows[0].failures
        for index, row in enumerate(rows):
            if time.monotonic() >= cutoff:
                batch.released += [other.id for other in rows[index:]]
                return
            started = time.perf_counter()
            try:
                # httpx bounds each read on its own, so an answer trickled a byte at a time would never end:
                # the setting promises a bound on the whole delivery, and the lease counts on it.
                async with asyncio.timeout(self.settings.webhook_timeout_seconds):
                    status = await self._post(row, versions.get(row.payload["data"].get("versionNumber")), batch)
            except (httpx.HTTPError, RegistryError, Rejected, TimeoutError) as error:
                status = getattr(error, "status", None)
                failures += 1
                self._failed(row, batch, error=self._reason(error), status=status,
                             latency=time.perf_counter() - started)
                if failures >= self.settings.webhook_circuit_failures:
                    # Capped: a float times 2 ** 1024 overflows, so an endpoint that had failed a thousand
                    # times in a row (six weeks of hourly tries) failed every batch it was in, never paused.
                    doublings = min(failures - self.settings.webhook_circuit_failures, MAX_DOUBLINGS)
                    pause = min(MAX_PAUSE_SECONDS, self.settings.circuit_pause_seconds * 2 ** doublings)
                    batch.circuits[row.endpoint_id] = (failures, utcnow() + timedelta(seconds=pause))
                    batch.released += [other.id for other in rows[index + 1:]]
                    log.warning("webhook endpoint failing; paused", extra={"endpoint": row.endpoint_id,
                                                                            "pause_seconds": round(pause, 1)})
                    return
                batch.circuits[row.endpoint_id] = (failures, None)
                continue
            except Exception as error:  # noqa: BLE001 - ours, not the endpoint's: no circuit counts it
                # A row this worker cannot send (a payload it cannot read, say) is logged as a failed attempt,
                # so it ends in the dead letters; raised, it would lose the whole batch's outcomes to be leased again.
                log.exception("webhook delivery could not be sent", extra={"delivery": row.id})
                self._failed(row, batch, error=f"Not sent: the registry could not build this delivery ({type(error).__name__}).", status=None,
                             latency=time.perf_counter() - started)
                continue
            failures = 0
            batch.circuits[row.endpoint_id] = (0, None)
            batch.rows.append({"id": row.id, "status": DeliveryStatus.DELIVERED, "attempts": row.attempts + 1,
                               "delivered_at": utcnow(), "response_code": status,
                               "latency_ms": round((time.perf_counter() - started) * 1000), "last_error": None,
                               "next_attempt_at": utcnow()})

    async def _post(self, row: LeasedDelivery, version: RegistryVersion | None, batch: Batch) -> int:
        """Post one delivery; its status code when the endpoint took it, else an exception saying why not."""
        now = utcnow()
        body = payloads.body_of(payload=row.payload, body_format=row.body_format, version=version,
                                language=row.language, organisation=self.settings.organisation_name)
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        keys = signing.signing_secrets(secret=row.secret, previous_secret=row.previous_secret,
                                       previous_until=row.previous_secret_until, now=now)
        headers = {**signing.headers(webhook_id=row.webhook_id, body=content, secrets_=keys, at=now),
                   "content-type": "application/json", "user-agent": USER_AGENT}
        async with self._client.stream("POST", row.url, content=content.encode(), headers=headers) as answer:
            read = b""
            async for chunk in answer.aiter_bytes():
                read += chunk
                if len(read) >= MAX_ANSWER_BYTES:
                    break
        if not 200 <= answer.status_code < 300:
            raise Rejected(f"HTTP {answer.status_code}", answer.status_code)
        if row.event_type == VERIFICATION and row.body_format == BodyFormat.STANDARD:
            try:
                echoed = json.loads(read[:MAX_ANSWER_BYTES]).get("challenge")
            except (ValueError, AttributeError):
                echoed = None
            if echoed != row.challenge:
                raise Rejected('The answer did not echo the challenge as {"challenge": "…"}.', answer.status_code)
            batch.verified.add(row.endpoint_id)
        return answer.status_code

    def _reason(self, error: Exception) -> str:
        """What the delivery log says of a failed attempt; httpx's timeouts carry no words of their own."""
        if isinstance(error, (TimeoutError, httpx.TimeoutException)):
            return f"Timed out: no complete answer within {self.settings.webhook_timeout_seconds:g} s."
        return str(error) or type(error).__name__

    def _failed(self, row: LeasedDelivery, batch: Batch, *, error: str, status: int | None, latency: float) -> None:
        attempts = row.attempts + 1
        dead = attempts >= self.settings.delivery_max_attempts
        delay = retry_delay(attempts=attempts, base_seconds=self.settings.retry_base_seconds,
                            cap_seconds=self.settings.retry_cap_seconds, rng=self.rng)
        batch.rows.append({"id": row.id, "status": DeliveryStatus.DEAD if dead else DeliveryStatus.RETRYING,
                           "attempts": attempts, "delivered_at": None, "response_code": status,
                           "latency_ms": round(latency * 1000), "last_error": error[:1000],
                           "next_attempt_at": utcnow() + timedelta(seconds=delay)})
        log.warning("webhook delivery failed", extra={"delivery": row.id, "webhook_id": row.webhook_id,
                                                      "error": error, "attempts": attempts, "dead": dead})

    async def _settle(self, batch: Batch) -> None:
        async with self.db.transaction() as session:
            if batch.rows:
                await session.exec(_by_id(), params=[{"row_id": row.pop("id"), **row} for row in batch.rows])
            if batch.released:
                await session.exec(update(WebhookDelivery).where(WebhookDelivery.id.in_(batch.released))
                                   .values(lease_owner=None, lease_until=None)
                                   .execution_options(synchronize_session=False))
            for endpoint_id, (failures, paused_until) in batch.circuits.items():
                values = {"failures": failures, "paused_until": paused_until}
                if endpoint_id in batch.verified:
                    values["verified_at"] = utcnow()
                await session.exec(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(**values)
                                   .execution_options(synchronize_session=False))


@cache
def _by_id():
    table = WebhookDelivery.__table__
    columns = ("status", "attempts", "delivered_at", "response_code", "latency_ms", "last_error", "next_attempt_at")
    return (update(table).where(table.c.id == bindparam("row_id"))
            .values(lease_owner=None, lease_until=None, **{name: bindparam(name) for name in columns}))
