import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from registry.customers.models import TerminationChoice as DomainChoice
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.customers import Agreement, TerminationChoice

AgreementPayload = payload("AgreementPayload", "agreement", Agreement | None)


@strawberry.mutation(permission_classes=[IsAdmin],
                     description="End an agreement with the customer's choice: return or deletion of their data.")
async def terminate_agreement(info: Info, id: int, choice: TerminationChoice) -> AgreementPayload:
    agreement = await in_transaction(info, customers.terminate_agreement, actor=info.context.actor, agreement_id=id,
                                     choice=DomainChoice(choice.value))
    return AgreementPayload(agreement=Agreement.from_domain(agreement))
