import strawberry
from strawberry.types import Info

from notifications.subscriptions import service as subscriptions
from schema.mutations.base import in_transaction, ok_payload

ConfirmSubscriptionPayload = ok_payload("ConfirmSubscriptionPayload")


@strawberry.mutation(description="Confirm a subscription with the token from the confirmation email.")
async def confirm_subscription(info: Info, token: str) -> ConfirmSubscriptionPayload:
    await in_transaction(info, subscriptions.confirm_subscription, settings=info.context.settings, token=token)
    return ConfirmSubscriptionPayload(ok=True)
