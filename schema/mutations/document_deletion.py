import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from schema.mutations.terminate_agreement import AgreementPayload
from schema.permissions import IsAdmin
from schema.types.customers import Agreement


@strawberry.mutation(permission_classes=[IsAdmin],
                     description="Record the documentation that a terminated customer's data was deleted or returned.")
async def document_deletion(info: Info, id: int, documentation: str) -> AgreementPayload:
    async with info.context.db.transaction() as session:
        agreement = await customers.document_deletion(session=session, actor=info.context.actor,
                                                      agreement_id=id, documentation=documentation)
    return AgreementPayload(agreement=Agreement.from_domain(agreement))
