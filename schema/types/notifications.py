"""Proof of notice: what became of every email about a version."""

from datetime import datetime

import strawberry

from notifications.outbox.models import Notification


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
class NoticeRecipient:
    id: int
    email: str
    language: str
    kind: str
    status: str
    attempts: int
    sent_at: datetime | None
    message_id: str | None
    server_reply: str | None
    last_error: str | None
    customer_id: int | None = strawberry.field(description=(
        "The customer on whose behalf a notice contact was told; a contact of two customers is told once for each. "
        "Null for subscribers who are nobody's contact."))

    @classmethod
    def from_domain(cls, row: Notification) -> "NoticeRecipient":
        return cls(id=row.id, email=row.to_address, language=row.language, kind=row.kind, status=row.status,
                   attempts=row.attempts, sent_at=row.sent_at, message_id=row.message_id,
                   server_reply=row.server_reply, last_error=row.last_error,
                   customer_id=row.customer_id)


@strawberry.type(description="Per-recipient proof that a version's notice was sent (Art. 28(2)).")
class NoticeReport:
    version_number: int
    totals: NoticeTotals
    recipients: list[NoticeRecipient] = strawberry.field(description="A page of recipients, oldest first.")
    end_cursor: int | None = strawberry.field(description="Pass as `after` for the next page; null on the last.")
