"""The registry's changes that people must hear of: each makes the change and queues its mail together.

Both happen in the caller's transaction, so a change never commits without its mail, nor the mail without
the change. The GraphQL mutations, the pages and the command line all come through here.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from notifications import incidents as incident_mail
from notifications.customers import service as customer_mail
from notifications.preview import preview_draft
from notifications.subscriptions import audience
from notifications.outbox.models import NotificationKind
from notifications.subscriptions import service as subscriptions
from registry.customers import service as customers
from registry.customers.models import Customer, NoticeContact
from registry.incidents import service as incidents
from registry.incidents.models import Incident, IncidentUpdate
from registry.legal_requirements import service as legal_requirements
from registry.legal_requirements.models import LegalRequirement
from registry.objections import service as objections
from registry.objections.models import Objection, ObjectionOutcome
from registry.publish_requests import service as publish_requests
from registry.publish_requests.models import PublishRequest
from notifications.settings import NotificationSettings
from notifications.webhooks import service as webhooks
from notifications.webhooks.models import EventType
from registry.versions import service as versions
from registry.versions.models import RegistryVersion


async def publish_and_notify(*, session: AsyncSession, settings: NotificationSettings, actor: str, note: str,
                             notice_days: int | None = None,
                             effective_at: datetime | None = None, now: datetime | None = None) -> RegistryVersion:
    """Publish the draft as the next version and queue its notice to every confirmed subscriber and webhook."""
    version = await versions.publish_version(session=session, actor=actor, note=note,
                                             min_notice_days=settings.min_notice_days,
                                             notice_days=notice_days, effective_at=effective_at, now=now)
    await audience.enqueue_version_notices(session=session, version=version, kind=NotificationKind.VERSION_PUBLISHED,
                                         now=now)
    await webhooks.enqueue_version_events(session=session, settings=settings, version=version,
                                          event_type=EventType.VERSION_PUBLISHED, now=now)
    return version


@dataclass(frozen=True)
class PublishOutcome:
    """What asking to publish did: published a version, recorded or approved a request, or both."""

    version: RegistryVersion | None = None
    request: PublishRequest | None = None


async def publish_or_request(*, session: AsyncSession, settings: NotificationSettings, actor: str, note: str,
                             notice_days: int | None = None, effective_at: datetime | None = None,
                             now: datetime | None = None) -> PublishOutcome:
    """Publish the draft now, or, when REGISTRY_PUBLISH_APPROVALS asks for approvals, request it with its preview."""
    if not settings.publish_approvals:
        return PublishOutcome(version=await publish_and_notify(
            session=session, settings=settings, actor=actor, note=note, notice_days=notice_days, effective_at=effective_at, now=now))
    # The preview checks the request as publishing would (note, changes, notice), so a bad one is refused now.
    preview = await preview_draft(session=session, settings=settings, note=note, notice_days=notice_days,
                                  effective_at=effective_at, now=now)
    request = await publish_requests.request_publish(
        session=session, actor=actor, note=preview.version.note, notice_days=notice_days, effective_at=effective_at,
        draft_hash=versions.planned_hash(preview.version), preview=preview.shown().as_json(), now=now)
    return PublishOutcome(request=request)


async def approve_and_publish(*, session: AsyncSession, settings: NotificationSettings, actor: str, request_id: int,
                              now: datetime | None = None) -> PublishOutcome:
    """Approve a publish request; the approval that makes enough publishes it as requested, notices and all."""
    request = await publish_requests.approve(session=session, actor=actor, request_id=request_id, now=now)
    if len(request.approvals) < settings.publish_approvals:
        return PublishOutcome(request=request)
    # Published by the admin whose approval completed it; the request keeps who asked and who approved.
    version = await publish_and_notify(session=session, settings=settings, actor=actor, note=request.note,
                                       notice_days=request.notice_days,
                                       effective_at=request.effective_at, now=now)
    request = await publish_requests.record_published(session=session, actor=actor, request=request, version=version,
                                                      now=now)
    return PublishOutcome(version=version, request=request)


async def withdraw_and_notify(*, session: AsyncSession, settings: NotificationSettings, actor: str, number: int,
                              reason: str, now: datetime | None = None) -> RegistryVersion:
    """Withdraw a pending version and tell everyone its notice reached, and every webhook, that it will not take effect."""
    version = await versions.withdraw_version(session=session, actor=actor, number=number, reason=reason, now=now)
    await audience.enqueue_version_notices(session=session, version=version, kind=NotificationKind.VERSION_WITHDRAWN,
                                         now=now)
    await webhooks.enqueue_version_events(session=session, settings=settings, version=version,
                                          event_type=EventType.VERSION_WITHDRAWN, now=now)
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
        await webhooks.enqueue_objection_event(session=session, objection=objection, now=now)
    return objection, created


async def resolve_objection_and_tell(*, session: AsyncSession, actor: str, objection_id: int,
                                     outcome: ObjectionOutcome, note: str, now: datetime | None = None) -> Objection:
    """Close an objection with its outcome and queue the decision to the customer's contacts."""
    objection = await objections.resolve_objection(session=session, actor=actor, objection_id=objection_id,
                                                   outcome=outcome, note=note, now=now)
    await customer_mail.objection_resolved(session=session, objection=objection, now=now)
    await webhooks.enqueue_objection_event(session=session, objection=objection, now=now)
    return objection


async def acknowledge_objection_and_tell(*, session: AsyncSession, actor: str, objection_id: int,
                                         now: datetime | None = None) -> Objection:
    """Mark an objection as being handled and tell the customer's webhooks."""
    objection = await objections.acknowledge_objection(session=session, actor=actor, objection_id=objection_id,
                                                       now=now)
    await webhooks.enqueue_objection_event(session=session, objection=objection, now=now)
    return objection


async def withdraw_objection_and_tell(*, session: AsyncSession, actor: str, customer_id: int, objection_id: int,
                                      now: datetime | None = None) -> Objection:
    """The customer takes back their objection; their webhooks hear of it."""
    objection = await objections.withdraw_objection(session=session, customer_id=customer_id,
                                                    objection_id=objection_id, actor=actor, now=now)
    await webhooks.enqueue_objection_event(session=session, objection=objection, now=now)
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


async def notify_incident(*, session: AsyncSession, actor: str, incident_id: int,
                          now: datetime | None = None) -> Incident:
    """Mark a breach notified and queue its notice to every contact of every affected customer at once."""
    incident = await incidents.mark_notified(session=session, actor=actor, incident_id=incident_id, now=now)
    await incident_mail.enqueue_incident_notices(session=session, incident=incident,
                                                 kind=NotificationKind.INCIDENT_NOTICE, now=now)
    await incident_mail.enqueue_incident_events(session=session, incident=incident, now=now)
    return incident


async def add_incident_update_and_tell(*, session: AsyncSession, actor: str, incident_id: int, text: str,
                                       now: datetime | None = None) -> IncidentUpdate:
    """Keep a phased update of a breach (Art. 33(4)) and mail it to the same contacts as the notice."""
    update = await incidents.add_update(session=session, actor=actor, incident_id=incident_id, text=text, now=now)
    incident = await incidents.get_incident(session=session, incident_id=incident_id)
    await incident_mail.enqueue_incident_notices(session=session, incident=incident,
                                                 kind=NotificationKind.INCIDENT_UPDATE, update=update, now=now)
    await incident_mail.enqueue_incident_events(session=session, incident=incident, update=update, now=now)
    return update
