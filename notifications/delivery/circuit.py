"""Pause the whole queue while the mail server is down, instead of spending every message's attempts."""

import time


class CircuitBreaker:
    """Open after a server-level failure; stay open for a pause that doubles while failures repeat."""

    def __init__(self, *, pause_seconds: float, max_pause_seconds: float = 3600, clock=time.monotonic) -> None:
        self.base = pause_seconds
        self.max = max_pause_seconds
        self.clock = clock
        self.failures = 0
        self.open_until = 0.0

    @property
    def is_open(self) -> bool:
        return self.clock() < self.open_until

    def remaining(self) -> float:
        return max(0.0, self.open_until - self.clock())

    def trip(self) -> float:
        """Record a server-level failure; returns how long the queue now pauses."""
        self.failures += 1
        pause = min(self.max, self.base * 2 ** (self.failures - 1))
        self.open_until = self.clock() + pause
        return pause

    def succeeded(self) -> None:
        self.failures = 0
        self.open_until = 0.0
