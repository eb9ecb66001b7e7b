import strawberry
from strawberry.types import Info

from registry.subprocessors import service as drafts
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.subprocessors import Subprocessor, SubprocessorInput

SaveSubprocessorDraftPayload = payload("SaveSubprocessorDraftPayload", "subprocessor", Subprocessor | None)


@strawberry.mutation(permission_classes=[IsAdmin], description="Add or replace a sub-processor in the draft.")
async def save_subprocessor_draft(info: Info, input: SubprocessorInput) -> SaveSubprocessorDraftPayload:
    entry = drafts.parse_entry({k: v for k, v in vars(input).items() if k != "previous_slug"})
    saved = await in_transaction(info, drafts.save_draft_entry, actor=info.context.actor, entry=entry,
                                 previous_slug=input.previous_slug)
    return SaveSubprocessorDraftPayload(subprocessor=Subprocessor.from_entry(saved))
