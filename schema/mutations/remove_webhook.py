import strawberry
from strawberry.types import Info

from notifications.webhooks import service as webhooks
from schema.mutations.base import in_transaction, ok_payload
from schema.permissions import IsCustomerOrAdmin, customer_scope

RemoveWebhookPayload = ok_payload("RemoveWebhookPayload")


@strawberry.mutation(permission_classes=[IsCustomerOrAdmin],
                     description="Stop sending to an endpoint; what is queued for it is cancelled, its log kept.")
async def remove_webhook(info: Info, id: int) -> RemoveWebhookPayload:
    await in_transaction(info, webhooks.remove_endpoint, actor=info.context.actor, endpoint_id=id,
                         customer_id=customer_scope(info, None))
    return RemoveWebhookPayload(ok=True)
