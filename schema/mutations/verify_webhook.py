import strawberry
from strawberry.types import Info

from notifications.webhooks import service as webhooks
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsCustomerOrAdmin, customer_scope
from schema.types.webhooks import WebhookEndpoint

WebhookPayload = payload("WebhookPayload", "endpoint", WebhookEndpoint | None)


@strawberry.mutation(permission_classes=[IsCustomerOrAdmin],
                     description="Verify a chat endpoint with the code its verification message showed.")
async def verify_webhook(info: Info, id: int, challenge: str) -> WebhookPayload:
    endpoint = await in_transaction(info, webhooks.confirm_endpoint, endpoint_id=id, challenge=challenge,
                                    customer_id=customer_scope(info, None))
    return WebhookPayload(endpoint=WebhookEndpoint.of(endpoint))
