"""The registry's changes that people must hear of: each makes the change and queues its mail together.

Both happen in the caller's transaction, so a change never commits without its mail, nor the mail without
the change. The GraphQL mutations, the pages and the command line all come through here.
"""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.customers import service as customer_mail
from notifications.subscriptions import audience
from notifications.outbox.models import NotificationKind
from notifications.subscriptions import service as subscriptions
from registry.customers import service as customers
from registry.customers.models import Customer, NoticeContact
from registry.legal_requirements import service as legal_requirements
from registry.legal_requirements.models import LegalRequirement
from registry.objections import service as objections
from registry.objections.models import Objection, ObjectionOutcome
from notifications.settings import NotificationSettings
from registry.versions import service as versions
from registry.versions.models import RegistryVersion


async def publish_and_notify(*, session: AsyncSession, actor: str, note: str, min_notice_days: int,
                             notice_days: int | None = None, effective_at: datetime | None = None,
                             now: datetime | None = None) -> RegistryVersion:
    """Publish the draft as the next version and queue its notice to every confirmed subscriber."""
    version = await versions.publish_version(session=session, actor=actor, note=note, min_notice_days=min_notice_days,
                                             notice_days=notice_days, effective_at=effective_at, now=now)
    await audience.enqueue_version_notices(session=session, version=version, kind=NotificationKind.VERSION_PUBLISHED,
                                         now=now)
    return version


async def withdraw_and_notify(*, session: AsyncSession, actor: str, number: int, reason: str,
                              now: datetime | None = None) -> RegistryVersion:
    """Withdraw a pending version and tell everyone its notice reached that it will not take effect."""
    version = await versions.withdraw_version(session=session, actor=actor, number=number, reason=reason, now=now)
    await audience.enqueue_version_notices(session=session, version=version, kind=NotificationKind.VERSION_WITHDRAWN,
                                         now=now)
    return version


async def file_objection_and_tell(*, session: AsyncSession, settings: NotificationSettings, customer_id: int,
                                  reason: str, filed_by: str, version_number: int | None = None,
                                  legal_requirement_id: int | None = None,
                                  now: datetime | None = None) -> tuple[Objection, bool]:
    """File an objection to a version or a legal requirement and, when it is new, queue the customer's receipt
    and the privacy contact's notice."""
    objection, created = await objections.file_objection(session=session, customer_id=customer_id,
                                                         version_number=version_number,
                                                         legal_requirement_id=legal_requirement_id, reason=reason,
                                                         filed_by=filed_by, now=now)
    if created:
        await customer_mail.objection_filed(session=session, settings=settings, objection=objection, now=now)
    return objection, created


async def resolve_objection_and_tell(*, session: AsyncSession, actor: str, objection_id: int,
                                     outcome: ObjectionOutcome, note: str, now: datetime | None = None) -> Objection:
    """Close an objection with its outcome and queue the decision to the customer's contacts."""
    objection = await objections.resolve_objection(session=session, actor=actor, objection_id=objection_id,
                                                   outcome=outcome, note=note, now=now)
    await customer_mail.objection_resolved(session=session, objection=objection, now=now)
    return objection


async def notify_legal_requirement(*, session: AsyncSession, actor: str, requirement_id: int,
                                   now: datetime | None = None) -> LegalRequirement:
    """Mark a legal requirement as told and queue its notice to every contact of each customer it concerns."""
    requirement, customer_ids = await legal_requirements.mark_notified(session=session, actor=actor,
                                                                       requirement_id=requirement_id, now=now)
    await customer_mail.legal_requirement_notices(session=session, requirement=requirement,
                                                  customer_ids=customer_ids, now=now)
    return requirement


async def register_customer_and_ask_contacts(*, session: AsyncSession, actor: str, name: str, cvr: str | None,
                                             contacts: list[tuple[str, str]],
                                             now: datetime | None = None) -> tuple[Customer, list[NoticeContact]]:
    """Register a customer and ask each notice contact to confirm, as every subscriber does (double opt-in)."""
    customer, saved = await customers.create_customer(session=session, actor=actor, name=name, cvr=cvr,
                                                      contacts=contacts)
    await subscriptions.subscribe_contacts(session=session, contacts=[(c.email, c.language) for c in saved], now=now)
    return customer, saved
