"""Email subscribers and the counters that limit how often a stranger can make us write to one."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


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


class RateCounter(SQLModel, table=True):
    """Requests counted per key and hour, in the database so that every process shares them."""

    __tablename__ = "rate_counter"

    key: str = Field(primary_key=True, max_length=200)
    count: int = 0
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
