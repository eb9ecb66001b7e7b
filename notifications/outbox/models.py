"""The outbox: one row per email to send, written in the transaction that makes it necessary."""

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import NamedTuple

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class NotificationKind(StrEnum):
    VERSION_PUBLISHED = "VERSION_PUBLISHED"
    VERSION_WITHDRAWN = "VERSION_WITHDRAWN"
    CONFIRM = "CONFIRM"
    MANAGE = "MANAGE"
    # Transactional emails to a customer's contacts or the processor, subscribed or not.
    OBJECTION_RECEIPT = "OBJECTION_RECEIPT"
    OBJECTION_FILED = "OBJECTION_FILED"
    OBJECTION_RESOLVED = "OBJECTION_RESOLVED"
    CUSTOMER_ACCESS = "CUSTOMER_ACCESS"
    OBJECTION_REMINDER = "OBJECTION_REMINDER"
    # A personal data breach told to every contact of every affected customer, and each later update.
    INCIDENT_NOTICE = "INCIDENT_NOTICE"
    INCIDENT_UPDATE = "INCIDENT_UPDATE"
    # A requirement of law to process outside the agreement, told to a customer before processing starts.
    LEGAL_REQUIREMENT = "LEGAL_REQUIREMENT"


class NotificationPriority(IntEnum):
    """Which pending rows a worker sends first: the lower number, then the older row."""

    URGENT = 0  # a breach notice: every hour counts against the customer's 72 hours
    NORMAL = 1  # change notices, confirmations, receipts


class NotificationStatus(StrEnum):
    QUEUED = "QUEUED"
    RETRYING = "RETRYING"
    SENT = "SENT"
    FAILED = "FAILED"  # the server refused it for good (5xx)
    DEAD = "DEAD"  # gave up after too many temporary failures; an admin may re-drive it
    CANCELLED = "CANCELLED"  # the subscriber left before it was sent


PENDING_STATUSES = (NotificationStatus.QUEUED, NotificationStatus.RETRYING)
# Written out as literals, the same in each partial index and in the queries that read it, so both
# planners match them: claims read the pending rows, the metrics scrape the pending and the dead.
PENDING_PREDICATE = f"status IN ({', '.join(repr(status.value) for status in PENDING_STATUSES)})"
DEAD_PREDICATE = f"status = '{NotificationStatus.DEAD.value}'"
WITH_CUSTOMER = "customer_id IS NOT NULL"


class Notification(SQLModel, table=True):
    """One email to one subscriber, and the proof of what became of it."""

    __tablename__ = "notification"
    # A version notice can never be enqueued twice for the same subscriber, or twice on behalf of the
    # same customer: a contact shared by two customers is told once for each. NULLs never collide,
    # hence the second index for subscribers who are nobody's contact. Confirmation and manage
    # emails have no version, so those may repeat (rate limited).
    __table_args__ = (
        # One index keeps both uniqueness rules (NULLs never collide, so a customer-less notice counts as
        # customer 0) and serves every read by version, which it leads with: each row of a 100,000-subscriber
        # fan-out is written into four indexes (this one, the key, the pending and the subscription one).
        Index("uq_notification_once", "version_number", "subscription_id", "kind",
              text("coalesce(customer_id, 0)"), unique=True),
        # Claims read the most urgent, then oldest, pending rows; the sent ones, which pile up as proof, stay
        # out of the index, so a claim costs the same with ten rows sent or ten million, and finds an urgent
        # row first however many normal ones wait.
        Index("ix_notification_pending", "priority", "id", postgresql_where=text(PENDING_PREDICATE),
              sqlite_where=text(PENDING_PREDICATE)),
        Index("ix_notification_dead", "id", postgresql_where=text(DEAD_PREDICATE), sqlite_where=text(DEAD_PREDICATE)),
        # Every read by customer asks for one (customer_id = …), so the many rows of plain subscribers stay out.
        Index("ix_notification_customer_id", "customer_id", postgresql_where=text(WITH_CUSTOMER),
              sqlite_where=text(WITH_CUSTOMER)),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    version_number: int | None = None
    # No foreign key: its check, once per row, cost 40 % of queueing a fan-out. Every row takes the id from
    # the subscription it was written for (the INSERT ... SELECT reads it from the subscription table, in
    # the same transaction), and subscriptions are never deleted, only unsubscribed or suppressed.
    subscription_id: int | None = Field(default=None, index=True)
    # The customer on whose behalf a version notice goes to their notice contact: it names them, carries
    # their object link and, once sent, starts their objection window.
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    payload: dict | None = Field(default=None, sa_column=Column(JSON))
    to_address: str = Field(max_length=254)
    language: str = Field(max_length=2)
    status: str = Field(default=NotificationStatus.QUEUED, max_length=20)
    priority: int = Field(default=NotificationPriority.NORMAL, sa_column_kwargs={"server_default": "1"})
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: str | None = Field(default=None, max_length=300)
    server_reply: str | None = Field(default=None, max_length=1000)
    last_error: str | None = Field(default=None, max_length=1000)


class Leased(NamedTuple):
    """What a worker needs of a leased row to build, send and record its message: plain columns, no ORM
    object, so claiming a batch costs a few microseconds a row instead of a mapped instance each."""

    id: int
    kind: str
    version_number: int | None
    subscription_id: int | None
    customer_id: int | None
    payload: dict | None
    to_address: str
    language: str
    attempts: int
    priority: int

    @property
    def for_customer(self) -> bool:
        """A version notice sent on a customer's behalf: it names them and carries their object link."""
        return self.customer_id is not None and self.payload is None
