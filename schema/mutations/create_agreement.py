from datetime import datetime

import strawberry
from strawberry.types import Info

from registry.customers import service as customers
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.customers import Agreement


@strawberry.input
class CreateAgreementInput:
    customer_id: int
    template_version: int
    services: list[str] = strawberry.field(default_factory=list, description="The services chosen; empty: all.")
    notice_days: int | None = strawberry.field(default=None, description="Default REGISTRY_MIN_NOTICE_DAYS.")
    accepted_at: datetime | None = strawberry.field(default=None, description="Default now.")


CreateAgreementPayload = payload("CreateAgreementPayload", "agreement", Agreement | None)


@strawberry.mutation(permission_classes=[IsAdmin], description="Record a customer's acceptance of an agreement.")
async def create_agreement(info: Info, input: CreateAgreementInput) -> CreateAgreementPayload:
    agreement = await in_transaction(
        info, customers.create_agreement, actor=info.context.actor, customer_id=input.customer_id,
        template_version=input.template_version, accepted_at=input.accepted_at, services=input.services,
        notice_days=input.notice_days, min_notice_days=info.context.settings.min_notice_days)
    return CreateAgreementPayload(agreement=Agreement.from_domain(agreement))
