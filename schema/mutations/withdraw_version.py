import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import payload
from schema.mutations.registry_change import change_registry
from schema.permissions import IsAdmin
from schema.types.versions import RegistryVersion

WithdrawVersionPayload = payload("WithdrawVersionPayload", "version", RegistryVersion | None)


@strawberry.mutation(permission_classes=[IsAdmin], description="Withdraw a pending version; it never takes effect.")
async def withdraw_version(info: Info, number: int, reason: str) -> WithdrawVersionPayload:
    version = await change_registry(info, flows.withdraw_and_notify, settings=info.context.settings,
                                    actor=info.context.actor, number=number,
                                    reason=reason)
    return WithdrawVersionPayload(version=version)
