import strawberry
from strawberry.types import Info

from notifications.subscriptions import service as subscriptions
from schema.types.common import Language, UserError


@strawberry.input
class SubscribeInput:
    email: str
    language: Language = Language.DA


@strawberry.type(description="The same answer whatever the address's state: check your inbox.")
class SubscribePayload:
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def client_address(info: Info) -> str:
    client = info.context.request.client
    return client.host if client else "unknown"


@strawberry.mutation(description="Ask for change notices by email; a confirmation link is sent (double opt-in).")
async def subscribe(info: Info, input: SubscribeInput) -> SubscribePayload:
    async with info.context.db.transaction() as session:
        await subscriptions.request_subscription(session=session, settings=info.context.settings,
                                                 email=input.email, language=input.language.value,
                                                 client=client_address(info))
    return SubscribePayload(ok=True)
