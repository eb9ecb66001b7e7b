import strawberry
from strawberry.types import Info

from registry.legal_requirements import service as legal_requirements
from schema.mutations.base import in_transaction
from schema.mutations.record_legal_requirement import LegalRequirementPayload
from schema.permissions import IsAdmin
from schema.types.legal_requirements import LegalRequirement


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Record that the law forbids telling the customers of a requirement, and why: nothing is ever sent for it."))
async def record_legal_requirement_secrecy(info: Info, id: int, reason: str) -> LegalRequirementPayload:
    requirement = await in_transaction(info, legal_requirements.record_secrecy, actor=info.context.actor,
                                       requirement_id=id, reason=reason)
    return LegalRequirementPayload(legal_requirement=LegalRequirement.from_domain(requirement))
