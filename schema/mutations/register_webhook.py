import strawberry
from strawberry.types import Info

from notifications.webhooks import service as webhooks
from registry.errors import ErrorCode, RegistryError
from schema.mutations.base import in_transaction
from schema.permissions import IsCustomerOrAdmin, customer_scope
from schema.types.common import Language, UserError
from schema.types.webhooks import WebhookEndpoint, WebhookEvent, WebhookFormat


@strawberry.input
class RegisterWebhookInput:
    customer_id: int | None = strawberry.field(default=None, description="Admins: whose endpoint. Customers: ignored.")
    url: str = strawberry.field(description="https (http only to hosts the operator allows).")
    event_types: list[WebhookEvent]
    format: WebhookFormat = WebhookFormat.STANDARD
    language: Language = strawberry.field(default=Language.EN, description="Of a chat message's words.")


@strawberry.type(description="The endpoint and its secret, shown this once; nothing is sent before it is verified.")
class WebhookSecretPayload:
    endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(default=None, description='"whsec_…": keep it; it is never shown again.')
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsCustomerOrAdmin], description=(
    "Register a webhook endpoint. A STANDARD endpoint is verified when it answers the signed webhook.verification "
    'request with {"challenge": <data.challenge>}; a chat endpoint gets a code to give to verifyWebhook.'))
async def register_webhook(info: Info, input: RegisterWebhookInput) -> WebhookSecretPayload:
    customer_id = customer_scope(info, input.customer_id)
    if customer_id is None:
        raise RegistryError.one("Say whose endpoint it is.", ErrorCode.REQUIRED, "customerId")
    endpoint, secret = await in_transaction(
        info, webhooks.register_endpoint, settings=info.context.settings, actor=info.context.actor,
        customer_id=customer_id, url=input.url, event_types=[event.value for event in input.event_types],
        body_format=input.format.value, language=input.language.value)
    return WebhookSecretPayload(endpoint=WebhookEndpoint.of(endpoint), secret=secret)
