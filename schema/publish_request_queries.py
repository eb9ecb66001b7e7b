"""The admins' read of publish requests waiting for (or past) their approvals, each with its notice preview."""

import strawberry
from strawberry.types import Info

from registry.publish_requests import service as publish_requests
from schema.pagination import decode_cursor, page_size
from schema.permissions import IsAdmin
from schema.types.publish_requests import (
    PUBLISH_REQUEST_CURSOR,
    PublishRequest,
    PublishRequestConnection,
    PublishRequestStatus,
)


@strawberry.type
class PublishRequestQuery:
    @strawberry.field(permission_classes=[IsAdmin], description=(
        "Publish requests newest first: the open one by default (there is at most one), every one with "
        "status: null."))
    async def publish_requests(self, info: Info, status: PublishRequestStatus | None = PublishRequestStatus.OPEN,
                               first: int | None = None, after: str | None = None) -> PublishRequestConnection:
        limit, before_id = page_size(info.context.settings, first), decode_cursor(PUBLISH_REQUEST_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await publish_requests.list_requests(session=session, limit=limit + 1, before_id=before_id,
                                                        status=status)
        needed = info.context.settings.publish_approvals
        return PublishRequestConnection.of(rows, limit=limit, after=before_id, kind=PUBLISH_REQUEST_CURSOR,
                                           key=lambda row: row.id,
                                           node=lambda row: PublishRequest.from_domain(row, approvals_needed=needed))
