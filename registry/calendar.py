"""Periods in days, counted on the processor's calendar (Europe/Copenhagen), not in 24-hour blocks.

A notice of 30 days sent at 10:00 ends at 10:00 local time 30 days later, also across a change
between summer and winter time; every deadline in the registry is computed here.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

PROCESSOR_ZONE = ZoneInfo("Europe/Copenhagen")


def add_days(moment: datetime, days: int) -> datetime:
    """The same local wall-clock time `days` calendar days later, as a UTC instant."""
    local = moment.astimezone(PROCESSOR_ZONE)
    later = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=PROCESSOR_ZONE)
    # A wall-clock time inside the spring-forward gap does not exist; fold=0 resolves it forward consistently.
    return later.astimezone(UTC)
