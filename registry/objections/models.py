"""Objections customers raise against a version of the sub-processor list or a legal requirement."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class ObjectionStatus(StrEnum):
    RECEIVED = "RECEIVED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"
    WITHDRAWN = "WITHDRAWN"


class ObjectionOutcome(StrEnum):
    ACCEPTED = "ACCEPTED"  # the processor gives way: the change does not apply to this customer
    REJECTED = "REJECTED"  # the change applies; the customer keeps the right to terminate
    TERMINATION = "TERMINATION"  # the parties end the agreement over it


# Objections that still hold the change back from the customer's authorised list.
BLOCKING = frozenset({ObjectionStatus.RECEIVED, ObjectionStatus.ACKNOWLEDGED})


class Objection(SQLModel, table=True):
    """One customer's objection to one version or one legal requirement (exactly one of the two);
    a repeat updates this record, never adds one."""

    __tablename__ = "objection"
    __table_args__ = (
        UniqueConstraint("customer_id", "version_number"),
        UniqueConstraint("customer_id", "legal_requirement_id"),
        CheckConstraint("(version_number IS NULL) <> (legal_requirement_id IS NULL)", name="ck_objection_one_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    version_number: int | None = Field(default=None, foreign_key="registry_version.number", index=True)
    legal_requirement_id: int | None = Field(default=None, foreign_key="legal_requirement.id", index=True)
    reason: str = Field(max_length=4000)
    status: str = Field(default=ObjectionStatus.RECEIVED, max_length=20, index=True)
    outcome: str | None = Field(default=None, max_length=20)
    resolution_note: str | None = Field(default=None, max_length=4000)
    filed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    filed_by: str = Field(max_length=254)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by: str | None = Field(default=None, max_length=200)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def blocks(self) -> bool:
        """Whether this objection holds the version back from the customer's authorised list."""
        return self.status in BLOCKING or self.outcome == ObjectionOutcome.ACCEPTED
