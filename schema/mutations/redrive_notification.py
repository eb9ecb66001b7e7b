import strawberry
from strawberry.types import Info

from notifications.outbox import service as outbox
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin

RedriveNotificationPayload = payload("RedriveNotificationPayload", "requeued", int, default=0)


@strawberry.mutation(permission_classes=[IsAdmin],
                     description="Queue dead-lettered notifications again: one by id, or all of a version's.")
async def redrive_notification(info: Info, id: int | None = None,
                               version_number: int | None = None) -> RedriveNotificationPayload:
    count = await in_transaction(info, outbox.redrive, actor=info.context.actor, notification_id=id,
                                 version_number=version_number)
    return RedriveNotificationPayload(requeued=count)
