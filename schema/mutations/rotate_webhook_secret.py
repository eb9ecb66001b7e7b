import strawberry
from strawberry.types import Info

from notifications.webhooks import service as webhooks
from schema.mutations.base import in_transaction
from schema.mutations.register_webhook import WebhookSecretPayload
from schema.permissions import IsCustomerOrAdmin, customer_scope
from schema.types.webhooks import WebhookEndpoint


@strawberry.mutation(permission_classes=[IsCustomerOrAdmin], description=(
    "A new secret, shown this once. The old one keeps signing beside it (two v1 signatures) for overlapHours."))
async def rotate_webhook_secret(info: Info, id: int, overlap_hours: int = 24) -> WebhookSecretPayload:
    endpoint, secret = await in_transaction(info, webhooks.rotate_secret, actor=info.context.actor, endpoint_id=id,
                                            overlap_hours=overlap_hours, customer_id=customer_scope(info, None))
    return WebhookSecretPayload(endpoint=WebhookEndpoint.of(endpoint), secret=secret)
