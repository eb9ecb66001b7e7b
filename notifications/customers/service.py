"""Email to customers about their own affairs: objection receipts and decisions, access links, legal requirements.

notifications.flows pairs each objection step with the mail it causes.
"""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.outbox import service as outbox
from notifications.outbox.models import Notification, NotificationKind, NotificationStatus
from notifications.subscriptions import limits
from registry.customers import service as customers
from registry.customers.models import AgreementStatus
from registry.customers.validation import normalise_email
from registry.db import utcnow
from registry.objections import reminders
from registry.legal_requirements.models import LegalRequirement
from registry.objections.models import Objection
from registry.objections.terms import terms_of
from notifications.settings import NotificationSettings


def _payload(objection: Objection, customer_name: str) -> dict:
    return {"customer": customer_name, "version": objection.version_number, "objection_id": objection.id,
            "legal_requirement": objection.legal_requirement_id,
            "reason": objection.reason, "filed_at": objection.filed_at.isoformat(), "outcome": objection.outcome,
            "note": objection.resolution_note}


async def legal_requirement_notices(*, session: AsyncSession, requirement: LegalRequirement, customer_ids: list[int],
                                    now: datetime | None = None) -> None:
    """Queue a requirement's notice to every notice contact of each customer it concerns, in their language.

    The payload carries every fact and the customer's agreed notice period; the worker states their deadline
    as the notice leaves, and its 250 reply starts their window (recorded like a version notice's).
    """
    now = now or utcnow()
    contacts = await customers.contacts_of(session=session, customer_ids=customer_ids)
    agreements = await customers.agreements_of(session=session, customer_ids=customer_ids)
    for customer in await customers.customers_by_id(session=session, customer_ids=customer_ids):
        terms = terms_of([a for a in agreements[customer.id] if a.status == AgreementStatus.ACTIVE])
        payload = {"legal_requirement_id": requirement.id, "customer": customer.name,
                   "legal_basis": requirement.legal_basis, "authority": requirement.authority,
                   "processing": requirement.processing, "starts_at": requirement.starts_at.isoformat(),
                   "notice_days": terms.notice_days if terms else None}
        for contact in contacts[customer.id]:
            await outbox.enqueue_direct(session=session, kind=NotificationKind.LEGAL_REQUIREMENT,
                                        to_address=contact.email, language=contact.language, payload=payload,
                                        customer_id=customer.id, now=now)


async def _to_contacts(session: AsyncSession, objection: Objection, kind: NotificationKind, now: datetime) -> None:
    customer = await customers.get_customer(session=session, customer_id=objection.customer_id)
    contacts = (await customers.contacts_of(session=session, customer_ids=[customer.id]))[customer.id]
    for contact in contacts:
        await outbox.enqueue_direct(session=session, kind=kind, to_address=contact.email, language=contact.language,
                                    payload=_payload(objection, customer.name), customer_id=customer.id,
                                    version_number=objection.version_number, now=now)


async def objection_filed(*, session: AsyncSession, settings: NotificationSettings, objection: Objection,
                          now: datetime | None = None) -> None:
    """Queue a receipt to each of the customer's contacts and a notice to the processor's privacy contact."""
    now = now or utcnow()
    await _to_contacts(session, objection, NotificationKind.OBJECTION_RECEIPT, now)
    customer = await customers.get_customer(session=session, customer_id=objection.customer_id)
    await outbox.enqueue_direct(session=session, kind=NotificationKind.OBJECTION_FILED,
                                to_address=settings.privacy_contact_email, language="da",
                                payload=_payload(objection, customer.name), customer_id=customer.id,
                                version_number=objection.version_number, now=now)


async def objection_resolved(*, session: AsyncSession, objection: Objection, now: datetime | None = None) -> None:
    """Queue the decision on an objection to each of the customer's contacts."""
    await _to_contacts(session, objection, NotificationKind.OBJECTION_RESOLVED, now or utcnow())


async def request_customer_access(*, session: AsyncSession, settings: NotificationSettings, email: str, client: str,
                                  now: datetime | None = None) -> None:
    """Email an access link to a customer's notice contact; any other address gets nothing, and no sign of it."""
    now = now or utcnow()
    address = normalise_email(email)
    await limits.count_client(session=session, scope="access-client", client=client, settings=settings, now=now)
    await limits.count_hit(session=session, scope="access-address", subject=address.lower(),
                           limit=settings.subscribe_per_address_per_hour, secret_key=settings.secret_key, now=now)
    for customer_id in await customers.customers_of_contact(session=session, email=address):
        customer = await customers.get_customer(session=session, customer_id=customer_id)
        contact = next(c for c in (await customers.contacts_of(session=session, customer_ids=[customer_id]))[customer_id]
                       if c.email.casefold() == address.casefold())
        await outbox.enqueue_direct(session=session, kind=NotificationKind.CUSTOMER_ACCESS, to_address=contact.email,
                                    language=contact.language, payload={"customer": customer.name},
                                    customer_id=customer_id, now=now)


async def version_notice_status(*, session: AsyncSession, version_number: int,
                                customer_ids: list[int]) -> dict[int, str]:
    """Per customer, the best status any of their version notices reached (SENT beats RETRYING beats FAILED)."""
    rows = (await session.exec(
        select(Notification.customer_id, Notification.status, func.count())
        .where(Notification.version_number == version_number, Notification.customer_id.in_(customer_ids),
               Notification.kind == NotificationKind.VERSION_PUBLISHED)
        .group_by(Notification.customer_id, Notification.status))).all()
    rank = [NotificationStatus.CANCELLED, NotificationStatus.FAILED, NotificationStatus.DEAD,
            NotificationStatus.RETRYING, NotificationStatus.QUEUED, NotificationStatus.SENT]
    best: dict[int, str] = {}
    for customer_id, status, _ in rows:
        if customer_id not in best or rank.index(status) > rank.index(best[customer_id]):
            best[customer_id] = status
    return best


async def queue_reminders(*, session: AsyncSession, settings: NotificationSettings, now: datetime | None = None) -> int:
    """Queue a reminder to each customer whose deadline is near and who neither objected nor acknowledged."""
    now = now or utcnow()
    due = await reminders.claim_due_reminders(session=session, days_before=settings.reminder_days_before, now=now)
    for reminder in due:
        customer = await customers.get_customer(session=session, customer_id=reminder.customer_id)
        for contact in (await customers.contacts_of(session=session, customer_ids=[customer.id]))[customer.id]:
            await outbox.enqueue_direct(
                session=session, kind=NotificationKind.OBJECTION_REMINDER, to_address=contact.email,
                language=contact.language, customer_id=customer.id, version_number=reminder.version_number,
                payload={"customer": customer.name, "version": reminder.version_number,
                         "deadline": reminder.closes_at.isoformat()}, now=now)
    return len(due)
