import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from schema.permissions import IsCustomer
from schema.types.common import UserError


@strawberry.type
class AcknowledgeNoticePayload:
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsCustomer],
                     description="Confirm you have read the notice of a version; no reminder follows.")
async def acknowledge_notice(info: Info, version_number: int) -> AcknowledgeNoticePayload:
    principal = info.context.principal
    async with info.context.db.transaction() as session:
        await customers.acknowledge_notice(session=session, customer_id=principal.customer_id,
                                           version_number=version_number, actor=principal.name)
    return AcknowledgeNoticePayload(ok=True)
