"""Personal data breaches: recording the facts, the customers affected, phased updates, and reading them back.

Who may read what is the caller's business (schema/permissions.py): these functions never filter by
caller, except `incidents_for_customer`, which gives a customer their own incidents only.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update as update_rows
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.audit import service as audit
from registry.customers.models import Agreement, AgreementStatus, Customer
from registry.customers.validation import normalise_services
from registry.db import is_stored_number, utcnow
from registry.errors import ErrorCode, RegistryError
from registry.incidents.models import Incident, IncidentCustomer, IncidentStatus, IncidentUpdate
from registry.incidents.validation import IncidentFacts, required_text, validated_facts
from registry.objections.windows import serves


@dataclass(frozen=True)
class CustomerIncident:
    """One incident as one affected customer sees it: the facts, every update, and their own notice."""

    incident: Incident
    updates: list[IncidentUpdate]
    notice: IncidentCustomer  # sent_at, message_id and acknowledged_at of this customer's notice


async def get_incident(*, session: AsyncSession, incident_id: int) -> Incident | None:
    """One incident by id."""
    return await session.get(Incident, incident_id)


async def list_incidents(*, session: AsyncSession, limit: int, after_id: int | None = None) -> list[Incident]:
    """Up to `limit` incidents, newest first, after (older than) the one with that id."""
    query = select(Incident).order_by(Incident.id.desc()).limit(limit)
    if after_id is not None:
        query = query.where(Incident.id < after_id)
    return list((await session.exec(query)).all())


async def updates_of(*, session: AsyncSession, incident_ids: list[int]) -> dict[int, list[IncidentUpdate]]:
    """The updates of several incidents at once, oldest first, by incident id."""
    rows = (await session.exec(select(IncidentUpdate).where(IncidentUpdate.incident_id.in_(incident_ids))
                               .order_by(IncidentUpdate.id))).all()
    found: dict[int, list[IncidentUpdate]] = {incident_id: [] for incident_id in incident_ids}
    for row in rows:
        found[row.incident_id].append(row)
    return found


async def affected_of(*, session: AsyncSession, incident_ids: list[int]) -> dict[int, list[IncidentCustomer]]:
    """The affected customers of several incidents at once, with their notice proof, by incident id."""
    rows = (await session.exec(select(IncidentCustomer).where(IncidentCustomer.incident_id.in_(incident_ids))
                               .order_by(IncidentCustomer.incident_id, IncidentCustomer.customer_id))).all()
    found: dict[int, list[IncidentCustomer]] = {incident_id: [] for incident_id in incident_ids}
    for row in rows:
        found[row.incident_id].append(row)
    return found


async def incidents_for_customer(*, session: AsyncSession, customer_id: int) -> list[CustomerIncident]:
    """The incidents a customer has been notified of (notifyIncident ran), newest first, with updates and proof.

    An incident only recorded is the processor's draft: the customer sees it once it is notified.
    """
    rows = (await session.exec(
        select(Incident, IncidentCustomer).join(IncidentCustomer, IncidentCustomer.incident_id == Incident.id)
        .where(IncidentCustomer.customer_id == customer_id, Incident.status == IncidentStatus.NOTIFIED)
        .order_by(Incident.id.desc()))).all()
    updates = await updates_of(session=session, incident_ids=[incident.id for incident, _ in rows])
    return [CustomerIncident(incident=incident, updates=updates[incident.id], notice=notice)
            for incident, notice in rows]


async def customer_incident(*, session: AsyncSession, customer_id: int, incident_id: int) -> CustomerIncident | None:
    """One incident as that customer sees it; None alike for a missing id, someone else's, or one not notified."""
    if not is_stored_number(incident_id):
        return None
    row = (await session.exec(
        select(Incident, IncidentCustomer).join(IncidentCustomer, IncidentCustomer.incident_id == Incident.id)
        .where(Incident.id == incident_id, IncidentCustomer.customer_id == customer_id,
               Incident.status == IncidentStatus.NOTIFIED))).first()
    if row is None:
        return None
    incident, notice = row
    updates = await updates_of(session=session, incident_ids=[incident.id])
    return CustomerIncident(incident=incident, updates=updates[incident.id], notice=notice)


