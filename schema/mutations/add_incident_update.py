import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.incidents import IncidentUpdate


@strawberry.input
class AddIncidentUpdateInput:
    id: int = strawberry.field(description="The incident.")
    text: str = strawberry.field(description="The further information, mailed to the same contacts and kept.")


AddIncidentUpdatePayload = payload("AddIncidentUpdatePayload", "update", IncidentUpdate | None)


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Give further information on a notified breach in phases (Art. 33(4)): kept, and mailed to the same contacts."))
async def add_incident_update(info: Info, input: AddIncidentUpdateInput) -> AddIncidentUpdatePayload:
    update = await in_transaction(info, flows.add_incident_update_and_tell, actor=info.context.actor,
                                  incident_id=input.id, text=input.text)
    return AddIncidentUpdatePayload(update=IncidentUpdate.from_domain(update))
