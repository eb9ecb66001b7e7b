"""Customers' webhook endpoints, and the outbox of deliveries to them."""

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class EventType(StrEnum):
    VERSION_PUBLISHED = "version.published"
    VERSION_EFFECTIVE = "version.effective"
    VERSION_WITHDRAWN = "version.withdrawn"
    OBJECTION_UPDATED = "objection.updated"
    INCIDENT_NOTIFIED = "incident.notified"
    INCIDENT_UPDATED = "incident.updated"


# Not a type an endpoint chooses: the request every endpoint answers before it receives anything else.
VERIFICATION = "webhook.verification"


class BodyFormat(StrEnum):
    STANDARD = "STANDARD"  # the signed JSON of Standard Webhooks
    SLACK = "SLACK"  # a Slack incoming-webhook message
    TEAMS = "TEAMS"  # a Microsoft Teams message with an adaptive card


class DeliveryStatus(StrEnum):
    QUEUED = "QUEUED"
    RETRYING = "RETRYING"
    DELIVERED = "DELIVERED"
    DEAD = "DEAD"  # gave up after the configured attempts; an admin or the customer may re-drive it
    CANCELLED = "CANCELLED"  # the version was withdrawn before it took effect, or the endpoint removed


PENDING_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)
PENDING_PREDICATE = f"status IN ({', '.join(repr(status.value) for status in PENDING_STATUSES)})"


class WebhookEndpoint(SQLModel, table=True):
    """One customer's URL, the events it wants, and the secrets its deliveries are signed with."""

    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    url: str = Field(max_length=2000)
    event_types: list = Field(sa_column=Column(JSON, nullable=False))
    body_format: str = Field(default=BodyFormat.STANDARD, max_length=10)
    language: str = Field(default="en", max_length=2)  # of a chat message's words
    secret: str = Field(max_length=100)
    # After a rotation the old secret signs beside the new one until this instant.
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    challenge: str = Field(max_length=100)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The circuit breaker: consecutive failed attempts, and until when the endpoint gets nothing.
    failures: int = 0
    paused_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: str = Field(max_length=200)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One event to one endpoint, and the log of what became of it: the same webhook-id on every attempt."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_pending", "next_attempt_at", postgresql_where=text(PENDING_PREDICATE),
              sqlite_where=text(PENDING_PREDICATE)),
        Index("ix_webhook_delivery_endpoint", "endpoint_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id")
    webhook_id: str = Field(max_length=40, unique=True)
    event_type: str = Field(max_length=40)
    version_number: int | None = Field(default=None, index=True)
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default=DeliveryStatus.QUEUED, max_length=20)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response_code: int | None = None
    latency_ms: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)


class LeasedDelivery(NamedTuple):
    """What a worker needs to send one claimed delivery: the row and its endpoint, plain values."""

    id: int
    endpoint_id: int
    webhook_id: str
    event_type: str
    payload: dict
    attempts: int
    url: str
    body_format: str
    language: str
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    challenge: str
    failures: int
