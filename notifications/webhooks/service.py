"""Webhook endpoints (registered, verified, rotated, removed), the events queued to them, and their log."""

import asyncio
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications import doorbell
from notifications.settings import NotificationSettings
from notifications.webhooks import payloads, signing
from notifications.webhooks.models import (
    PENDING_PREDICATE,
    PENDING_STATUSES,
    VERIFICATION,
    BodyFormat,
    DeliveryStatus,
    EventType,
    LeasedDelivery,
    WebhookDelivery,
    WebhookEndpoint,
)
from notifications.webhooks.network import check_target
from registry.audit import service as audit
from registry.customers import service as customers
from registry.db import utcnow
from registry.errors import ErrorCode, Problem, RegistryError
from registry.objections.terms import customer_terms
from registry.versions.models import RegistryVersion

# A customer's tooling needs a few endpoints (a SIEM, a chat channel, a test); more is a mistake or abuse.
MAX_ENDPOINTS_PER_CUSTOMER = 10
MAX_URL_LENGTH = 2000
# How long the old secret may keep signing beside the new one after a rotation.
MAX_OVERLAP_HOURS = 24 * 30


async def _check(*, url: str, event_types: list[str], language: str, settings: NotificationSettings) -> None:
    problems = []
    if len(url) > MAX_URL_LENGTH:
        problems.append(Problem(f"A URL may be at most {MAX_URL_LENGTH} characters.", ErrorCode.TOO_LONG, "url"))
    else:
        try:
            # The check resolves the name: in a thread, so a slow DNS answer never stalls the event loop.
            await asyncio.to_thread(check_target, url=url, settings=settings)
        except RegistryError as error:
            problems += error.problems
    known = {event.value for event in EventType}
    if not event_types:
        problems.append(Problem("Choose at least one event type.", ErrorCode.REQUIRED, "eventTypes"))
    elif unknown := sorted(set(event_types) - known):
        problems.append(Problem(f"Unknown event types: {', '.join(unknown)}; choose from {', '.join(sorted(known))}.",
                                ErrorCode.INVALID, "eventTypes"))
    if language not in ("da", "en"):
        problems.append(Problem("Language must be da or en.", ErrorCode.INVALID, "language"))
    if problems:
        raise RegistryError(*problems)


async def get_endpoint(*, session: AsyncSession, endpoint_id: int, customer_id: int | None = None) -> WebhookEndpoint:
    """An endpoint not removed; NOT_FOUND, the same as a missing one, when it is another customer's."""
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.removed_at is not None or (customer_id is not None
                                                               and endpoint.customer_id != customer_id):
        raise RegistryError.one("No such webhook endpoint.", ErrorCode.NOT_FOUND, "id")
    return endpoint


