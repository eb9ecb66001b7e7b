import strawberry
from strawberry.types import Info

from registry.subprocessors import service as drafts
from schema.mutations.base import in_transaction, payload
from schema.permissions import IsAdmin
from schema.types.subprocessors import Subprocessor

RemoveSubprocessorDraftPayload = payload("RemoveSubprocessorDraftPayload", "subprocessor", Subprocessor | None,
                                         field_description="The entry removed.")


@strawberry.mutation(permission_classes=[IsAdmin], description="Take a sub-processor out of the draft.")
async def remove_subprocessor_draft(info: Info, slug: str) -> RemoveSubprocessorDraftPayload:
    removed = await in_transaction(info, drafts.remove_draft_entry, actor=info.context.actor, slug=slug)
    return RemoveSubprocessorDraftPayload(subprocessor=Subprocessor.from_entry(removed))
