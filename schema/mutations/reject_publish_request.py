import strawberry
from strawberry.types import Info

from registry.publish_requests import service as publish_requests
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.publish_requests import PublishRequest

PublishRequestPayload = payload("PublishRequestPayload", "publish_request", PublishRequest | None)


@strawberry.mutation(permission_classes=[IsAdmin], description=(
    "Refuse another admin's open publish request, saying why; nothing is published."))
async def reject_publish_request(info: Info, request_id: int, reason: str) -> PublishRequestPayload:
    request = await in_transaction(info, publish_requests.reject, actor=info.context.actor, request_id=request_id,
                                   reason=reason)
    return PublishRequestPayload(publish_request=PublishRequest.from_domain(
        request, approvals_needed=info.context.settings.publish_approvals))
