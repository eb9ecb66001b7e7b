import strawberry
from strawberry.types import Info

from notifications.webhooks import service as webhooks
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsCustomerOrAdmin, customer_scope

RedriveWebhookDeliveryPayload = payload("RedriveWebhookDeliveryPayload", "requeued", int, default=0)


@strawberry.mutation(permission_classes=[IsCustomerOrAdmin], description=(
    "Queue dead-lettered deliveries again, one by id or all of an endpoint's; each keeps its webhookId."))
async def redrive_webhook_delivery(info: Info, id: int | None = None,
                                   endpoint_id: int | None = None) -> RedriveWebhookDeliveryPayload:
    count = await in_transaction(info, webhooks.redrive, actor=info.context.actor, delivery_id=id,
                                 endpoint_id=endpoint_id, customer_id=customer_scope(info, None))
    return RedriveWebhookDeliveryPayload(requeued=count)
