"""Proof of notice: what became of every email about a version."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from notifications.outbox import service as outbox
from notifications.outbox.models import NotificationKind as DomainKind
from notifications.outbox.models import NotificationStatus as DomainStatus
from schema.pagination import Connection, decode_cursor, page_size
from schema.types.common import FromDomain, Language

NotificationKind = strawberry.enum(DomainKind, description="What an email is about.")
NotificationStatus = strawberry.enum(DomainStatus, description="How far an email got.")
RECIPIENT_CURSOR = "recipient"


@strawberry.type(description="How many notices are in each state.")
class NoticeTotals:
    queued: int
    sent: int
    retrying: int
    failed: int
    dead: int
    cancelled: int
    total: int

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> "NoticeTotals":
        fields = ("queued", "sent", "retrying", "failed", "dead", "cancelled")
        return cls(**{name: counts.get(name.upper(), 0) for name in fields}, total=sum(counts.values()))


@strawberry.type(description="One recipient of a notice and what the mail server answered.")
class NoticeRecipient(FromDomain):
    id: int
    email: str
    language: Language
    kind: NotificationKind
    status: NotificationStatus
    attempts: int
    sent_at: datetime | None
    message_id: str | None
    server_reply: str | None
    last_error: str | None
    customer_id: int | None = strawberry.field(description=(
        "The customer on whose behalf a notice contact was told; a contact of two customers is told once for each. "
        "Null for subscribers who are nobody's contact."))


@strawberry.type(description="Recipients of a version's notices, oldest first.")
class NoticeRecipientConnection(Connection[NoticeRecipient]):
    pass


@strawberry.type(description="Per-recipient proof that a version's notice was sent (Art. 28(2)).")
class NoticeReport:
    version_number: int

    @strawberry.field
    async def totals(self, info: Info) -> NoticeTotals:
        async with info.context.db.session() as session:
            counts = await outbox.status_counts(session=session, version_number=self.version_number)
        return NoticeTotals.from_counts(counts)

    @strawberry.field(description="Every recipient, oldest first, a page at a time.")
    async def recipients(self, info: Info, first: int | None = None,
                         after: str | None = None) -> NoticeRecipientConnection:
        limit, after_id = page_size(info.context.settings, first), decode_cursor(RECIPIENT_CURSOR, after)
        async with info.context.db.session() as session:
            rows = await outbox.version_recipients(session=session, version_number=self.version_number,
                                                   limit=limit + 1, after_id=after_id)
        return NoticeRecipientConnection.of(
            rows, limit=limit, after=after_id, kind=RECIPIENT_CURSOR, key=lambda row: row.id,
            node=lambda row: NoticeRecipient.from_domain(row, email=row.to_address))
