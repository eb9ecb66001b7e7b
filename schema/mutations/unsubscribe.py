import strawberry
from strawberry.types import Info

from notifications.subscriptions import service as subscriptions
from schema.types.common import UserError


@strawberry.type
class UnsubscribePayload:
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(description="Stop change notices with the token from any notice's unsubscribe link.")
async def unsubscribe(info: Info, token: str) -> UnsubscribePayload:
    async with info.context.db.transaction() as session:
        await subscriptions.unsubscribe(session=session, settings=info.context.settings, token=token)
    return UnsubscribePayload(ok=True)
