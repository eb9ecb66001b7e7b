"""The database's health, probed in the background so /healthz costs the event loop a single turn.

Asking the database inline takes several hand-offs to the driver; while heavy GraphQL answers share
the loop, each hand-off waits its turn, and a load balancer's probe would time out on a healthy server.
"""

import asyncio
import time

from sqlmodel import select

from notifications.waiting import set_within
from registry.db import Database

# How often the probe asks, how long one ask may take, and how old an answer may be and still count.
PROBE_EVERY_SECONDS = 1.0
PROBE_TIMEOUT_SECONDS = 2.0
TRUSTED_FOR_SECONDS = 5.0


class HealthProbe:
    """Asks the database every second; /healthz reports the last answer while it is recent."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.answered_at: float | None = None  # monotonic time of the last successful probe
        self.running = False

    async def check(self) -> bool:
        """Ask the database once now; remember when it answered."""
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
                async with self.db.session() as session:
                    await session.exec(select(1))
        except Exception:  # noqa: BLE001 - any failure means unhealthy, and the driver logs the reason
            return False
        self.answered_at = time.monotonic()
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Probe until `stop` is set."""
        self.running = True
        try:
            while not stop.is_set():
                await self.check()
                await set_within(stop, PROBE_EVERY_SECONDS)
        finally:
            self.running = False

    async def healthy(self) -> bool:
        """Whether the database answered recently; without a running probe (no lifespan), ask now."""
        if not self.running:
            return await self.check()
        return self.answered_at is not None and time.monotonic() - self.answered_at < TRUSTED_FOR_SECONDS
