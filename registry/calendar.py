"""Periods in days, counted on the processor's calendar (Europe/Copenhagen), not in 24-hour blocks.

A notice of 30 days sent at 10:00 ends at 10:00 local time 30 days later, also across a change
between summer and winter time; every deadline in the registry is computed here.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from registry.errors import ErrorCode, RegistryError

PROCESSOR_ZONE = ZoneInfo("Europe/Copenhagen")


def add_days(moment: datetime, days: int) -> datetime:
    """The same local wall-clock time `days` calendar days later, as a UTC instant."""
    local = moment.astimezone(PROCESSOR_ZONE)
    later = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=PROCESSOR_ZONE)
    # A wall-clock time inside the spring-forward gap does not exist; fold=0 resolves it forward consistently.
    return later.astimezone(UTC)


# Every instant a caller gives must survive being shown in any time zone (offsets stay under a day)
# and having the longest notice period (MAX_NOTICE_DAYS, ten years) added: Python's years 1..9999 minus
# that margin. Outside it, converting or storing the instant overflows.
EARLIEST_INSTANT = datetime(1, 1, 2, tzinfo=UTC)
LATEST_INSTANT = datetime(9989, 1, 1, tzinfo=UTC)


def utc_instant(moment: datetime, field: str) -> datetime:
    """The caller's instant in UTC; a RegistryError (INVALID on `field`) without an offset or outside the range."""
    if moment.tzinfo is None:
        raise RegistryError.one("The instant needs a time zone offset, such as 2026-01-01T00:00:00Z.",
                                ErrorCode.INVALID, field)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST_INSTANT <= utc < LATEST_INSTANT:
        raise RegistryError.one(f"The instant must lie between {EARLIEST_INSTANT.date().isoformat()} and "
                                f"{LATEST_INSTANT.date().isoformat()} (UTC).", ErrorCode.INVALID, field)
    return utc
