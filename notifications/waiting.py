"""Sleeping that a stop signal cuts short: the worker's polls, the lease heartbeat and the health probe."""

import asyncio


async def set_within(event: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `event`; whether it was set."""
    try:
        await asyncio.wait_for(event.wait(), timeout=max(seconds, 0.0))
    except TimeoutError:
        return False
    return True
