import strawberry
from strawberry.types import Info

from notifications.subscriptions import service as subscriptions
from registry.customers import service as customers
from schema.permissions import IsAdmin
from schema.types.common import Language, UserError
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


@strawberry.type
class CreateCustomerPayload:
    customer: Customer | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin], description="Register a customer and its notice contacts.")
async def create_customer(info: Info, input: CreateCustomerInput) -> CreateCustomerPayload:
    async with info.context.db.transaction() as session:
        customer, contacts = await customers.create_customer(
            session=session, actor=info.context.actor, name=input.name, cvr=input.cvr,
            contacts=[(c.email, c.language.value) for c in input.contacts])
        # Contacts get notices once they confirm, like every subscriber (double opt-in).
        await subscriptions.subscribe_contacts(session=session,
                                               contacts=[(c.email, c.language) for c in contacts])
    return CreateCustomerPayload(customer=Customer.from_domain(customer, contacts, []))
