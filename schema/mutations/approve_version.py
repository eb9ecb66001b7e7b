import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import payload
from schema.mutations.registry_change import publish_or_approve
from schema.permissions import IsAdmin
from schema.types.publish_requests import PublishRequest
from schema.types.versions import RegistryVersion

ApproveVersionPayload = payload(
    "ApproveVersionPayload", "publish_request", PublishRequest | None, field_description="The request approved.",
    also={"version": (RegistryVersion | None, "The version published, once this approval made enough.")})


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Approve another admin's open publish request; the approval that makes REGISTRY_PUBLISH_APPROVALS publishes "
    "it. Refused for the requester (NOT_ALLOWED) and once the draft changed after the request (STALE)."))
async def approve_version(info: Info, request_id: int) -> ApproveVersionPayload:
    request, version = await publish_or_approve(info, flows.approve_and_publish, settings=info.context.settings,
                                                actor=info.context.actor, request_id=request_id)
    return ApproveVersionPayload(publish_request=request, version=version)
