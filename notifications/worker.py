"""The delivery worker: claim due outbox rows, send them over one reused connection, settle each outcome."""

import asyncio
import logging
import os
import random
import socket
import time
from collections import deque
from datetime import timedelta
from functools import partial

from jinja2 import TemplateError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from notifications import metrics
from notifications.claims import Claimed, Claims
from notifications.composer import BuildAhead, Composer, Prepared
from notifications.doorbell import Doorbell
from notifications.customers import service as customer_mail
from notifications.delivery import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    Unavailable,
    make_transport,
)
from notifications.delivery.circuit import CircuitBreaker
from notifications.outbox import service as outbox
from notifications.outbox.models import Leased
from notifications.outbox.retry import retry_delay
from notifications.subscriptions import service as subscriptions
from notifications.waiting import set_within
from notifications.webhooks.delivery import WebhookSender
from registry.db import Database, utcnow
from registry.installation.service import installation_key
from notifications.settings import NotificationSettings

log = logging.getLogger("notifications.worker")

# Accepted messages are recorded as sent in groups of REGISTRY_WORKER_SETTLE_GROUP, or sooner when
# the oldest has waited SETTLE_WITHIN_SECONDS and no group is being written. A crash can resend at most
# the group being written and the one being filled, plus the message on the wire.
SETTLE_WITHIN_SECONDS = 0.25
# Deadlines are days apart: looking for due reminders once a minute is plenty.
REMIND_EVERY_SECONDS = 60.0


def max_resent_per_crash(settle_group: int) -> int:
    """The most messages one crash can make the next worker send a second time."""
    return 2 * settle_group + 1


