"""Who is told of a version: every confirmed subscriber not suppressed, on behalf of each customer they speak for.

A subscriber who chose services hears only of versions that concern one of them (`concerns` in
registry/objections/windows.py, the customers' rule); a customer's notice contact always hears on the
customer's behalf, since the customer's agreement, not the contact's choice, decides what they must be told.
"""

from datetime import datetime

from sqlalchemy import exists, func, literal, or_, type_coerce, update
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications import doorbell
from notifications.outbox.models import PENDING_STATUSES, Notification, NotificationKind, NotificationStatus
from notifications.subscriptions.models import Subscription, SubscriptionStatus
from registry.customers.models import NoticeContact
from registry.db import UTCDateTime, utcnow
from registry.objections.windows import services_concerned
from registry.versions.models import RegistryVersion


def _chose_any(services: frozenset[str], dialect: str):
    """SQL: the subscriber chose at least one of these services."""
    if dialect == "postgresql":
        return type_coerce(Subscription.services, JSONB).has_any(array(sorted(services)))
    chosen = func.json_each(Subscription.services).table_valued("value")
    return exists().select_from(chosen).where(chosen.c.value.in_(sorted(services)))


def _hears_of(version: RegistryVersion, dialect: str):
    """SQL: the subscriber is told of this version: they chose no services, or one it concerns."""
    concerned = services_concerned(version)
    if concerned is None:
        return None  # it concerns every service, so everyone hears of it
    wants = [Subscription.services.is_(None), NoticeContact.customer_id.is_not(None)]
    return or_(*wants, _chose_any(concerned, dialect)) if concerned else or_(*wants)


def _version_recipients(*columns, concerning: RegistryVersion | None = None, dialect: str = ""):
    # A subscriber who is a customer's notice contact is told on that customer's behalf, once for each
    # customer they are a contact of; anyone else once, with no customer.
    query = select(*columns).select_from(Subscription).outerjoin(
        NoticeContact, func.lower(NoticeContact.email) == Subscription.email,
    ).where(Subscription.status == SubscriptionStatus.CONFIRMED, Subscription.suppressed_at.is_(None))
    hears = _hears_of(concerning, dialect) if concerning is not None else None
    return query if hears is None else query.where(hears)


async def version_audiences(*, session: AsyncSession,
                            version: RegistryVersion) -> dict[tuple[int | None, str], int]:
    """How many notices publishing `version` now would queue, per (customer or None, language)."""
    query = (_version_recipients(NoticeContact.customer_id, Subscription.language, func.count(),
                                 concerning=version, dialect=session.bind.dialect.name)
             .group_by(NoticeContact.customer_id, Subscription.language))
    return {(customer_id, language): count for customer_id, language, count in (await session.exec(query)).all()}


async def enqueue_version_notices(*, session: AsyncSession, version: RegistryVersion, kind: NotificationKind,
                                  now: datetime | None = None) -> int:
    """Queue one notice of `kind` about `version` per confirmed subscriber it concerns, in the caller's transaction.

    A withdrawal first cancels the version's notices not yet handed to a worker, and then goes to
    exactly those whose notice of the version was sent or is being sent, whatever they chose since.
    """
    now = now or utcnow()
    published = kind == NotificationKind.VERSION_PUBLISHED
    recipients = _version_recipients(
        literal(kind.value), literal(version.number), Subscription.id, Subscription.email, Subscription.language,
        literal(NotificationStatus.QUEUED.value), literal(0), literal(now, UTCDateTime), literal(now, UTCDateTime),
        NoticeContact.customer_id, concerning=version if published else None, dialect=session.bind.dialect.name)
    if kind == NotificationKind.VERSION_WITHDRAWN:
        await session.exec(update(Notification)
                           .where(Notification.version_number == version.number,
                                  Notification.kind == NotificationKind.VERSION_PUBLISHED,
                                  Notification.status.in_(PENDING_STATUSES),
                                  or_(Notification.lease_until.is_(None), Notification.lease_until < now))
                           .values(status=NotificationStatus.CANCELLED, lease_owner=None, lease_until=None)
                           .execution_options(synchronize_session=False))
        told = select(Notification.subscription_id).where(
            Notification.version_number == version.number, Notification.kind == NotificationKind.VERSION_PUBLISHED,
            Notification.status != NotificationStatus.CANCELLED)
        recipients = recipients.where(Subscription.id.in_(told))
    # One INSERT ... SELECT, however many subscribers: the publish transaction stays short.
    statement = sa_insert(Notification).from_select(
        ["kind", "version_number", "subscription_id", "to_address", "language", "status", "attempts",
         "created_at", "next_attempt_at", "customer_id"], recipients)
    queued = (await session.exec(statement)).rowcount
    await doorbell.ring(session=session)
    return queued
