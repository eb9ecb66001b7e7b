import strawberry
from strawberry.types import Info

from notifications import flows
from registry.objections.models import ObjectionOutcome as DomainOutcome
from schema.mutations.base import in_transaction
from schema.mutations.file_objection import ObjectionPayload
from schema.permissions import IsAdmin
from schema.types.customers import Objection, ObjectionOutcome


@strawberry.input
class ResolveObjectionInput:
    id: int
    outcome: ObjectionOutcome
    note: str = strawberry.field(description="Sent to the customer.")


@strawberry.mutation(permission_classes=[IsAdmin], description="Close an objection with its outcome.")
async def resolve_objection(info: Info, input: ResolveObjectionInput) -> ObjectionPayload:
    objection = await in_transaction(info, flows.resolve_objection_and_tell, actor=info.context.actor,
                                     objection_id=input.id, outcome=DomainOutcome(input.outcome.value),
                                     note=input.note)
    return ObjectionPayload(objection=Objection.from_domain(objection))
