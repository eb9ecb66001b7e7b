import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import in_transaction
from schema.mutations.file_objection import ObjectionPayload
from schema.permissions import IsCustomer
from schema.types.customers import Objection


@strawberry.mutation(permission_classes=[IsCustomer], description="Take back your own objection.")
async def withdraw_objection(info: Info, id: int) -> ObjectionPayload:
    principal = info.context.principal
    objection = await in_transaction(info, flows.withdraw_objection_and_tell, customer_id=principal.customer_id,
                                     objection_id=id, actor=principal.name)
    return ObjectionPayload(objection=Objection.from_domain(objection))
