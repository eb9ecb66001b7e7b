from datetime import datetime

import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import payload
from schema.mutations.registry_change import publish_or_approve
from schema.permissions import IsAdmin
from schema.types.publish_requests import PublishRequest
from schema.types.versions import RegistryVersion


@strawberry.input
class PublishVersionInput:
    note: str = strawberry.field(description="What changes and why; shown to customers.")
    notice_days: int | None = strawberry.field(default=None, description="Days until it takes effect.")
    effective_at: datetime | None = strawberry.field(default=None, description="Or an explicit instant.")


PublishVersionPayload = payload(
    "PublishVersionPayload", "version", RegistryVersion | None, field_description="The version published, if it was.",
    also={"publish_request": (PublishRequest | None, "The request recorded instead, when approvals are required.")})


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Publish the draft as the next version; with REGISTRY_PUBLISH_APPROVALS above 0, record a publish request "
    "with its notice preview instead, for other admins to approve (approveVersion)."))
async def publish_version(info: Info, input: PublishVersionInput) -> PublishVersionPayload:
    request, version = await publish_or_approve(info, flows.publish_or_request, settings=info.context.settings,
                                                actor=info.context.actor, note=input.note,
                                                notice_days=input.notice_days, effective_at=input.effective_at)
    return PublishVersionPayload(version=version, publish_request=request)
