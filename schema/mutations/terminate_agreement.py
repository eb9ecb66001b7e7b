import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from registry.customers.models import TerminationChoice as DomainChoice
from schema.permissions import IsAdmin
from schema.types.common import UserError
from schema.types.customers import Agreement, TerminationChoice


@strawberry.type
class AgreementPayload:
    agreement: Agreement | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin],
                     description="End an agreement with the customer's choice: return or deletion of their data.")
async def terminate_agreement(info: Info, id: int, choice: TerminationChoice) -> AgreementPayload:
    async with info.context.db.transaction() as session:
        agreement = await customers.terminate_agreement(session=session, actor=info.context.actor,
                                                        agreement_id=id, choice=DomainChoice(choice.value))
    return AgreementPayload(agreement=Agreement.from_domain(agreement))
