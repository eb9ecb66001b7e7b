import strawberry
from strawberry.types import Info

from notifications.subscriptions import service as subscriptions
from schema.mutations.base import client_address, in_transaction, ok_payload
from schema.types.common import Language


@strawberry.input
class SubscribeInput:
    email: str
    language: Language = Language.DA
    services: list[str] = strawberry.field(default_factory=list, description=(
        "Hear only of versions that add or materially change a sub-processor used for one of these services "
        "(as the list names them: `subprocessorServices`); empty or left out: every version."))


SubscribePayload = ok_payload("SubscribePayload",
                              description="The same answer whatever the address's state: check your inbox.")


@strawberry.mutation(description="Ask for change notices by email; a confirmation link is sent (double opt-in).")
async def subscribe(info: Info, input: SubscribeInput) -> SubscribePayload:
    await in_transaction(info, subscriptions.request_subscription, settings=info.context.settings, email=input.email,
                         language=input.language.value, client=client_address(info),
                         services=input.services)
    return SubscribePayload(ok=True)
