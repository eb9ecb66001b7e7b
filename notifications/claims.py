"""Leasing batches from the outbox to one worker, the next one claimed while the current one goes out."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from notifications.outbox import service as outbox
from notifications.outbox.models import Leased
from registry.customers.models import Agreement, AgreementStatus, Customer, CustomerNotice
from registry.db import Database
from registry.objections.terms import Terms, terms_of
from registry.settings import Settings
from registry.versions.models import RegistryVersion


@dataclass(frozen=True)
class NoticeCustomer:
    """What a customer's notice says about them: their name, their terms, and when each version first reached them."""

    name: str
    terms: Terms | None
    notified: dict[int, datetime]


# Until a worker has seen how fast mail goes out: 100 messages at 0.75 s each still take only a quarter
# of the default lease.
FIRST_BATCH = 100


@dataclass(frozen=True)
class Claimed:
    """A leased batch, how many rows were asked for, the versions it is about, the customers it
    notifies, and when (monotonic) it was claimed."""

    rows: list[Leased]
    asked: int
    versions: dict[int, RegistryVersion]
    customers: dict[int, NoticeCustomer]
    at: float

    @property
    def full(self) -> bool:
        return len(self.rows) == self.asked


class Claims:
    """One worker's claims: at most one batch in hand and one claimed ahead."""

    def __init__(self, *, db: Database, settings: Settings, owner: str,
                 settle: Callable[[outbox.Outcomes], Awaitable[None]]) -> None:
        # Handing rows back goes through the worker's own recording, with its retry on a lost connection.
        self.db, self.settings, self.owner, self.settle = db, settings, owner, settle
        self._ahead: asyncio.Task[Claimed] | None = None
        self.seconds_per_message: float | None = None

    def batch_size(self) -> int:
        """As many rows as go out in a quarter of the lease at the pace last seen, at most the setting.

        A fast relay gets large batches, so claims cost little per message; a slow one gets small ones,
        so no lease runs out while its rows are still being sent and another worker sends them again.
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
        """The batch claimed ahead if it is still safely ours, else a fresh claim."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            claimed = await ahead
            # It waited while the batch before it went out; past half its lease, another worker may
            # soon take it over, so hand it back rather than risk sending it twice.
            if time.monotonic() - claimed.at < self.settings.worker_lease_seconds / 2:
                return claimed
            await self._release(claimed.rows)
        return await self._claim()

    def claim_ahead(self) -> None:
        """Start claiming the next batch now, so the connection does not idle through the claim."""
        if self._ahead is None:
            self._ahead = asyncio.create_task(self._claim())

    async def release_ahead(self) -> None:
        """Hand back the batch claimed ahead (the worker stops or the server is down)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            await self._release((await ahead).rows)

    async def _claim(self) -> Claimed:
        asked = self.batch_size()
        async with self.db.transaction() as session:
            rows = await outbox.claim_batch(session=session, owner=self.owner, limit=asked,
                                            lease_seconds=self.settings.worker_lease_seconds)
            numbers = {row.version_number for row in rows if row.version_number is not None}
            versions = ({version.number: version for version in await session.exec(
                select(RegistryVersion).where(RegistryVersion.number.in_(numbers)))} if numbers else {})
            ids = {row.customer_id for row in rows if row.for_customer}
            customers = await _customers(session, ids) if ids else {}
        return Claimed(rows=rows, asked=asked, versions=versions, customers=customers, at=time.monotonic())

    async def _release(self, rows: list[Leased]) -> None:
        await self.settle(outbox.Outcomes(released=[row.id for row in rows]))


async def _customers(session, ids: set[int]) -> dict[int, NoticeCustomer]:
    """The customers a batch notifies, with what their notices need to tell them their own deadline."""
    names = dict((await session.exec(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))).all())
    agreements: dict[int, list[Agreement]] = {}
    for agreement in await session.exec(select(Agreement).where(Agreement.customer_id.in_(ids),
                                                                Agreement.status == AgreementStatus.ACTIVE)):
        agreements.setdefault(agreement.customer_id, []).append(agreement)
    notified: dict[int, dict[int, datetime]] = {}
    for notice in await session.exec(select(CustomerNotice).where(CustomerNotice.customer_id.in_(ids))):
        notified.setdefault(notice.customer_id, {})[notice.version_number] = notice.sent_at
    return {customer_id: NoticeCustomer(name=name, terms=terms_of(agreements.get(customer_id, [])),
                                        notified=notified.get(customer_id, {}))
            for customer_id, name in names.items()}