async def register_endpoint(*, session: AsyncSession, settings: NotificationSettings, actor: str, customer_id: int,
                            url: str, event_types: list[str], body_format: BodyFormat = BodyFormat.STANDARD,
                            language: str = "en", now: datetime | None = None) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint and queue its verification request; returns it and its secret (shown this once)."""
    now = now or utcnow()
    url = url.strip()
    event_types = sorted(set(event_types))
    await _check(url=url, event_types=event_types, language=language, settings=settings)
    # The customer's row held, so two registrations at once cannot both count 9 and make 11.
    if await customers.get_customer(session=session, customer_id=customer_id, for_update=True) is None:
        raise RegistryError.one("No such customer.", ErrorCode.NOT_FOUND, "customerId")
    count = (await session.exec(select(func.count()).select_from(WebhookEndpoint).where(
        WebhookEndpoint.customer_id == customer_id, WebhookEndpoint.removed_at.is_(None)))).one()
    if count >= MAX_ENDPOINTS_PER_CUSTOMER:
        raise RegistryError.one(f"A customer may have at most {MAX_ENDPOINTS_PER_CUSTOMER} webhook endpoints.",
                                ErrorCode.RATE_LIMITED, "url")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(customer_id=customer_id, url=url, event_types=event_types, body_format=body_format,
                               language=language, secret=secret, challenge=secrets.token_urlsafe(12),
                               created_at=now, created_by=actor)
    session.add(endpoint)
    await session.flush()
    await _queue(session, endpoint, VERIFICATION, {"challenge": endpoint.challenge}, now=now)
    await doorbell.ring(session=session)
    await audit.record(session=session, actor=actor, action="registerWebhook", target=f"webhook {endpoint.id}",
                       after={"customer": customer_id, "url": url, "eventTypes": event_types, "format": body_format})
    return endpoint, secret


async def confirm_endpoint(*, session: AsyncSession, endpoint_id: int, challenge: str, customer_id: int | None = None,
                           now: datetime | None = None) -> WebhookEndpoint:
    """Verify an endpoint with the code its verification message carried (chat endpoints cannot echo it)."""
    endpoint = await get_endpoint(session=session, endpoint_id=endpoint_id, customer_id=customer_id)
    if not secrets.compare_digest(challenge.strip().encode(), endpoint.challenge.encode()):
        raise RegistryError.one("That is not the code the verification message carried.", ErrorCode.INVALID,
                                "challenge")
    endpoint.verified_at = endpoint.verified_at or now or utcnow()
    session.add(endpoint)
    return endpoint


async def rotate_secret(*, session: AsyncSession, actor: str, endpoint_id: int, overlap_hours: int,
                        customer_id: int | None = None, now: datetime | None = None) -> tuple[WebhookEndpoint, str]:
    """A new secret; the old one keeps signing beside it for `overlap_hours`. Returns the new one, shown once."""
    if not 0 <= overlap_hours <= MAX_OVERLAP_HOURS:
        raise RegistryError.one(f"The overlap must be between 0 and {MAX_OVERLAP_HOURS} hours.", ErrorCode.INVALID,
                                "overlapHours")
    now = now or utcnow()
    endpoint = await get_endpoint(session=session, endpoint_id=endpoint_id, customer_id=customer_id)
    secret = signing.new_secret()
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret
    endpoint.previous_secret_until = now + timedelta(hours=overlap_hours)
    session.add(endpoint)
    await audit.record(session=session, actor=actor, action="rotateWebhookSecret", target=f"webhook {endpoint.id}",
                       after={"overlapHours": overlap_hours})
    return endpoint, secret


async def remove_endpoint(*, session: AsyncSession, actor: str, endpoint_id: int, customer_id: int | None = None,
                          now: datetime | None = None) -> WebhookEndpoint:
    """Stop sending to an endpoint; what was still queued for it is cancelled, its log kept."""
    now = now or utcnow()
    endpoint = await get_endpoint(session=session, endpoint_id=endpoint_id, customer_id=customer_id)
    endpoint.removed_at = now
    session.add(endpoint)
    await session.exec(update(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id,
                                                     WebhookDelivery.status.in_(PENDING_STATUSES))
                       .values(status=DeliveryStatus.CANCELLED, lease_owner=None, lease_until=None)
                       .execution_options(synchronize_session=False))
    await audit.record(session=session, actor=actor, action="removeWebhook", target=f"webhook {endpoint.id}")
    return endpoint


async def list_endpoints(*, session: AsyncSession, limit: int, after_id: int | None = None,
                         customer_id: int | None = None) -> list[WebhookEndpoint]:
    """Endpoints not removed, by id; one customer's or (admins) everyone's."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.removed_at.is_(None)).order_by(WebhookEndpoint.id).limit(limit)
    if customer_id is not None:
        query = query.where(WebhookEndpoint.customer_id == customer_id)
    if after_id is not None:
        query = query.where(WebhookEndpoint.id > after_id)
    return list((await session.exec(query)).all())


