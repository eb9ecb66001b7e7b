"""Admin reads of the notification outbox: proof of notice per version."""

import strawberry

from schema.permissions import IsAdmin
from schema.types.notifications import NoticeReport


@strawberry.type
class NotificationQuery:
    @strawberry.field(permission_classes=[IsAdmin],
                      description="Proof of notice: every recipient of a version's notices, with totals.")
    def notice_report(self, version_number: int) -> NoticeReport:
        return NoticeReport(version_number=version_number)
