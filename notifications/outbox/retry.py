"""When to try a temporarily refused message again."""

import random


def retry_delay(*, attempts: int, base_seconds: float, cap_seconds: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: anywhere from 0 to base * 2^(attempts-1), capped."""
    ceiling = min(cap_seconds, base_seconds * 2 ** max(attempts - 1, 0))
    return (rng or random).uniform(0, ceiling)
