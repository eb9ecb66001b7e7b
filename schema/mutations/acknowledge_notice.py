import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from registry.errors import RegistryError
from schema.permissions import IsCustomer
from schema.types.common import UserError, user_errors


@strawberry.type
class AcknowledgeNoticePayload:
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsCustomer],
                     description="Confirm you have read the notice of a version; no reminder follows.")
async def acknowledge_notice(info: Info, version_number: int) -> AcknowledgeNoticePayload:
    principal = info.context.principal
    try:
        async with info.context.db.transaction() as session:
            await customers.acknowledge_notice(session=session, customer_id=principal.customer_id,
                                               version_number=version_number, actor=principal.name)
    except RegistryError as error:
        return AcknowledgeNoticePayload(user_errors=user_errors(error))
    return AcknowledgeNoticePayload(ok=True)
