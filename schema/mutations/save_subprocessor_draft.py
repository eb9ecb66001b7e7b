import strawberry
from strawberry.types import Info

from registry.subprocessors import service as drafts
from schema.permissions import IsAdmin
from schema.types.common import UserError
from schema.types.subprocessors import Subprocessor, SubprocessorInput


@strawberry.type
class SaveSubprocessorDraftPayload:
    subprocessor: Subprocessor | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.mutation(permission_classes=[IsAdmin], description="Add or replace a sub-processor in the draft.")
async def save_subprocessor_draft(info: Info, input: SubprocessorInput) -> SaveSubprocessorDraftPayload:
    data = {k: v for k, v in vars(input).items() if k != "previous_slug"}
    entry = drafts.parse_entry(data)
    async with info.context.db.transaction() as session:
        saved = await drafts.save_draft_entry(session=session, actor=info.context.actor, entry=entry,
                                              previous_slug=input.previous_slug)
    return SaveSubprocessorDraftPayload(subprocessor=Subprocessor.from_entry(saved))
