"""Leasing batches from the outbox to one worker, the next one claimed while the current one goes out."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from notifications.outbox import service as outbox
from notifications.outbox.models import Leased, NotificationPriority
from notifications.waiting import set_within
from registry.customers.models import Agreement, AgreementStatus, Customer, CustomerNotice
from registry.db import Database
from registry.objections.terms import Terms, terms_of
from notifications.settings import NotificationSettings
from registry.versions.models import RegistryVersion

log = logging.getLogger("notifications.worker")

@dataclass(frozen=True)
class NoticeCustomer:
    """What a customer's notice says about them: their name, their terms, and when each version first reached them."""

    name: str
    terms: Terms | None
    notified: dict[int, datetime]


# Until a worker has seen how fast mail goes out; however long they take, the heartbeat keeps them leased.
FIRST_BATCH = 100
# A live worker renews its leases this often (a fraction of the lease), and trusts a lease for at most
# this much of it since it last began a claim or renewal that succeeded: the gap leaves a renewal time to
# finish before the worker stops sending rows another worker may be about to take over.
RENEW_EVERY = 1 / 4
TRUST_FOR = 1 / 2
# While a batch goes out, a worker looks this often for urgent rows queued since it claimed (at once when
# PostgreSQL's doorbell says so): a look is one read of the pending index, a few hundred microseconds.
URGENT_LOOK_SECONDS = 0.5


@dataclass(frozen=True)
class Claimed:
    """A leased batch, how many rows were asked for, the versions it is about, the customers it
    notifies, and when (monotonic) it was claimed."""

    rows: list[Leased]
    asked: int
    versions: dict[int, RegistryVersion]
    customers: dict[int, NoticeCustomer]
    at: float  # when the claim began, so its lease ran from no earlier than this

    @property
    def full(self) -> bool:
        return len(self.rows) == self.asked


