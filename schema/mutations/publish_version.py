from datetime import datetime

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


@strawberry.input
class PublishVersionInput:
    note: str = strawberry.field(description="What changes and why; shown to customers.")
    notice_days: int | None = strawberry.field(default=None, description="Days until it takes effect.")
    effective_at: datetime | None = strawberry.field(default=None, description="Or an explicit instant.")


@strawberry.type
class PublishVersionPayload:
    version: RegistryVersion | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin], description="Publish the draft as the next version.")
async def publish_version(info: Info, input: PublishVersionInput) -> PublishVersionPayload:
    try:
        async with info.context.db.transaction() as session:
            version = await versions.publish_version(
                session=session, actor=info.context.actor, note=input.note, notice_days=input.notice_days,
                effective_at=input.effective_at, min_notice_days=info.context.settings.min_notice_days)
            # Same transaction: a version is never published without its notices, nor they without it.
            await audience.enqueue_version_notices(session=session, version=version,
                                                   kind=NotificationKind.VERSION_PUBLISHED)
            view = await versions.get_version(session=session, number=version.number)
    except RegistryError as error:
        return PublishVersionPayload(user_errors=user_errors(error))
    registry_changed(info.context.db)  # committed: this process's next read must not see the old answer
    return PublishVersionPayload(version=RegistryVersion.from_view(view))