async def acknowledge_incident(*, session: AsyncSession, customer_id: int, incident_id: int, actor: str,
                               now: datetime | None = None) -> CustomerIncident:
    """The customer confirms they received the notice of an incident; the first confirmation is the one kept."""
    found = await customer_incident(session=session, customer_id=customer_id, incident_id=incident_id)
    if found is None:
        raise RegistryError.one("No such incident.", ErrorCode.NOT_FOUND, "id")
    now = now or utcnow()
    # Only the first of two confirmations sent at once sets the time and writes the audit entry.
    claimed = await session.exec(update_rows(IncidentCustomer).where(
        IncidentCustomer.incident_id == incident_id, IncidentCustomer.customer_id == customer_id,
        IncidentCustomer.acknowledged_at.is_(None)).values(acknowledged_at=now, acknowledged_by=actor[:254])
        .execution_options(synchronize_session=False))
    if claimed.rowcount == 1:
        await audit.record(session=session, actor=actor, action="acknowledgeIncident",
                           target=f"incident {incident_id} customer {customer_id}",
                           after={"acknowledged_at": now.isoformat()})
        await session.refresh(found.notice)
    return found


MAX_CUSTOMERS = 10_000  # customers chosen one by one in one request


async def affected_customers(*, session: AsyncSession, services: list[str], customer_ids: list[int]) -> list[int]:
    """The customers an incident affects: those with an active agreement covering any of the services
    (an agreement naming no service covers all), and those chosen one by one."""
    if len(customer_ids) > MAX_CUSTOMERS:
        raise RegistryError.one(f"Choose at most {MAX_CUSTOMERS} customers one by one.", ErrorCode.INVALID,
                                "customer_ids")
    chosen = set(customer_ids)
    if not all(is_stored_number(customer_id) for customer_id in chosen):
        raise RegistryError.one("No such customer.", ErrorCode.NOT_FOUND, "customer_ids")
    known = set((await session.exec(select(Customer.id).where(Customer.id.in_(chosen)))).all()) if chosen else set()
    if missing := sorted(chosen - known):
        raise RegistryError.one(f"No customer has id {missing[0]}.", ErrorCode.NOT_FOUND, "customer_ids")
    if services:
        agreements = (await session.exec(select(Agreement.customer_id, Agreement.services)
                                         .where(Agreement.status == AgreementStatus.ACTIVE))).all()
        chosen |= {customer_id for customer_id, covered in agreements if serves({"services": services}, covered)}
    return sorted(chosen)


async def record_incident(*, session: AsyncSession, actor: str, facts: IncidentFacts, services: list[str],
                          customer_ids: list[int], now: datetime | None = None) -> Incident:
    """Record a breach with its facts and the resolved set of affected customers; nobody is told yet."""
    now = now or utcnow()
    values = validated_facts(facts, now)
    services = normalise_services(services)
    affected = await affected_customers(session=session, services=services, customer_ids=customer_ids)
    if not affected:
        raise RegistryError.one("No customer is affected: choose services that active agreements cover, "
                                "or customers one by one.", ErrorCode.REQUIRED, "customer_ids")
    incident = Incident(**values, services=services, created_at=now, created_by=actor)
    session.add(incident)
    await session.flush()
    session.add_all([IncidentCustomer(incident_id=incident.id, customer_id=customer_id) for customer_id in affected])
    await session.flush()
    await audit.record(session=session, actor=actor, action="createIncident", target=f"incident {incident.id}",
                       after=incident.model_dump(mode="json") | {"customer_ids": affected})
    return incident


async def _incident(session: AsyncSession, incident_id: int) -> Incident:
    incident = await session.get(Incident, incident_id) if is_stored_number(incident_id) else None
    if incident is None:
        raise RegistryError.one("No such incident.", ErrorCode.NOT_FOUND, "id")
    return incident


async def mark_notified(*, session: AsyncSession, actor: str, incident_id: int,
                        now: datetime | None = None) -> Incident:
    """Mark an incident as notified (once); the caller queues the notices in the same transaction."""
    incident = await _incident(session, incident_id)
    if incident.status == IncidentStatus.NOTIFIED:
        raise RegistryError.one("The customers have been notified of this incident already; add an update instead.",
                                ErrorCode.INVALID_STATE, "id")
    incident.status, incident.notified_at, incident.notified_by = IncidentStatus.NOTIFIED, now or utcnow(), actor
    await session.flush()
    await audit.record(session=session, actor=actor, action="notifyIncident", target=f"incident {incident.id}",
                       after={"status": incident.status, "notified_at": incident.notified_at.isoformat()})
    return incident


