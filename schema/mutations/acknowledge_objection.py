import strawberry
from strawberry.types import Info

from registry.objections import service as objections
from schema.mutations.file_objection import ObjectionPayload
from schema.permissions import IsAdmin
from schema.types.customers import Objection


@strawberry.mutation(permission_classes=[IsAdmin], description="Mark an objection as being handled.")
async def acknowledge_objection(info: Info, id: int) -> ObjectionPayload:
    async with info.context.db.transaction() as session:
        objection = await objections.acknowledge_objection(session=session, actor=info.context.actor,
                                                           objection_id=id)
    return ObjectionPayload(objection=Objection.from_domain(objection))
