import strawberry
from strawberry.types import Info

from notifications.outbox.models import NotificationKind
from notifications.subscriptions import audience
from registry.errors import RegistryError
from registry.versions import service as versions
from schema.cache_state import registry_changed
from schema.permissions import IsAdmin
from schema.types.common import UserError, user_errors
from schema.types.versions import RegistryVersion


@strawberry.type
class WithdrawVersionPayload:
    version: RegistryVersion | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin], description="Withdraw a pending version; it never takes effect.")
async def withdraw_version(info: Info, number: int, reason: str) -> WithdrawVersionPayload:
    try:
        async with info.context.db.transaction() as session:
            version = await versions.withdraw_version(session=session, actor=info.context.actor, number=number,
                                                      reason=reason)
            await audience.enqueue_version_notices(session=session, version=version,
                                                   kind=NotificationKind.VERSION_WITHDRAWN)
            view = await versions.get_version(session=session, number=number)
    except RegistryError as error:
        return WithdrawVersionPayload(user_errors=user_errors(error))
    registry_changed(info.context.db)  # committed: this process's next read must not see the old answer
    return WithdrawVersionPayload(version=RegistryVersion.from_view(view))
