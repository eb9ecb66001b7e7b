import strawberry
from strawberry.types import Info

from notifications.customers import service as customer_mail
from schema.mutations.base import client_address, in_transaction, ok_payload

RequestCustomerAccessPayload = ok_payload("RequestCustomerAccessPayload")


@strawberry.mutation(description=(
    "Email a 24-hour access link to a customer's notice contact. Every valid address gets the same answer."))
async def request_customer_access(info: Info, email: str) -> RequestCustomerAccessPayload:
    await in_transaction(info, customer_mail.request_customer_access, settings=info.context.settings, email=email,
                         client=client_address(info))
    return RequestCustomerAccessPayload(ok=True)
