"""Webhook endpoints: a customer reads their own, an admin anyone's."""

import strawberry
from strawberry.types import Info

from notifications.webhooks import service as webhooks
from schema.pagination import decode_cursor, page_size
from schema.permissions import IsCustomerOrAdmin, customer_scope
from schema.types.webhooks import ENDPOINT_CURSOR, WebhookEndpoint, WebhookEndpointConnection


@strawberry.type
class WebhookQuery:
    @strawberry.field(permission_classes=[IsCustomerOrAdmin],
                      description="Webhook endpoints with their delivery logs: a customer's own; an admin's of "
                                  "every customer, or of customerId.")
    async def webhook_endpoints(self, info: Info, customer_id: int | None = None, first: int | None = None,
                                after: str | None = None) -> WebhookEndpointConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(ENDPOINT_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await webhooks.list_endpoints(session=session, limit=limit + 1, after_id=after_id,
                                                 customer_id=customer_scope(info, customer_id))
        return WebhookEndpointConnection.of(rows, limit=limit, after=after_id, kind=ENDPOINT_CURSOR,
                                            key=lambda row: row.id, node=WebhookEndpoint.of)
