import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from schema.mutations.base import in_transaction
from schema.mutations.terminate_agreement import AgreementPayload
from schema.permissions import IsAdmin
from schema.types.customers import Agreement


@strawberry.mutation(permission_classes=[IsAdmin],
                     description="Record the documentation that a terminated customer's data was deleted or returned.")
async def document_deletion(info: Info, id: int, documentation: str) -> AgreementPayload:
    agreement = await in_transaction(info, customers.document_deletion, actor=info.context.actor, agreement_id=id,
                                     documentation=documentation)
    return AgreementPayload(agreement=Agreement.from_domain(agreement))
