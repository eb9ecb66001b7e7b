import strawberry
from strawberry.types import Info

from notifications.outbox import service as outbox
from schema.permissions import IsAdmin
from schema.types.common import UserError


@strawberry.type
class RedriveNotificationPayload:
    requeued: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin],
                     description="Queue dead-lettered notifications again: one by id, or all of a version's.")
async def redrive_notification(info: Info, id: int | None = None,
                               version_number: int | None = None) -> RedriveNotificationPayload:
    async with info.context.db.transaction() as session:
        count = await outbox.redrive(session=session, actor=info.context.actor, notification_id=id,
                                     version_number=version_number)
    return RedriveNotificationPayload(requeued=count)
