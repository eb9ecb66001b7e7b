"""Personal data breaches (GDPR Art. 33): the facts, the customers affected, the phased updates, the proof."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class IncidentStatus(StrEnum):
    RECORDED = "RECORDED"  # the facts are kept; no customer has been told yet
    NOTIFIED = "NOTIFIED"  # the notice is queued to every notice contact of every affected customer


class Incident(SQLModel, table=True):
    """One personal data breach with the facts Art. 33(3) names; never shown to anyone but admins and those affected."""

    __tablename__ = "incident"

    id: int | None = Field(default=None, primary_key=True)
    nature: str = Field(max_length=4000)
    subject_categories: list = Field(sa_column=Column(JSON, nullable=False))  # categories of data subjects
    subjects_approx: int | None = None  # approximate number of data subjects; None while unknown
    record_categories: list = Field(sa_column=Column(JSON, nullable=False))  # categories of personal data records
    records_approx: int | None = None
    consequences: str = Field(max_length=4000)
    measures: str = Field(max_length=4000)
    contact_point: str = Field(max_length=1000)
    became_aware_at: datetime = Field(sa_type=UTCDateTime)
    # How the affected customers were chosen: by the services in their agreements, and/or one by one.
    services: list = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default=IncidentStatus.RECORDED, max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: str = Field(max_length=200)
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # when notifyIncident queued it
    notified_by: str | None = Field(default=None, max_length=200)


class IncidentCustomer(SQLModel, table=True):
    """A customer the incident affects (the set resolved when it was recorded) and the proof of their notice.

    The worker fills sent_at, message_id, server_reply and recipient at the mail server's 250 reply to the
    first of their contacts; acknowledged_at is set when the customer confirms they have read it.
    """

    __tablename__ = "incident_customer"

    incident_id: int = Field(foreign_key="incident.id", primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", primary_key=True, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: str | None = Field(default=None, max_length=300)
    server_reply: str | None = Field(default=None, max_length=1000)
    recipient: str | None = Field(default=None, max_length=254)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=254)


class IncidentUpdate(SQLModel, table=True):
    """Information given in phases (Art. 33(4)): each update is kept with its time and author, and mailed."""

    __tablename__ = "incident_update"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    text: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    author: str = Field(max_length=200)