async def add_update(*, session: AsyncSession, actor: str, incident_id: int, text: str,
                     now: datetime | None = None) -> IncidentUpdate:
    """Keep further information given in phases (Art. 33(4)); only after the first notice went out."""
    incident = await _incident(session, incident_id)
    text = required_text(text, "text")
    if incident.status != IncidentStatus.NOTIFIED:
        raise RegistryError.one("Notify the customers of the incident first; an update follows a notice.",
                                ErrorCode.INVALID_STATE, "id")
    update = IncidentUpdate(incident_id=incident.id, text=text, created_at=now or utcnow(), author=actor)
    session.add(update)
    await session.flush()
    await audit.record(session=session, actor=actor, action="addIncidentUpdate", target=f"incident {incident.id}",
                       after=update.model_dump(mode="json"))
    return update


async def record_notice(*, session: AsyncSession, incident_id: int, customer_id: int, sent_at: datetime,
                        message_id: str, server_reply: str, recipient: str) -> None:
    """Remember when a customer's incident notice first left (the server's 250 reply); later sends do not move it."""
    notice = await session.get(IncidentCustomer, (incident_id, customer_id))
    if notice is not None and notice.sent_at is None:
        notice.sent_at, notice.message_id, notice.server_reply, notice.recipient = (
            sent_at, message_id, server_reply[:1000], recipient)
        await session.flush()


def hours_to_notice(incident: Incident, notice: IncidentCustomer) -> float | None:
    """Hours from the processor's awareness to the customer's notice leaving; None while it has not left."""
    if notice.sent_at is None:
        return None
    return round((notice.sent_at - incident.became_aware_at).total_seconds() / 3600, 2)


def _instant(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def incident_register(*, session: AsyncSession, customer_id: int | None = None) -> list[dict]:
    """The register of incidents (Art. 33(5)), oldest first: every fact, update, notice and acknowledgement.

    With `customer_id`, only the incidents that customer was notified of, and only their own notice; the
    processor's staff stay unnamed there (their token names may be people's addresses).
    """
    def staff(name: str | None) -> str | None:
        return name if customer_id is None else None

    query = select(Incident).order_by(Incident.id)
    if customer_id is not None:
        query = (query.join(IncidentCustomer, IncidentCustomer.incident_id == Incident.id)
                 .where(IncidentCustomer.customer_id == customer_id, Incident.status == IncidentStatus.NOTIFIED))
    rows = list((await session.exec(query)).all())
    ids = [incident.id for incident in rows]
    updates, affected = await updates_of(session=session, incident_ids=ids), await affected_of(session=session,
                                                                                               incident_ids=ids)
    names = dict((await session.exec(select(Customer.id, Customer.name).where(Customer.id.in_(
        {row.customer_id for notices in affected.values() for row in notices})))).all())
    return [{"id": incident.id, "status": incident.status, "became_aware_at": _instant(incident.became_aware_at),
             "nature": incident.nature, "subject_categories": incident.subject_categories,
             "subjects_approx": incident.subjects_approx, "record_categories": incident.record_categories,
             "records_approx": incident.records_approx, "consequences": incident.consequences,
             "measures": incident.measures, "contact_point": incident.contact_point, "services": incident.services,
             "created_at": _instant(incident.created_at), "created_by": staff(incident.created_by),
             "notified_at": _instant(incident.notified_at), "notified_by": staff(incident.notified_by),
             "updates": [{"id": update.id, "created_at": _instant(update.created_at), "author": staff(update.author),
                          "text": update.text} for update in updates[incident.id]],
             "notices": [{"customer_id": notice.customer_id, "customer": names.get(notice.customer_id),
                          "sent_at": _instant(notice.sent_at), "message_id": notice.message_id,
                          "server_reply": notice.server_reply, "recipient": notice.recipient,
                          "hours_to_notice": hours_to_notice(incident, notice),
                          "acknowledged_at": _instant(notice.acknowledged_at),
                          "acknowledged_by": notice.acknowledged_by}
                         for notice in affected[incident.id]
                         if customer_id is None or notice.customer_id == customer_id]}
            for incident in rows]
