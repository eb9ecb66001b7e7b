"""Waiting for something another process or thread does, with a limit instead of a hang."""

import asyncio
import inspect
import time


async def until(condition, *, limit_seconds: float = 120) -> None:
    """Poll until `condition()` holds; fail (not hang) when it never does."""
    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        holds = condition()
        if await holds if inspect.isawaitable(holds) else holds:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("gave up waiting")
