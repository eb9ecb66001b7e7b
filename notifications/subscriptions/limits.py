"""Hourly counters shared by every process through the database."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.subscriptions.models import RateCounter
from registry.errors import ErrorCode, RegistryError


def _key(scope: str, subject: str, secret_key: str, hour: datetime) -> str:
    # Addresses and IPs are personal data: the counter keeps only a keyed hash of them.
    digest = hashlib.sha256(f"{secret_key}\0{scope}\0{subject}".encode()).hexdigest()[:40]
    return f"{scope}:{digest}:{hour:%Y%m%d%H}"


async def count_hit(*, session: AsyncSession, scope: str, subject: str, limit: int, secret_key: str,
                    now: datetime) -> None:
    """Count one request against `limit` per hour; raise RATE_LIMITED once it is exceeded."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = _key(scope, subject, secret_key, hour)
    insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = (insert(RateCounter).values(key=key, count=1, expires_at=hour + timedelta(hours=1))
                 .on_conflict_do_update(index_elements=["key"], set_={"count": RateCounter.count + 1})
                 .returning(RateCounter.count))
    count = (await session.exec(statement)).scalar_one()
    if count > limit:
        raise RegistryError.one("Too many requests; please try again in an hour.", ErrorCode.RATE_LIMITED)


async def forget_expired(*, session: AsyncSession, now: datetime) -> None:
    """Drop counters of hours gone by."""
    await session.exec(delete(RateCounter).where(RateCounter.expires_at < now))
