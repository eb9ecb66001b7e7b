import strawberry
from strawberry.types import Info

from notifications.customers import service as customer_mail
from registry.errors import RegistryError
from registry.objections import service as objections
from registry.objections.models import ObjectionOutcome as DomainOutcome
from schema.mutations.file_objection import ObjectionPayload
from schema.permissions import IsAdmin
from schema.types.common import user_errors
from schema.types.customers import Objection, ObjectionOutcome


@strawberry.input
class ResolveObjectionInput:
    id: int
    outcome: ObjectionOutcome
    note: str = strawberry.field(description="Sent to the customer.")


@strawberry.mutation(permission_classes=[IsAdmin], description="Close an objection with its outcome.")
async def resolve_objection(info: Info, input: ResolveObjectionInput) -> ObjectionPayload:
    try:
        async with info.context.db.transaction() as session:
            objection = await objections.resolve_objection(
                session=session, actor=info.context.actor, objection_id=input.id,
                outcome=DomainOutcome(input.outcome.value), note=input.note)
            await customer_mail.objection_resolved(session=session, objection=objection)
    except RegistryError as error:
        return ObjectionPayload(user_errors=user_errors(error))
    return ObjectionPayload(objection=Objection.from_domain(objection))
