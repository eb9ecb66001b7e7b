import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from schema.mutations.base import in_transaction, ok_payload
from schema.permissions import IsCustomer

AcknowledgeNoticePayload = ok_payload("AcknowledgeNoticePayload")


@strawberry.mutation(permission_classes=[IsCustomer],
                     description="Confirm you have read the notice of a version; no reminder follows.")
async def acknowledge_notice(info: Info, version_number: int) -> AcknowledgeNoticePayload:
    principal = info.context.principal
    await in_transaction(info, customers.acknowledge_notice, customer_id=principal.customer_id,
                         version_number=version_number, actor=principal.name)
    return AcknowledgeNoticePayload(ok=True)