async def deliveries(*, session: AsyncSession, endpoint_id: int, limit: int,
                     after_id: int | None = None) -> list[WebhookDelivery]:
    """An endpoint's delivery log, newest first, `limit` at a time before `after_id`."""
    query = (select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
             .order_by(WebhookDelivery.id.desc()).limit(limit))
    if after_id is not None:
        query = query.where(WebhookDelivery.id < after_id)
    return list((await session.exec(query)).all())


async def _queue(session: AsyncSession, endpoint: WebhookEndpoint, event_type: str, data: dict, *, now: datetime,
                 version_number: int | None = None, due: datetime | None = None) -> None:
    # No ring here: the caller rings once for all it queued. A ring per row sent a pg_notify per row, and its
    # autoflush made each INSERT a round trip of its own, where one flush batches them (NOTIFY merges anyway).
    session.add(WebhookDelivery(endpoint_id=endpoint.id, webhook_id=signing.new_webhook_id(), event_type=event_type,
                                version_number=version_number, created_at=now, next_attempt_at=due or now,
                                payload=payloads.envelope(event_type=event_type, data=data, at=now)))


async def _listening(session: AsyncSession, event_type: str,
                     customer_ids: Collection[int] | Select | None) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(WebhookEndpoint.removed_at.is_(None), WebhookEndpoint.verified_at.is_not(None))
    if customer_ids is not None:
        # A query stays one parameter however many customers it selects; a list takes one each.
        query = query.where(WebhookEndpoint.customer_id.in_(
            customer_ids if isinstance(customer_ids, Select) else list(customer_ids)))
    return [endpoint for endpoint in (await session.exec(query.order_by(WebhookEndpoint.id))).all()
            if event_type in endpoint.event_types]


async def enqueue_event(*, session: AsyncSession, event_type: str, customer_ids: Collection[int] | Select | None,
                        data: dict, now: datetime | None = None) -> int:
    """Queue an event to every verified endpoint that asked for it: those customers', or every customer's (None).

    Call it in the transaction that makes the event happen; one query finds the endpoints, however many customers.
    `customer_ids` may be a query selecting them, which a large audience should be (asyncpg takes 32,767
    parameters at most). Returns how many deliveries were queued.
    """
    now = now or utcnow()
    endpoints = await _listening(session, event_type, customer_ids)
    for endpoint in endpoints:
        await _queue(session, endpoint, event_type, data, now=now)
    if endpoints:
        await doorbell.ring(session=session)
    return len(endpoints)


async def enqueue_version_events(*, session: AsyncSession, settings: NotificationSettings, version: RegistryVersion,
                                 event_type: EventType, now: datetime | None = None) -> int:
    """Queue a version's event to each listening endpoint, with its customer's own deadline.

    On publishing, version.effective is queued too, due when the version takes effect: the worker's claim of
    due rows is the scheduled check, and a withdrawal cancels it in the same transaction.
    """
    now = now or utcnow()
    kinds = [event_type]
    if event_type == EventType.VERSION_PUBLISHED:
        kinds.append(EventType.VERSION_EFFECTIVE)
    if event_type == EventType.VERSION_WITHDRAWN:
        await session.exec(update(WebhookDelivery).where(
            WebhookDelivery.version_number == version.number, WebhookDelivery.event_type == EventType.VERSION_EFFECTIVE,
            WebhookDelivery.status.in_(PENDING_STATUSES), WebhookDelivery.lease_owner.is_(None))
            .values(status=DeliveryStatus.CANCELLED).execution_options(synchronize_session=False))
    terms: dict[int, object] = {}
    queued = 0
    for kind in kinds:
        for endpoint in await _listening(session, kind, None):
            if endpoint.customer_id not in terms:
                terms[endpoint.customer_id] = await customer_terms(session=session, customer_id=endpoint.customer_id)
            data = payloads.version_data(version=version, terms=terms[endpoint.customer_id],
                                         public_url=settings.public_url)
            due = max(now, version.effective_at) if kind == EventType.VERSION_EFFECTIVE else now
            await _queue(session, endpoint, kind, data, now=now, version_number=version.number, due=due)
            queued += 1
    if queued:
        await doorbell.ring(session=session)
    return queued


