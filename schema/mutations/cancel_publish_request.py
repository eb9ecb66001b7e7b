import strawberry
from strawberry.types import Info

from registry.publish_requests import service as publish_requests
from schema.mutations.base import in_transaction
from schema.mutations.reject_publish_request import PublishRequestPayload
from schema.permissions import IsAdmin
from schema.types.publish_requests import PublishRequest


@strawberry.mutation(permission_classes=[IsAdmin], description="Withdraw your own open publish request.")
async def cancel_publish_request(info: Info, request_id: int) -> PublishRequestPayload:
    request = await in_transaction(info, publish_requests.cancel, actor=info.context.actor, request_id=request_id)
    return PublishRequestPayload(publish_request=PublishRequest.from_domain(
        request, approvals_needed=info.context.settings.publish_approvals))
