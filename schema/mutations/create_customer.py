import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.common import Language
from schema.types.customers import Customer


@strawberry.input
class NoticeContactInput:
    email: str
    language: Language = Language.DA


@strawberry.input
class CreateCustomerInput:
    name: str
    cvr: str | None = strawberry.field(default=None, description="Danish CVR number, 8 digits.")
    contacts: list[NoticeContactInput] = strawberry.field(default_factory=list)


CreateCustomerPayload = payload("CreateCustomerPayload", "customer", Customer | None)


@strawberry.mutation(permission_classes=[IsAdmin], description="Register a customer and its notice contacts.")
async def create_customer(info: Info, input: CreateCustomerInput) -> CreateCustomerPayload:
    customer, contacts = await in_transaction(
        info, flows.register_customer_and_ask_contacts, actor=info.context.actor, name=input.name, cvr=input.cvr,
        contacts=[(c.email, c.language.value) for c in input.contacts])
    return CreateCustomerPayload(customer=Customer.from_domain(customer, contacts, []))
