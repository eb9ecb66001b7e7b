import strawberry
from strawberry.types import Info

from notifications import flows
from schema.incident_queries import load_incidents
from schema.mutations.base import payload
from schema.permissions import IsAdmin
from schema.types.incidents import Incident


@strawberry.input
class NotifyIncidentInput:
    id: int


NotifyIncidentPayload = payload("NotifyIncidentPayload", "incident", Incident | None)


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Send the breach notice to every notice contact of every affected customer at once, in their language."))
async def notify_incident(info: Info, input: NotifyIncidentInput) -> NotifyIncidentPayload:
    async with info.context.db.transaction() as session:
        incident = await flows.notify_incident(session=session, actor=info.context.actor, incident_id=input.id)
        return NotifyIncidentPayload(incident=(await load_incidents(session, [incident]))[0])
