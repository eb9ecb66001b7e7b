"""Email subscribers and the counters that limit how often a stranger can make us write to one."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


SERVICES_TYPE = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class SubscriptionStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    UNSUBSCRIBED = "UNSUBSCRIBED"


class Subscription(SQLModel, table=True):
    """One address that asked for change notices, with the evidence of its consent."""

    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    language: str = Field(max_length=2)
    status: str = Field(max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unsubscribed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_source: str | None = Field(default=None, max_length=200)
    # A 5xx rejection means the mailbox does not exist or refuses us: never write to it again.
    suppressed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    suppressed_reason: str | None = Field(default=None, max_length=500)  # the server's reply
    # The services whose changes this subscriber wants to hear of; NULL (none chosen) means every service.
    # JSONB on PostgreSQL, so the publish's one INSERT ... SELECT tests membership with `?|` per row.
    services: list[str] | None = Field(default=None, sa_column=Column(SERVICES_TYPE, nullable=True))


class RateCounter(SQLModel, table=True):
    """Requests counted per key and hour, in the database so that every process shares them."""

    __tablename__ = "rate_counter"

    key: str = Field(primary_key=True, max_length=200)
    count: int = 0
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
