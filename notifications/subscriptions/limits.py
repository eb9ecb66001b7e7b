"""Hourly counters shared by every process through the database."""

import hashlib
import ipaddress
import math
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.subscriptions.models import RateCounter
from registry.errors import ErrorCode, RegistryError
from notifications.settings import NotificationSettings


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


def network_of(client: str) -> str:
    """The network a client address belongs to: its IPv4 /24 or IPv6 /64 (anything else stands alone)."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # One host usually holds a whole /24 or /64 (an office, a VPS, a cloud tenant): it counts as one.
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


async def count_client(*, session: AsyncSession, scope: str, client: str, settings: NotificationSettings,
                       now: datetime) -> None:
    """Count one request from `client` per address and per network; raise RATE_LIMITED past either limit."""
    await count_hit(session=session, scope=scope, subject=client, limit=settings.subscribe_per_client_per_hour,
                    secret_key=settings.secret_key, now=now)
    await count_hit(session=session, scope=f"{scope}-network", subject=network_of(client),
                    limit=settings.subscribe_per_network_per_hour, secret_key=settings.secret_key, now=now)


async def count_confirmation(*, session: AsyncSession, client: str, settings: NotificationSettings,
                             now: datetime) -> None:
    """Count one confirmation email against the hourly cap and against the share of it one network may use."""
    share = max(1, math.floor(settings.confirmation_emails_per_hour * settings.confirmation_share_per_network))
    await count_hit(session=session, scope="confirmations-network", subject=network_of(client), limit=share,
                    secret_key=settings.secret_key, now=now)
    await count_hit(session=session, scope="confirmations", subject="all",
                    limit=settings.confirmation_emails_per_hour, secret_key=settings.secret_key, now=now)


async def forget_expired(*, session: AsyncSession, now: datetime) -> None:
    """Drop counters of hours gone by."""
    await session.exec(delete(RateCounter).where(RateCounter.expires_at < now))
