"""Webhook endpoints and their delivery log."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from notifications.webhooks import service as webhooks
from notifications.webhooks.models import BodyFormat as DomainFormat
from notifications.webhooks.models import DeliveryStatus as DomainStatus
from notifications.webhooks.models import EventType as DomainEvent
from notifications.webhooks.models import WebhookEndpoint as DomainEndpoint
from schema.pagination import Connection, decode_cursor, page_size
from schema.types.common import FromDomain, Language

WebhookEvent = strawberry.enum(DomainEvent, name="WebhookEvent",
                               description="What an endpoint may ask to hear of; JSON payloads name it in lower case "
                                           "with a dot, e.g. version.published.")
WebhookFormat = strawberry.enum(DomainFormat, name="WebhookFormat",
                                description="STANDARD: signed JSON (Standard Webhooks); SLACK, TEAMS: a chat message.")
WebhookDeliveryStatus = strawberry.enum(DomainStatus, name="WebhookDeliveryStatus",
                                        description="How far a delivery got.")
DELIVERY_CURSOR = "webhook-delivery"
ENDPOINT_CURSOR = "webhook"


@strawberry.type(description="One event to one endpoint: the same webhookId on every attempt.")
class WebhookDelivery(FromDomain):
    id: int
    webhook_id: str = strawberry.field(description="The webhook-id header; a receiver drops a repeat of one it saw.")
    event_type: str = strawberry.field(description="e.g. version.published, or webhook.verification.")
    status: WebhookDeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    response_code: int | None = strawberry.field(description="The endpoint's HTTP status at the last attempt.")
    latency_ms: int | None = strawberry.field(description="How long the last attempt took, in milliseconds.")
    last_error: str | None


@strawberry.type(description="An endpoint's deliveries, newest first.")
class WebhookDeliveryConnection(Connection[WebhookDelivery]):
    pass


@strawberry.type(description="A customer's webhook endpoint. Its secret is shown only when made.")
class WebhookEndpoint(FromDomain):
    id: int
    customer_id: int
    url: str
    event_types: list[WebhookEvent]
    format: WebhookFormat
    language: Language = strawberry.field(description="The language of a chat message's words.")
    verified_at: datetime | None = strawberry.field(
        description="When the endpoint answered its verification request; nothing else is sent before.")
    previous_secret_until: datetime | None = strawberry.field(
        description="After a rotation, until when the old secret still signs beside the new one.")
    failures: int = strawberry.field(description="Failed attempts in a row; the circuit opens at the configured number.")
    paused_until: datetime | None = strawberry.field(description="The circuit is open: nothing is sent until then.")
    created_at: datetime

    @classmethod
    def of(cls, endpoint: DomainEndpoint) -> "WebhookEndpoint":
        return cls.from_domain(endpoint, event_types=[DomainEvent(e) for e in endpoint.event_types],
                               format=DomainFormat(endpoint.body_format), language=Language(endpoint.language))

    @strawberry.field(description="The delivery log, newest first, a page at a time.")
    async def deliveries(self, info: Info, first: int | None = None,
                         after: str | None = None) -> WebhookDeliveryConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(DELIVERY_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await webhooks.deliveries(session=session, endpoint_id=self.id, limit=limit + 1, after_id=after_id)
        return WebhookDeliveryConnection.of(rows, limit=limit, after=after_id, kind=DELIVERY_CURSOR,
                                            key=lambda row: row.id, node=WebhookDelivery.from_domain)


@strawberry.type(description="Webhook endpoints, oldest first.")
class WebhookEndpointConnection(Connection[WebhookEndpoint]):
    pass
