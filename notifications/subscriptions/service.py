"""Double opt-in subscriptions: ask, confirm, unsubscribe, import, suppress."""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.outbox import service as outbox
from notifications.outbox.models import NotificationKind
from notifications.subscriptions import limits
from notifications.subscriptions.models import Subscription, SubscriptionStatus
from notifications.subscriptions.tokens import TokenPurpose, read_token
from registry.calendar import utc_instant
from registry.customers.validation import normalise_email, normalise_language
from registry.db import utcnow
from registry.errors import ErrorCode, RegistryError
from registry.versions import service as versions
from notifications.settings import NotificationSettings

INVALID_LINK = "This link is invalid or has expired. Subscribe again to get a new one."
MAX_CONSENT_SOURCE = 200


def _address(email: str) -> str:
    # Mailboxes are case-insensitive in practice: one subscription per address however it is typed.
    return normalise_email(email).lower()


async def _by_email(session: AsyncSession, email: str) -> Subscription | None:
    return (await session.exec(select(Subscription).where(Subscription.email == email))).one_or_none()


async def request_subscription(*, session: AsyncSession, settings: NotificationSettings, email: str, language: str,
                               client: str, services: list[str] = (), now: datetime | None = None) -> None:
    """Ask for notices (of changes to `services`, or all): queue a confirmation, or a manage email; same for all."""
    now = now or utcnow()
    email = _address(email)
    language = normalise_language(language)
    services = await versions.chosen_services(session=session, services=list(services), now=now) or None
    await limits.count_client(session=session, scope="client", client=client, settings=settings, now=now)
    await limits.count_hit(session=session, scope="address", subject=email,
                           limit=settings.subscribe_per_address_per_hour, secret_key=settings.secret_key, now=now)
    subscription = await _by_email(session, email)
    if subscription is not None and subscription.suppressed_at is not None:
        return  # the mailbox bounced for good; writing to it again would only bounce again
    await limits.count_confirmation(session=session, client=client, settings=settings, now=now)
    await limits.forget_expired(session=session, now=now)
    await _ask(session, subscription, email=email, language=language, services=services, now=now)


async def _ask(session: AsyncSession, subscription: Subscription | None, *, email: str, language: str,
               now: datetime, services: list[str] | None = None) -> None:
    # The newest request's language and services count until the address is confirmed; a confirmed
    # subscription is not changed by a stranger's request, only by its owner (unsubscribe, subscribe again).
    if subscription is None:
        subscription = Subscription(email=email, language=language, status=SubscriptionStatus.PENDING, created_at=now,
                                    services=services)
        session.add(subscription)
        await session.flush()
    elif subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        subscription.status, subscription.language = SubscriptionStatus.PENDING, language
        subscription.services = services
    elif subscription.status == SubscriptionStatus.PENDING:
        subscription.language, subscription.services = language, services
    kind = NotificationKind.MANAGE if subscription.status == SubscriptionStatus.CONFIRMED else NotificationKind.CONFIRM
    await outbox.enqueue_subscription_email(session=session, subscription_id=subscription.id, to_address=subscription.email,
                                            language=subscription.language, kind=kind, now=now)


async def subscribe_contacts(*, session: AsyncSession, contacts: list[tuple[str, str]],
                             now: datetime | None = None) -> int:
    """Ask a customer's notice contacts to confirm (double opt-in); confirmed or bounced ones are left be."""
    now, asked = now or utcnow(), 0
    for email, language in contacts:
        address = _address(email)
        subscription = await _by_email(session, address)
        if subscription is not None and (subscription.suppressed_at is not None
                                         or subscription.status == SubscriptionStatus.CONFIRMED):
            continue
        await _ask(session, subscription, email=address, language=normalise_language(language), now=now)
        asked += 1
    return asked


async def _from_token(session: AsyncSession, settings: NotificationSettings, token: str,
                      purpose: TokenPurpose) -> Subscription:
    subscription_id = read_token(secret_key=settings.signing_keys, purpose=purpose, token=token)
    subscription = await session.get(Subscription, subscription_id) if subscription_id is not None else None
    if subscription is None:
        raise RegistryError.one(INVALID_LINK, ErrorCode.INVALID, "token")
    return subscription


async def confirm_subscription(*, session: AsyncSession, settings: NotificationSettings, token: str,
                               now: datetime | None = None) -> Subscription:
    """Confirm the address a confirmation token was sent to; confirming twice is harmless."""
    subscription = await _from_token(session, settings, token, TokenPurpose.CONFIRM)
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return subscription
    if subscription.status != SubscriptionStatus.PENDING:
        # An unsubscribe after the confirmation email outranks the older link.
        raise RegistryError.one(INVALID_LINK, ErrorCode.INVALID, "token")
    subscription.status, subscription.confirmed_at = SubscriptionStatus.CONFIRMED, now or utcnow()
    subscription.consent_source = "double opt-in"
    return subscription


async def unsubscribe(*, session: AsyncSession, settings: NotificationSettings, token: str,
                      now: datetime | None = None) -> None:
    """Stop all notices to the address an unsubscribe token names; unsubscribing twice is harmless."""
    subscription = await _from_token(session, settings, token, TokenPurpose.UNSUBSCRIBE)
    if subscription.status != SubscriptionStatus.UNSUBSCRIBED:
        subscription.status, subscription.unsubscribed_at = SubscriptionStatus.UNSUBSCRIBED, now or utcnow()
    await outbox.cancel_pending(session=session, subscription_id=subscription.id)


async def import_subscriber(*, session: AsyncSession, email: str, language: str, consented_at: datetime,
                            consent_source: str) -> bool:
    """Record a consent given elsewhere as a confirmed subscription; False when it was already there."""
    email = _address(email)
    language = normalise_language(language)
    consent_source = consent_source.strip()
    if not consent_source or len(consent_source) > MAX_CONSENT_SOURCE:
        raise RegistryError.one(f"consent_source must be 1 to {MAX_CONSENT_SOURCE} characters.",
                                ErrorCode.INVALID, "consent_source")
    consented_at = utc_instant(consented_at, "consented_at")
    existing = await _by_email(session, email)
    if existing is not None:
        if existing.status == SubscriptionStatus.UNSUBSCRIBED or existing.suppressed_at is not None:
            # An old list's consent never overrides a later unsubscribe or a hard bounce.
            raise RegistryError.one("The address has unsubscribed or bounced; it is not re-added.",
                                    ErrorCode.INVALID_STATE, "email")
        if existing.status == SubscriptionStatus.CONFIRMED:
            return False
        existing.status, existing.confirmed_at, existing.consent_source = (
            SubscriptionStatus.CONFIRMED, consented_at, consent_source)
        return True
    session.add(Subscription(email=email, language=language, status=SubscriptionStatus.CONFIRMED,
                             confirmed_at=consented_at, consent_source=consent_source))
    await session.flush()
    return True


async def suppress(*, session: AsyncSession, subscription_id: int, reason: str, now: datetime | None = None) -> None:
    """Never write to this address again: the server said it does not take our mail."""
    await session.exec(update(Subscription)
                       .where(Subscription.id == subscription_id, Subscription.suppressed_at.is_(None))
                       .values(suppressed_at=now or utcnow(), suppressed_reason=reason[:500])
                       .execution_options(synchronize_session=False))
    # Nothing else queued for that mailbox can arrive either; what a worker holds now settles as it goes.
    await outbox.cancel_pending(session=session, subscription_id=subscription_id, leased_too=False)
