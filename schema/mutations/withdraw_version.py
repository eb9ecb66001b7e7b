from functools import partial

import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.registry_change import change_registry
from schema.permissions import IsAdmin
from schema.types.common import UserError
from schema.types.versions import RegistryVersion


@strawberry.type
class WithdrawVersionPayload:
    version: RegistryVersion | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin], description="Withdraw a pending version; it never takes effect.")
async def withdraw_version(info: Info, number: int, reason: str) -> WithdrawVersionPayload:
    withdraw = partial(flows.withdraw_and_notify, actor=info.context.actor, number=number, reason=reason)
    return WithdrawVersionPayload(version=await change_registry(info, withdraw))
