"""Admin reads of the notification outbox: proof of notice per version."""

import strawberry
from strawberry.types import Info

from notifications.outbox import service as outbox
from schema.errors import BadInput
from schema.permissions import IsAdmin
from schema.types.notifications import NoticeRecipient, NoticeReport, NoticeTotals


@strawberry.type
class NotificationQuery:
    @strawberry.field(permission_classes=[IsAdmin],
                      description="Proof of notice: every recipient of a version's notices, with totals.")
    async def notice_report(self, info: Info, version_number: int, first: int | None = None,
                            after: int | None = None) -> NoticeReport:
        cap = info.context.settings.max_page_size
        if first is not None and not 0 < first <= cap:
            raise BadInput(f"first must be between 1 and {cap}.")
        limit = first or cap
        async with info.context.db.session() as session:
            counts = await outbox.status_counts(session=session, version_number=version_number)
            rows = await outbox.version_recipients(session=session, version_number=version_number, limit=limit + 1,
                                                   after_id=after)
        page = rows[:limit]
        return NoticeReport(version_number=version_number, totals=NoticeTotals.from_counts(counts),
                            recipients=[NoticeRecipient.from_domain(row) for row in page],
                            end_cursor=page[-1].id if len(rows) > limit else None)