async def enqueue_objection_event(*, session: AsyncSession, objection, now: datetime | None = None) -> int:
    """Tell the objecting customer's endpoints where their objection stands."""
    return await enqueue_event(session=session, event_type=EventType.OBJECTION_UPDATED,
                               customer_ids=[objection.customer_id], data=payloads.objection_data(objection=objection),
                               now=now)


async def redrive(*, session: AsyncSession, actor: str, delivery_id: int | None = None,
                  endpoint_id: int | None = None, customer_id: int | None = None, now: datetime | None = None) -> int:
    """Queue dead-lettered deliveries again, one or all of an endpoint's, with their own webhook-id."""
    if (delivery_id is None) == (endpoint_id is None):
        raise RegistryError.one("Give a delivery id or an endpoint id.", ErrorCode.INVALID, "id")
    if delivery_id is not None:
        delivery = await session.get(WebhookDelivery, delivery_id)
        endpoint_id = delivery.endpoint_id if delivery is not None else -1
    try:
        endpoint = await get_endpoint(session=session, endpoint_id=endpoint_id, customer_id=customer_id)
    except RegistryError:
        raise RegistryError.one("No dead-lettered delivery matches.", ErrorCode.NOT_FOUND, "id") from None
    query = update(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.DEAD,
                                          WebhookDelivery.endpoint_id == endpoint.id)
    if delivery_id is not None:
        query = query.where(WebhookDelivery.id == delivery_id)
    result = await session.exec(query.values(status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=now or utcnow(),
                                             lease_owner=None, lease_until=None)
                                .execution_options(synchronize_session=False))
    if result.rowcount == 0:
        raise RegistryError.one("No dead-lettered delivery matches.", ErrorCode.NOT_FOUND, "id")
    # A redriven endpoint gets its chance at once: the circuit closes.
    endpoint.failures, endpoint.paused_until = 0, None
    session.add(endpoint)
    await doorbell.ring(session=session)
    await audit.record(session=session, actor=actor, action="redriveWebhookDelivery", target=f"webhook {endpoint.id}",
                       after={"requeued": result.rowcount})
    return result.rowcount


async def claim_batch(*, session: AsyncSession, owner: str, limit: int, lease_seconds: float,
                      now: datetime | None = None) -> list[LeasedDelivery]:
    """Lease up to `limit` due deliveries whose endpoint's circuit is closed; rows whose lease ran out are due again."""
    now = now or utcnow()
    table, endpoints = WebhookDelivery.__table__, WebhookEndpoint.__table__
    paused = select(endpoints.c.id).where(endpoints.c.paused_until > now)
    due = (select(table.c.id)
           .where(text(PENDING_PREDICATE), table.c.next_attempt_at <= now,
                  or_(table.c.lease_until.is_(None), table.c.lease_until < now),
                  table.c.endpoint_id.not_in(paused.scalar_subquery()))
           .order_by(table.c.next_attempt_at, table.c.id).limit(limit)
           # PostgreSQL: concurrent workers skip each other's rows; SQLite has one writer anyway.
           .with_for_update(skip_locked=True, of=table))
    leased = (await session.exec(update(table).where(table.c.id.in_(due.scalar_subquery()))
                                 .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
                                 .returning(table.c.id))).scalars().all()
    if not leased:
        return []
    rows = await session.exec(
        select(table.c.id, table.c.endpoint_id, table.c.webhook_id, table.c.event_type, table.c.payload,
               table.c.attempts, endpoints.c.url, endpoints.c.body_format, endpoints.c.language, endpoints.c.secret,
               endpoints.c.previous_secret, endpoints.c.previous_secret_until, endpoints.c.challenge,
               endpoints.c.failures)
        .join(endpoints, endpoints.c.id == table.c.endpoint_id).where(table.c.id.in_(leased)).order_by(table.c.id))
    return [LeasedDelivery._make(row) for row in rows.all()]
