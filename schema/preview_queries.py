"""The admins' preview of the notices publishing the draft would send."""

from dataclasses import replace
from datetime import datetime

import strawberry
from strawberry.types import Info

from notifications.preview import preview_draft
from registry.errors import RegistryError
from schema.errors import InvalidArgument
from schema.permissions import IsAdmin
from schema.types.common import aware, camel
from schema.types.preview import DraftNoticePreview


@strawberry.type
class PreviewQuery:
    @strawberry.field(permission_classes=[IsAdmin], description=(
        "Every email publishing the draft now with this note and notice would send, per audience and language, "
        "with recipient counts. Takes the arguments of publishVersion; writes and sends nothing."))
    async def draft_notice_preview(self, info: Info, note: str, notice_days: int | None = None,
                                   effective_at: datetime | None = None) -> DraftNoticePreview:
        try:
            async with info.context.db.session() as session:
                preview = await preview_draft(session=session, settings=info.context.settings, note=note,
                                              notice_days=notice_days,
                                              effective_at=aware(effective_at, "effectiveAt"))
        except RegistryError as error:
            problem = error.problems[0]
            raise InvalidArgument(replace(problem, field=camel(problem.field))) from None
        return DraftNoticePreview.from_domain(preview)
