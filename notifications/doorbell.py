"""Waking idle workers the moment mail is queued: a PostgreSQL NOTIFY on commit, a poll everywhere.

A confirmation email should arrive while the subscriber still looks at the form, whichever of several
machines runs a worker. On PostgreSQL each worker LISTENs on one connection of its own; the NOTIFY is
sent in the transaction that queues the mail, so it rings only if and when that commits. The poll
stays as the safety net: for SQLite, for a dropped listener, and for retries that come due.
"""

import asyncio
import logging

import asyncpg
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.db import Database
from registry.listening import listen, notify

OUTBOX_CHANNEL = "registry_outbox"
# What the notice says when the mail queued is urgent: a busy worker then looks for it between two sends.
URGENT = "urgent"

log = logging.getLogger("notifications.worker")


async def ring(*, session: AsyncSession, urgent: bool = False) -> None:
    """Tell listening workers, as this transaction commits, that mail was queued (PostgreSQL only)."""
    await notify(session=session, channel=OUTBOX_CHANNEL, payload=URGENT if urgent else "")


class Doorbell:
    """An idle worker's wait, cut short when mail is queued anywhere; a busy one hears of urgent mail."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._rung = asyncio.Event()
        self._webhooks_rung = asyncio.Event()  # the worker's webhook loop waits on its own, so neither misses one
        self._urgent = False
        self._connection: asyncpg.Connection | None = None
        self._connecting = asyncio.Lock()  # the mail loop and the webhook loop both (re)connect: one connection

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    def urgent_rung(self) -> bool:
        """Whether urgent mail was queued since the last call (PostgreSQL; elsewhere the worker looks)."""
        rung, self._urgent = self._urgent, False
        return rung

    async def start(self) -> None:
        """Listen from now on, so a busy worker hears of urgent mail too (PostgreSQL only; idempotent)."""
        await self._listen()

    def _heard(self, payload: str) -> None:
        if payload == URGENT:
            self._urgent = True

    async def wait(self, stop: asyncio.Event, seconds: float, *, webhooks: bool = False) -> bool:
        """Wait until mail (or, for the webhook loop, anything) is queued (True), `stop` is set or `seconds`
        pass; a ring since the last wait counts."""
        await self._listen()
        bell = self._webhooks_rung if webhooks else self._rung
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(bell.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
        rung = bell.is_set()
        bell.clear()
        return rung

    def _notice(self) -> None:
        self._rung.set()
        self._webhooks_rung.set()

    async def _listen(self) -> None:
        if self.db.dialect != "postgresql" or self.listening:
            return
        async with self._connecting:
            if not self.listening:  # the other loop may have connected while this one waited
                await self._connect()

    async def _connect(self) -> None:
        try:
            connection = await listen(dsn=self.db.listen_dsn, channel=OUTBOX_CHANNEL, on_notice=self._notice,
                                      on_payload=self._heard)
        except (OSError, TimeoutError, asyncpg.PostgresError) as error:
            log.warning("cannot listen for queued mail; polling", extra={"error": str(error)})
            return
        self._connection = connection
        # Mail queued while no one listened would wait out a poll: look once more right away.
        self._notice()
        self._urgent = True

    async def close(self) -> None:
        """Stop listening."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
