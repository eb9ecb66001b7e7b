"""Mail about personal data breaches: the notice to every affected customer's contacts, and each update.

Every incident email is queued by `enqueue_incident_notices`, so how they are queued (their place in the
queue, say) is decided in one place. notifications.flows pairs each incident step with its mail.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications import doorbell
from notifications.outbox import service as outbox
from notifications.outbox.models import Notification, NotificationKind, NotificationPriority, NotificationStatus
from notifications.webhooks import service as webhooks
from notifications.webhooks.models import EventType
from registry import labels
from registry.customers.models import Customer, NoticeContact
from registry.db import utcnow
from registry.incidents import service as incidents
from registry.incidents.models import Incident, IncidentCustomer, IncidentStatus, IncidentUpdate

_WORDS = {
    "da": {"about": "ca. {n}", "thousands": "."},
    "en": {"about": "about {n}", "thousands": ","},
}


def _number(value: int | None, language: str) -> str:
    if value is None:
        return labels.word("unknown", language)
    words = _WORDS[language]
    return words["about"].format(n=f"{value:,}".replace(",", words["thousands"]))


def facts_in_words(incident: Incident, language: str) -> dict[str, str]:
    """The Art. 33(3) facts as a reader reads them: numbers in words, unknowns said, the time in Copenhagen."""
    categories = lambda values: ", ".join(values) if values else labels.word("not_stated", language)  # noqa: E731
    return {"nature": incident.nature, "subject_categories": categories(incident.subject_categories),
            "subjects_approx": _number(incident.subjects_approx, language),
            "record_categories": categories(incident.record_categories),
            "records_approx": _number(incident.records_approx, language),
            "consequences": incident.consequences, "measures": incident.measures,
            "contact_point": incident.contact_point,
            "became_aware_at": labels.local_time(incident.became_aware_at, language)}


async def enqueue_incident_notices(*, session: AsyncSession, incident: Incident, kind: NotificationKind,
                                   update: IncidentUpdate | None = None, now: datetime | None = None) -> int:
    """Queue one email to every notice contact of every affected customer, in the contact's language.

    The one place incident mail enters the outbox, as URGENT: it leaves before any queued change notice, since
    the customer's 72 hours to report run from awareness. Returns how many were queued.
    """
    now = now or utcnow()
    # One read joined on the incident, not a list of its customers' ids: asyncpg takes 32,767 parameters at most.
    contacts = (await session.exec(
        select(NoticeContact, Customer.name)
        .join(IncidentCustomer, IncidentCustomer.customer_id == NoticeContact.customer_id)
        .join(Customer, Customer.id == NoticeContact.customer_id)
        .where(IncidentCustomer.incident_id == incident.id)
        .order_by(NoticeContact.customer_id, NoticeContact.id))).all()
    for contact, name in contacts:
        payload = {"incident_id": incident.id, "customer": name, "facts": facts_in_words(incident, contact.language)}
        if update is not None:
            payload |= {"update_id": update.id, "update_text": update.text, "update_at": update.created_at.isoformat()}
        await outbox.enqueue_direct(session=session, kind=kind, to_address=contact.email, language=contact.language,
                                    payload=payload, customer_id=contact.customer_id,
                                    priority=NotificationPriority.URGENT, now=now, ring=False)
    if contacts:
        # Once for them all: a ring per row cost a statement each, and its autoflush an INSERT each.
        await doorbell.ring(session=session, urgent=True)
    return len(contacts)


async def enqueue_incident_events(*, session: AsyncSession, incident: Incident,
                                  update: IncidentUpdate | None = None, now: datetime | None = None) -> int:
    """Queue incident.notified (or incident.updated) to each affected customer's webhooks that asked for it.

    The payload holds the facts, never a link with a token: a chat channel may be read by more people than the
    notice contacts, who open the incident on their customer page.
    """
    event = EventType.INCIDENT_NOTIFIED if update is None else EventType.INCIDENT_UPDATED
    data = {"incidentId": incident.id, "becameAwareAt": incident.became_aware_at.isoformat(),
            "notifiedAt": incident.notified_at.isoformat() if incident.notified_at else None,
            "nature": incident.nature, "subjectCategories": incident.subject_categories,
            "subjectsApprox": incident.subjects_approx, "recordCategories": incident.record_categories,
            "recordsApprox": incident.records_approx, "consequences": incident.consequences,
            "measures": incident.measures, "contactPoint": incident.contact_point}
    if update is not None:
        data |= {"updateId": update.id, "updateAt": update.created_at.isoformat(), "updateText": update.text}
    # The incident's customers as a subquery: one parameter however many, and not read a second time.
    affected = select(IncidentCustomer.customer_id).where(IncidentCustomer.incident_id == incident.id)
    return await webhooks.enqueue_event(session=session, event_type=event, data=data, now=now, customer_ids=affected)


@dataclass(frozen=True)
class NotReached:
    """An affected customer whose incident notice has not left: why, as far as the outbox knows."""

    notice: IncidentCustomer
    status: str | None  # the best status any of their notices reached; None: no contact to send to
    last_error: str | None


_RANK = [NotificationStatus.CANCELLED, NotificationStatus.FAILED, NotificationStatus.DEAD,
         NotificationStatus.RETRYING, NotificationStatus.QUEUED, NotificationStatus.SENT]


async def not_reached(*, session: AsyncSession, incident_id: int, limit: int,
                      after_customer_id: int | None = None) -> list[NotReached]:
    """Affected customers of a notified incident whose notice has not left yet or failed, by customer id."""
    incident = await incidents.get_incident(session=session, incident_id=incident_id)
    if incident is None or incident.status != IncidentStatus.NOTIFIED:
        return []
    query = (select(IncidentCustomer).where(IncidentCustomer.incident_id == incident_id,
                                            IncidentCustomer.sent_at.is_(None))
             .order_by(IncidentCustomer.customer_id).limit(limit))
    if after_customer_id is not None:
        query = query.where(IncidentCustomer.customer_id > after_customer_id)
    waiting = list((await session.exec(query)).all())
    # The incident id lives in the payload (JSON), read here rather than in SQL so both engines agree.
    rows = (await session.exec(select(Notification).where(
        Notification.kind == NotificationKind.INCIDENT_NOTICE,
        Notification.customer_id.in_([row.customer_id for row in waiting])))).all()
    best: dict[int, Notification] = {}
    for row in rows:
        if (row.payload or {}).get("incident_id") != incident_id:
            continue
        held = best.get(row.customer_id)
        if held is None or _RANK.index(row.status) > _RANK.index(held.status):
            best[row.customer_id] = row
    return [NotReached(notice=row, status=best[row.customer_id].status if row.customer_id in best else None,
                       last_error=best[row.customer_id].last_error if row.customer_id in best else None)
            for row in waiting]
