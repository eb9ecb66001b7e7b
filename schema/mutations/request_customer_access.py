import strawberry
from strawberry.types import Info

from notifications.customers import service as customer_mail
from schema.types.common import UserError


@strawberry.type
class RequestCustomerAccessPayload:
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(description=(
    "Email a 24-hour access link to a customer's notice contact. Every valid address gets the same answer."))
async def request_customer_access(info: Info, email: str) -> RequestCustomerAccessPayload:
    request = info.context.request
    async with info.context.db.transaction() as session:
        await customer_mail.request_customer_access(
            session=session, settings=info.context.settings, email=email,
            client=request.client.host if request.client else "unknown")
    return RequestCustomerAccessPayload(ok=True)
