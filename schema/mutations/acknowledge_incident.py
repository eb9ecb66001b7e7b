import strawberry
from strawberry.types import Info

from registry.incidents import service as incidents
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsCustomer
from schema.types.customer_incidents import CustomerIncident


@strawberry.input
class AcknowledgeIncidentInput:
    id: int = strawberry.field(description="The incident, as me { incidents { id } } names it.")


AcknowledgeIncidentPayload = payload("AcknowledgeIncidentPayload", "incident", CustomerIncident | None)


@strawberry.mutation(permission_classes=[IsCustomer], description=(
    "Confirm that you received the notice of a personal data breach. The first confirmation's time is kept; "
    "repeating it changes nothing. Someone else's incident is answered as a missing one."))
async def acknowledge_incident(info: Info, input: AcknowledgeIncidentInput) -> AcknowledgeIncidentPayload:
    principal = info.context.principal
    found = await in_transaction(info, incidents.acknowledge_incident, customer_id=principal.customer_id,
                                 incident_id=input.id, actor=principal.name)
    return AcknowledgeIncidentPayload(incident=CustomerIncident.from_domain(found))
