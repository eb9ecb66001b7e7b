from datetime import datetime

import strawberry
from strawberry.types import Info

from notifications import flows
from schema.mutations.base import payload
from schema.mutations.registry_change import change_registry
from schema.permissions import IsAdmin
from schema.types.versions import RegistryVersion


@strawberry.input
class PublishVersionInput:
    note: str = strawberry.field(description="What changes and why; shown to customers.")
    notice_days: int | None = strawberry.field(default=None, description="Days until it takes effect.")
    effective_at: datetime | None = strawberry.field(default=None, description="Or an explicit instant.")


PublishVersionPayload = payload("PublishVersionPayload", "version", RegistryVersion | None)


@strawberry.mutation(permission_classes=[IsAdmin], description="Publish the draft as the next version.")
async def publish_version(info: Info, input: PublishVersionInput) -> PublishVersionPayload:
    version = await change_registry(info, flows.publish_and_notify, settings=info.context.settings,
                                    actor=info.context.actor, note=input.note,
                                    notice_days=input.notice_days, effective_at=input.effective_at,
                                    min_notice_days=info.context.settings.min_notice_days)
    return PublishVersionPayload(version=version)
