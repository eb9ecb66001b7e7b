"""Personal data breaches: recording the facts, the customers affected, phased updates, and reading them back.

Who may read what is the caller's business (schema/permissions.py): these functions never filter by
caller, except `incidents_for_customer`, which gives a customer their own incidents only.
"""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.incidents.models import Incident, IncidentCustomer, IncidentStatus, IncidentUpdate


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
