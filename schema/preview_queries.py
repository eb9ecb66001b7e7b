"""The admins' preview of the notices publishing the draft would send."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from notifications.preview import preview_draft
from schema.permissions import IsAdmin
from schema.types.common import aware
from schema.types.preview import DraftNoticePreview


@strawberry.type
class PreviewQuery:
    @strawberry.field(permission_classes=[IsAdmin], description=(
        "Every email publishing the draft now with this note and notice would send, per audience and language, "
        "with recipient counts. Takes the arguments of publishVersion; writes and sends nothing."))
    async def draft_notice_preview(self, info: Info, note: str, notice_days: int | None = None,
                                   effective_at: datetime | None = None) -> DraftNoticePreview:
        async with info.context.db.session() as session:
            preview = await preview_draft(session=session, settings=info.context.settings, note=note,
                                          notice_days=notice_days, effective_at=aware(effective_at, "effectiveAt"))
        return DraftNoticePreview.from_domain(preview.shown())
