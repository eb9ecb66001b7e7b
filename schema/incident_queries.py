"""Admin reads of personal data breaches: the register, one incident with its proof, who is not reached yet."""

import strawberry
from strawberry.types import Info

from notifications import incidents as incident_mail
from registry.customers import service as customers
from registry.db import is_stored_number
from registry.incidents import service as incidents
from schema.pagination import decode_cursor, page_size
from schema.permissions import IsAdmin
from schema.types.incidents import (
    INCIDENT_CURSOR,
    NOT_REACHED_CURSOR,
    Incident,
    IncidentConnection,
    IncidentNotice,
    IncidentNotReached,
    IncidentNotReachedConnection,
    IncidentUpdate,
)
from schema.types.notifications import NotificationStatus


async def load_incidents(session, rows: list) -> list[Incident]:
    """Incidents with their updates and notices: three queries for any number of them."""
    ids = [row.id for row in rows]
    updates = await incidents.updates_of(session=session, incident_ids=ids)
    notices = await incidents.affected_of(session=session, incident_ids=ids)
    customer_ids = list({notice.customer_id for found in notices.values() for notice in found})
    names = {c.id: c.name for c in await customers.customers_by_id(session=session, customer_ids=customer_ids)}
    return [Incident.from_domain(row, updates=[IncidentUpdate.from_domain(u) for u in updates[row.id]],
                                 notices=[IncidentNotice.from_domain(row, n, names) for n in notices[row.id]])
            for row in rows]


@strawberry.type
class IncidentQuery:
    @strawberry.field(permission_classes=[IsAdmin], description="Personal data breaches, newest first.")
    async def incidents(self, info: Info, first: int | None = None, after: str | None = None) -> IncidentConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(INCIDENT_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await incidents.list_incidents(session=session, limit=limit + 1, after_id=after_id)
            nodes = {node.id: node for node in await load_incidents(session, rows[:limit])}
        return IncidentConnection.of(rows, limit=limit, after=after_id, kind=INCIDENT_CURSOR, key=lambda row: row.id,
                                     node=lambda row: nodes[row.id])

    @strawberry.field(permission_classes=[IsAdmin], description="One personal data breach with its proof, or null.")
    async def incident(self, info: Info, id: int) -> Incident | None:
        if not is_stored_number(id):
            return None
        async with info.context.db.session() as session:
            row = await incidents.get_incident(session=session, incident_id=id)
            return (await load_incidents(session, [row]))[0] if row else None

    @strawberry.field(permission_classes=[IsAdmin], description=(
        "Affected customers of a notified incident whose notice has not left yet or failed, by customer id."))
    async def incident_not_reached(self, info: Info, incident_id: int, first: int | None = None,
                                   after: str | None = None) -> IncidentNotReachedConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(NOT_REACHED_CURSOR, after)
        if not is_stored_number(incident_id):
            rows, names = [], {}
        else:
            async with info.context.db.session() as session:
                rows = await incident_mail.not_reached(session=session, incident_id=incident_id, limit=limit + 1,
                                                       after_customer_id=after_id)
                names = {c.id: c.name for c in await customers.customers_by_id(
                    session=session, customer_ids=[row.notice.customer_id for row in rows])}
        return IncidentNotReachedConnection.of(
            rows, limit=limit, after=after_id, kind=NOT_REACHED_CURSOR, key=lambda row: row.notice.customer_id,
            node=lambda row: IncidentNotReached(
                customer_id=row.notice.customer_id, customer_name=names.get(row.notice.customer_id, ""),
                status=NotificationStatus(row.status) if row.status else None, last_error=row.last_error))
