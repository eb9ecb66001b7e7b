import strawberry
from strawberry.types import Info

from registry.subprocessors import service as drafts
from schema.permissions import IsAdmin
from schema.types.common import UserError
from schema.types.subprocessors import Subprocessor


@strawberry.type
class RemoveSubprocessorDraftPayload:
    subprocessor: Subprocessor | None = strawberry.field(default=None, description="The entry removed.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin], description="Take a sub-processor out of the draft.")
async def remove_subprocessor_draft(info: Info, slug: str) -> RemoveSubprocessorDraftPayload:
    async with info.context.db.transaction() as session:
        removed = await drafts.remove_draft_entry(session=session, actor=info.context.actor, slug=slug)
    return RemoveSubprocessorDraftPayload(subprocessor=Subprocessor.from_entry(removed))
