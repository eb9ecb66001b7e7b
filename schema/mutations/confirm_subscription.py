import strawberry
from strawberry.types import Info

from notifications.subscriptions import service as subscriptions
from schema.types.common import UserError


@strawberry.type
class ConfirmSubscriptionPayload:
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(description="Confirm a subscription with the token from the confirmation email.")
async def confirm_subscription(info: Info, token: str) -> ConfirmSubscriptionPayload:
    async with info.context.db.transaction() as session:
        await subscriptions.confirm_subscription(session=session, settings=info.context.settings, token=token)
    return ConfirmSubscriptionPayload(ok=True)