class Worker:
    """One delivery loop; run several (on PostgreSQL) and they share the queue without sending twice."""

    def __init__(self, *, db: Database, settings: NotificationSettings, transport: Transport | None = None,
                 owner: str | None = None, rng: random.Random | None = None) -> None:
        self.db = db
        self.settings = settings
        self.transport = transport or make_transport(settings)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.rng = rng or random.Random()
        self.circuit = CircuitBreaker(pause_seconds=settings.circuit_pause_seconds)
        self.claims = Claims(db=db, settings=settings, owner=self.owner, settle=self._settle)
        self.composer = Composer(settings)
        self.doorbell = Doorbell(db)
        self.webhooks = WebhookSender(db=db, settings=settings, owner=self.owner, rng=self.rng)
        # While a batch goes out, its sent marks are written on a connection of its own (see _settle).
        self._recording: AsyncConnection | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; an idle queue is polled, a tripped circuit waits out its pause."""
        log.info("worker started", extra={"owner": self.owner})
        await self.doorbell.start()  # a busy worker hears of urgent mail too
        # Webhooks go in a loop of their own: a slow endpoint (up to half a lease plus the webhook timeout a
        # round) must not hold back the mail, breach notices included, nor a mail batch the webhooks.
        posting = asyncio.create_task(self._post_webhooks(stop))
        next_reminders = 0.0
        try:
            while not stop.is_set():
                try:
                    if time.monotonic() >= next_reminders:
                        await self.queue_reminders()
                        next_reminders = time.monotonic() + REMIND_EVERY_SECONDS
                    handled = await self.run_mail_once()
                except Exception:  # noqa: BLE001 - a database hiccup must not end delivery for good
                    if asyncio.current_task().cancelling():
                        raise  # a library turned the cancellation into its own error: the worker is being stopped
                    log.exception("delivery round failed")
                    handled = 0
                if self.circuit.is_open:
                    await set_within(stop, min(self.circuit.remaining(), self.settings.worker_poll_seconds))
                elif handled == 0:
                    await self.doorbell.wait(stop, self.settings.worker_poll_seconds)
        finally:
            # A round cut short leaves its rows leased: they go again, under the same webhook-id, after the lease.
            posting.cancel()
            await asyncio.gather(posting, return_exceptions=True)
            await self.claims.release_ahead()
            await self.transport.close()
            await self.webhooks.close()
            await self.doorbell.close()
            log.info("worker stopped", extra={"owner": self.owner})

    async def _post_webhooks(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if await self._webhook_round() == 0:
                await self.doorbell.wait(stop, self.settings.worker_poll_seconds, webhooks=True)

    async def queue_reminders(self) -> int:
        """Queue the reminders now due; returns how many customers get one."""
        async with self.db.transaction() as session:
            return await customer_mail.queue_reminders(session=session, settings=self.settings)

    async def drain(self) -> None:
        """Deliver everything due now, then return (tests and `worker --once`)."""
        try:
            while await self.run_once():
                pass
        finally:
            await self.webhooks.close()

    async def run_once(self) -> int:
        """Claim one batch of webhooks and one of mail and deliver them; returns how many rows it claimed."""
        return await self._webhook_round() + await self.run_mail_once()

    async def _webhook_round(self) -> int:
        try:
            return await self.webhooks.run_once()
        except Exception:  # noqa: BLE001 - a failed webhook round must hold back neither the mail nor later rounds
            if asyncio.current_task().cancelling():
                raise  # as in run: being stopped, whatever the error says
            log.exception("webhook round failed")
            return 0

    async def run_mail_once(self) -> int:
        """Claim one batch of mail and deliver it; returns how many rows it claimed."""
        if self.circuit.is_open:
            return 0
        claimed = await self.claims.next()
        if claimed.rows:
            if self.composer.installation is None:
                async with self.db.transaction() as session:
                    self.composer.installation = await installation_key(session=session)
            async with self.claims.renewing(claimed), self.db.engine.connect() as recording:
                self._recording = recording
                try:
                    await self._deliver(claimed)
                finally:
                    self._recording = None
        return len(claimed.rows)

    async def _deliver(self, claimed: Claimed) -> None:
        # Each row goes with the claim it came in, whose versions and customers its message is built from:
        # urgent rows found while the batch goes out are put ahead of the rest of it.
        queue, pending = deque((row, claimed) for row in claimed.rows), outbox.Outcomes()
        started = oldest = time.monotonic()
        settling: asyncio.Task | None = None
        row, source = queue.popleft()
        upcoming, done = self._prepare(row, source), 0
        while True:
            urgent = self.claims.urgent()
            if urgent is not None:
                # The message built for this row is dropped, and built again when its turn comes back.
                queue.appendleft((row, source))
                queue.extendleft((found, urgent) for found in reversed(urgent.rows))
                row, source = queue.popleft()
                upcoming = self._prepare(row, source)
            self.claims.look_for_urgent(rung=self.doorbell.urgent_rung())
            if not self.claims.holds(source):
                break  # the lease could not be renewed: another worker may take these rows over any moment
            if not len(pending):
                oldest = time.monotonic()
            ahead = BuildAhead(partial(self._prepare, *queue[0])) if queue else None
            if done == len(claimed.rows) // 2 and claimed.full:
                self.claims.claim_ahead()  # a full batch: more is likely due
            outcome = await self._send_one(row, upcoming, pending)
            done += 1
            if outcome == "unavailable":
                pending.released.extend([row.id, *(other.id for other, _ in queue)])
                await self.claims.release_ahead()
                break
            # Record in small groups while the next messages go out: a commit per message would cost
            # more than the send. A full group waits for the one before it to commit before it is
            # handed over, so at most one group is being written and one filled: what a crash leaves
            # sent but unrecorded is bounded by max_resent_per_crash.
            full = len(pending) >= self.settings.worker_settle_group
            # A partial group goes only while the database is idle: under load, groups stay full and few.
            waited = (len(pending) and time.monotonic() - oldest >= SETTLE_WITHIN_SECONDS
                      and (settling is None or settling.done()))
            if full or waited:
                if settling is not None:
                    await settling
                settling, pending = asyncio.create_task(self._settle(pending)), outbox.Outcomes()
            if ahead is None:
                self.claims.record_pace(messages=done, seconds=time.monotonic() - started)
                break
            row, source = queue.popleft()
            upcoming = ahead.take()
        if settling is not None:
            await settling
        await self._settle(pending)

    def _prepare(self, row: Leased, claimed: Claimed) -> Prepared:
        return self.composer.prepare(row, versions=claimed.versions, customers=claimed.customers)

    async def _settle(self, outcomes: outbox.Outcomes) -> None:
        if not len(outcomes):
            return
        recording = self._recording
        if recording is not None and outcomes.only_sent:
            try:
                await outbox.record_sent(connection=recording, outcomes=outcomes)
                return
            except DBAPIError as error:
                if not error.connection_invalidated:
                    raise
                # Lost with the database (a restart, say): the rest of the batch records through the pool.
                self._recording = None
                log.warning("database connection lost; recording again", extra={"error": str(error)})
        for attempt in (1, 2):
            try:
                async with self.db.transaction() as session:
                    await outbox.settle(session=session, outcomes=outcomes)
                    for row in outcomes.failed:
                        if row["subscription_id"] is not None:  # else a transactional email to a non-subscriber
                            await subscriptions.suppress(session=session, subscription_id=row["subscription_id"],
                                                         reason=row["last_error"])
                return
            except DBAPIError as error:
                # A connection that died while idle (a database restart, say) fails its first use and
                # leaves the pool renewed: once more on a fresh one, or these sends would be repeated.
                if not error.connection_invalidated or attempt == 2:
                    raise
                log.warning("database connection lost; recording again", extra={"error": str(error)})

    async def _send_one(self, row: Leased, prepared: Prepared,
                        pending: outbox.Outcomes) -> str:
        started = time.perf_counter()
        try:
            if isinstance(prepared, Exception):
                raise prepared
            message, mid = prepared
            reply = await self.transport.send(sender=self.settings.mail_from, recipient=row.to_address,
                                              message=message, message_id=mid)
        except Unavailable as error:
            pause = self.circuit.trip()
            metrics.CIRCUIT_OPEN.set(1)
            log.warning("mail server unavailable; pausing the queue",
                        extra={"error": str(error), "pause_seconds": round(pause, 1)})
            return "unavailable"
        except (TemporaryFailure, TemplateError, ValueError, LookupError) as error:
            # A message that cannot even be built counts its attempts too, so it ends in dead-letter
            # for an admin to see instead of being claimed again forever.
            now = utcnow()
            delay = retry_delay(attempts=row.attempts + 1, base_seconds=self.settings.retry_base_seconds,
                                cap_seconds=self.settings.retry_cap_seconds, rng=self.rng)
            pending.add_retry(row, error=str(error), next_attempt_at=now + timedelta(seconds=delay),
                              max_attempts=self.settings.delivery_max_attempts)
            dead = row.attempts + 1 >= self.settings.delivery_max_attempts
            metrics.FAILED.labels(kind=row.kind, outcome="dead" if dead else "retry").inc()
            log.warning("temporary failure", extra={"notification": row.id, "error": str(error),
                                                    "attempts": row.attempts + 1, "dead": dead,
                                                    "retry_in_seconds": round(delay, 1)})
            return "retry"
        except PermanentFailure as error:
            pending.add_failed(row, error=str(error))
            metrics.FAILED.labels(kind=row.kind, outcome="failed").inc()
            log.warning("permanent failure; address suppressed", extra={"notification": row.id, "error": str(error)})
            return "failed"
        elapsed = time.perf_counter() - started
        pending.add_sent(row, message_id=mid, reply=reply, at=utcnow())
        self.circuit.succeeded()
        metrics.CIRCUIT_OPEN.set(0)
        metrics.SENT.labels(kind=row.kind).inc()
        metrics.SEND_SECONDS.observe(elapsed)
        log.debug("sent", extra={"notification": row.id, "message_id": mid, "reply": reply})
        return "sent"

