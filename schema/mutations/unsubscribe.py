import strawberry
from strawberry.types import Info

from notifications.subscriptions import service as subscriptions
from schema.mutations.base import in_transaction, ok_payload

UnsubscribePayload = ok_payload("UnsubscribePayload")


@strawberry.mutation(description="Stop change notices with the token from any notice's unsubscribe link.")
async def unsubscribe(info: Info, token: str) -> UnsubscribePayload:
    await in_transaction(info, subscriptions.unsubscribe, settings=info.context.settings, token=token)
    return UnsubscribePayload(ok=True)
