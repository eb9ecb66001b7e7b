"""Long pages are completed one item per event-loop turn, so no answer holds the loop for long.

GraphQL completes a list of plain objects without ever awaiting: a page of 100 versions with their
entries is one uninterrupted stretch of CPU, during which /healthz and every other request wait. A page
handed over through Turns.paced lets the loop run between items, and its lock lets only one item of any
request's page be completed per turn, so many heavy queries at once still cost others one item's wait.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")


class Turns:
    """One app's turn-taking among the pages being completed."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def paced(self, items: Iterable[T]) -> AsyncIterator[T]:
        """The items, each completed by GraphQL while this holds the turn, with a loop turn between them."""
        for item in items:
            await self._lock.acquire()
            try:
                yield item
            finally:
                self._lock.release()
            await asyncio.sleep(0)
