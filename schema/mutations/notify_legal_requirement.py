import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import in_transaction
from schema.mutations.record_legal_requirement import LegalRequirementPayload
from schema.permissions import IsAdmin
from schema.types.legal_requirements import LegalRequirement


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Send a legal requirement to every notice contact of each customer it concerns, before processing starts; "
    "refused once sent, when secrecy is recorded, or once processing has started."))
async def notify_legal_requirement(info: Info, id: int) -> LegalRequirementPayload:
    requirement = await in_transaction(info, flows.notify_legal_requirement, actor=info.context.actor,
                                       requirement_id=id)
    return LegalRequirementPayload(legal_requirement=LegalRequirement.from_domain(requirement))
