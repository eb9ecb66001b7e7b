from datetime import datetime

import strawberry
from strawberry.types import Info

from registry.legal_requirements import service as legal_requirements
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.legal_requirements import LegalRequirement


@strawberry.input(description="A requirement of law to process outside the agreement, and the customers it concerns: "
                              "those whose active agreements cover any of `services`, and those named one by one.")
class RecordLegalRequirementInput:
    legal_basis: str
    authority: str
    processing: str
    starts_at: datetime
    services: list[str] = strawberry.field(default_factory=list)
    customer_ids: list[int] = strawberry.field(default_factory=list)


LegalRequirementPayload = payload("LegalRequirementPayload", "legal_requirement", LegalRequirement | None)


@strawberry.mutation(permission_classes=[IsAdmin], description="Record a legal requirement; nothing is sent yet.")
async def record_legal_requirement(info: Info, input: RecordLegalRequirementInput) -> LegalRequirementPayload:
    requirement = await in_transaction(
        info, legal_requirements.record_legal_requirement, actor=info.context.actor, legal_basis=input.legal_basis,
        authority=input.authority, processing=input.processing, starts_at=input.starts_at, services=input.services,
        customer_ids=input.customer_ids)
    return LegalRequirementPayload(legal_requirement=LegalRequirement.from_domain(requirement))
