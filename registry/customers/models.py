"""The processor's customers, their notice contacts and their data processing agreements."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class AgreementStatus(StrEnum):
    ACTIVE = "ACTIVE"
    TERMINATED = "TERMINATED"


class TerminationChoice(StrEnum):
    RETURN = "RETURN"
    DELETE = "DELETE"


class Customer(SQLModel, table=True):
    """A data controller that has agreed to the DPA."""

    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    cvr: str | None = Field(default=None, max_length=8, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NoticeContact(SQLModel, table=True):
    """An address of the customer's that receives change notices once it confirms."""

    __tablename__ = "notice_contact"
    __table_args__ = (UniqueConstraint("customer_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    email: str = Field(max_length=254, index=True)
    language: str = Field(default="da", max_length=2)


class Agreement(SQLModel, table=True):
    """A customer's acceptance of one agreement template, for the services they chose."""

    __tablename__ = "agreement"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    template_version: int = Field(foreign_key="agreement_template.version")
    accepted_at: datetime = Field(sa_type=UTCDateTime)
    services: list = Field(sa_column=Column(JSON, nullable=False))
    notice_days: int
    status: str = Field(default=AgreementStatus.ACTIVE, max_length=20, index=True)
    terminated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    termination_choice: str | None = Field(default=None, max_length=20)
    deletion_documented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deletion_documentation: str | None = Field(default=None, max_length=4000)


class CustomerNotice(SQLModel, table=True):
    """When a customer was first told of a version: the start of that customer's objection window."""

    __tablename__ = "customer_notice"

    customer_id: int = Field(foreign_key="customer.id", primary_key=True)
    version_number: int = Field(foreign_key="registry_version.number", primary_key=True)
    sent_at: datetime = Field(sa_type=UTCDateTime)
    message_id: str = Field(max_length=300)
    recipient: str = Field(max_length=254)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # "seen, no objection"
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
