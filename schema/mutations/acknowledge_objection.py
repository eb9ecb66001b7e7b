import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import in_transaction
from schema.mutations.file_objection import ObjectionPayload
from schema.permissions import IsAdmin
from schema.types.customers import Objection


@strawberry.mutation(permission_classes=[IsAdmin], description="Mark an objection as being handled.")
async def acknowledge_objection(info: Info, id: int) -> ObjectionPayload:
    objection = await in_transaction(info, flows.acknowledge_objection_and_tell, actor=info.context.actor,
                                     objection_id=id)
    return ObjectionPayload(objection=Objection.from_domain(objection))
