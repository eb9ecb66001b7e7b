"""Requirements of EU or national law to process a customer's data outside the agreement."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class LegalRequirement(SQLModel, table=True):
    """What the law requires the processor to do, on whose authority, for which customers, from when.

    Either it is sent to the affected customers before processing starts (notified_at), or the law
    forbids telling them and the admin records why (secrecy_reason); never both.
    """

    __tablename__ = "legal_requirement"

    id: int | None = Field(default=None, primary_key=True)
    legal_basis: str = Field(max_length=4000)
    authority: str = Field(max_length=200)
    processing: str = Field(max_length=4000)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by: str = Field(max_length=200)
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notified_by: str | None = Field(default=None, max_length=200)
    secrecy_reason: str | None = Field(default=None, max_length=4000)
    secrecy_recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    secrecy_recorded_by: str | None = Field(default=None, max_length=200)


class AffectedCustomer(SQLModel, table=True):
    """One customer a requirement concerns, and when its notice first reached them (their window's start)."""

    __tablename__ = "legal_requirement_customer"

    legal_requirement_id: int = Field(foreign_key="legal_requirement.id", primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", primary_key=True, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: str | None = Field(default=None, max_length=300)
    recipient: str | None = Field(default=None, max_length=254)
