"""Four-eyes publishing as admins read it: a request, its approvals and the notices it would send."""

from datetime import datetime

import strawberry

from notifications.preview import NoticePreview
from registry.publish_requests.models import PublishRequest as DomainRequest
from registry.publish_requests.models import PublishRequestStatus as DomainStatus
from schema.pagination import Connection
from schema.types.preview import DraftNoticePreview

PublishRequestStatus = strawberry.enum(DomainStatus, description=(
    "OPEN while it waits for approvals; PUBLISHED once approved and published; REJECTED by another admin; "
    "CANCELLED by its requester."))


@strawberry.type(description="One admin's approval of a publish request.")
class PublishApproval:
    by: str = strawberry.field(description="The approving admin's token name.")
    at: datetime


@strawberry.type(description=(
    "A request to publish the draft (REGISTRY_PUBLISH_APPROVALS above 0): published once enough admins other "
    "than the requester approve it, and only while the draft is still what was requested."))
class PublishRequest:
    id: int
    status: PublishRequestStatus
    requested_by: str = strawberry.field(description="The requesting admin's token name.")
    requested_at: datetime
    note: str
    notice_days: int | None
    effective_at: datetime | None
    draft_hash: str = strawberry.field(description=(
        "SHA-256 over what the version would hold (number, previous hash, list, changes); an approval is "
        "refused (STALE) once the draft no longer matches it."))
    approvals: list[PublishApproval]
    approvals_needed: int = strawberry.field(description="Approvals from other admins publishing needs now.")
    closed_at: datetime | None
    closed_by: str | None
    close_reason: str | None = strawberry.field(description="Why it was rejected.")
    version_number: int | None = strawberry.field(description="The version it published.")
    row: strawberry.Private[DomainRequest]

    @strawberry.field(description=(
        "The notices publishing would send, as previewed when the request was made (dates count from then)."))
    def preview(self) -> DraftNoticePreview:
        return DraftNoticePreview.from_domain(NoticePreview.from_json(self.row.preview))

    @classmethod
    def from_domain(cls, request: DomainRequest, *, approvals_needed: int) -> "PublishRequest":
        return cls(id=request.id, status=DomainStatus(request.status), requested_by=request.requested_by,
                   requested_at=request.requested_at, note=request.note, notice_days=request.notice_days,
                   effective_at=request.effective_at, draft_hash=request.draft_hash,
                   approvals=[PublishApproval(by=a["by"], at=datetime.fromisoformat(a["at"]))
                              for a in request.approvals],
                   approvals_needed=approvals_needed, closed_at=request.closed_at, closed_by=request.closed_by,
                   close_reason=request.close_reason, version_number=request.version_number, row=request)


PUBLISH_REQUEST_CURSOR = "publish-request"


@strawberry.type(description="Publish requests, newest first.")
class PublishRequestConnection(Connection[PublishRequest]):
    pass