class Claims:
    """One worker's claims: at most one batch in hand and one claimed ahead."""

    def __init__(self, *, db: Database, settings: NotificationSettings, owner: str,
                 settle: Callable[[outbox.Outcomes], Awaitable[None]]) -> None:
        # Handing rows back goes through the worker's own recording, with its retry on a lost connection.
        self.db, self.settings, self.owner, self.settle = db, settings, owner, settle
        self._ahead: asyncio.Task[Claimed] | None = None
        self._urgent: asyncio.Task[Claimed] | None = None
        self._looked = float("-inf")
        self._renewed = float("-inf")
        self.seconds_per_message: float | None = None

    def batch_size(self) -> int:
        """As many rows as go out in a quarter of the lease at the pace last seen, at most the setting.

        A fast relay gets large batches, so claims cost little per message; a slow one gets small ones,
        so rows wait for whichever worker is free instead of piling up behind one busy worker.
        """
        most = self.settings.worker_batch_size
        if self.seconds_per_message is None:
            return min(most, FIRST_BATCH)
        quarter_lease = self.settings.worker_lease_seconds / 4
        return max(1, min(most, int(quarter_lease / self.seconds_per_message)))

    def record_pace(self, *, messages: int, seconds: float) -> None:
        """How long the last batch took to go out, which sizes the next claims."""
        if messages:
            self.seconds_per_message = seconds / messages

    async def next(self) -> Claimed:
        """Urgent rows found during the last batch, else the batch claimed ahead if it is still safely ours, else a fresh claim."""
        urgent, self._urgent = self._urgent, None
        if urgent is not None:
            found = await urgent
            if found.rows and self.holds(found):
                return found
            await self._release(found.rows)
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            claimed = await ahead
            # It waited while the batch before it went out, renewed by the heartbeat; if renewals failed,
            # another worker may soon take it over, so hand it back rather than risk sending it twice.
            if self.holds(claimed):
                return claimed
            await self._release(claimed.rows)
        return await self._claim()

    def holds(self, claimed: Claimed) -> bool:
        """Whether the batch's lease is surely still this worker's, from its claim or the last renewal."""
        since = max(claimed.at, self._renewed)
        return time.monotonic() - since < self.settings.worker_lease_seconds * TRUST_FOR

    @asynccontextmanager
    async def renewing(self, claimed: Claimed) -> AsyncIterator[None]:
        """Renew the leases of every row this worker holds, every RENEW_EVERY of the lease, while inside.

        The heartbeat lets a short lease cover a long batch: a crashed worker's rows are taken over
        within about a lease, while a live one keeps its own however slowly its mail goes out.
        """
        done = asyncio.Event()
        heartbeat = asyncio.create_task(self._heartbeat(claimed, done))
        try:
            yield
        finally:
            # Not cancelled: a renewal cut off mid-statement could leave its connection unusable.
            done.set()
            await heartbeat

    async def _heartbeat(self, claimed: Claimed, done: asyncio.Event) -> None:
        lease = self.settings.worker_lease_seconds
        while True:
            # Counted from the claim or the last renewal, whichever is later: a batch claimed ahead
            # was already renewed while the one before it went out.
            due = max(claimed.at, self._renewed) + lease * RENEW_EVERY
            if await set_within(done, due - time.monotonic()):
                return
            began = time.monotonic()
            try:
                async with self.db.transaction() as session:
                    await outbox.renew_leases(session=session, owner=self.owner, lease_seconds=lease)
            except Exception as error:  # noqa: BLE001 - try again soon; holds() stops the sends meanwhile
                log.warning("could not renew the lease", extra={"owner": self.owner, "error": str(error)})
                if await set_within(done, lease * RENEW_EVERY / 4):
                    return
                continue
            self._renewed = began

    def claim_ahead(self) -> None:
        """Start claiming the next batch now, so the connection does not idle through the claim."""
        if self._ahead is None:
            self._ahead = asyncio.create_task(self._claim())

    async def release_ahead(self) -> None:
        """Hand back the batch claimed ahead and urgent rows found (the worker stops or the server is down)."""
        for task in (self._ahead, self._urgent):
            if task is not None:
                await self._release((await task).rows)
        self._ahead = self._urgent = None

    def look_for_urgent(self, *, rung: bool) -> None:
        """Start looking for urgent rows in the background if `rung` (the doorbell said so) or a look is due."""
        if self._urgent is None and (rung or time.monotonic() - self._looked >= URGENT_LOOK_SECONDS):
            self._looked = time.monotonic()
            self._urgent = asyncio.create_task(self._claim_urgent())

    def urgent(self) -> Claimed | None:
        """Urgent rows a finished look leased to this worker, to send before the rest of the batch."""
        if self._urgent is None or not self._urgent.done():
            return None
        found, self._urgent = self._urgent.result(), None
        return found if found.rows else None

    async def _claim_urgent(self) -> Claimed:
        nothing = Claimed(rows=[], asked=0, versions={}, customers={}, at=time.monotonic())
        try:
            # A read first: on SQLite a claim takes the write lock, which the batch's recording needs.
            async with self.db.session() as session:
                if not await outbox.urgent_waiting(session=session):
                    return nothing
            return await self._claim(priority=NotificationPriority.URGENT)
        except Exception as error:  # noqa: BLE001 - the next look or claim finds them; the batch goes on
            log.warning("could not look for urgent mail", extra={"owner": self.owner, "error": str(error)})
            return nothing

    async def _claim(self, priority: NotificationPriority | None = None) -> Claimed:
        asked, began = self.batch_size(), time.monotonic()
        async with self.db.transaction() as session:
            rows = await outbox.claim_batch(session=session, owner=self.owner, limit=asked,
                                            lease_seconds=self.settings.worker_lease_seconds, priority=priority)
            numbers = {row.version_number for row in rows if row.version_number is not None}
            versions = ({version.number: version for version in await session.exec(
                select(RegistryVersion).where(RegistryVersion.number.in_(numbers)))} if numbers else {})
            ids = {row.customer_id for row in rows if row.for_customer}
            customers = await _customers(session, ids, numbers) if ids else {}
        return Claimed(rows=rows, asked=asked, versions=versions, customers=customers, at=began)

    async def _release(self, rows: list[Leased]) -> None:
        await self.settle(outbox.Outcomes(released=[row.id for row in rows]))



async def _customers(session, ids: set[int], numbers: set[int]) -> dict[int, NoticeCustomer]:
    """The customers a batch notifies, with what their notices need to tell them their own deadline."""
    names = dict((await session.exec(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))).all())
    agreements: dict[int, list[Agreement]] = {}
    for agreement in await session.exec(select(Agreement).where(Agreement.customer_id.in_(ids),
                                                                Agreement.status == AgreementStatus.ACTIVE)):
        agreements.setdefault(agreement.customer_id, []).append(agreement)
    notified: dict[int, dict[int, datetime]] = {}
    for notice in await session.exec(select(CustomerNotice).where(CustomerNotice.customer_id.in_(ids),
                                                                  CustomerNotice.version_number.in_(numbers))):
        notified.setdefault(notice.customer_id, {})[notice.version_number] = notice.sent_at
    return {customer_id: NoticeCustomer(name=name, terms=terms_of(agreements.get(customer_id, [])),
                                        notified=notified.get(customer_id, {}))
            for customer_id, name in names.items()}
