"""The audit trail of every change an admin made."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    """Who did what, when, to which object, with the state before and after."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=100)
    target: str = Field(max_length=200)
    before: dict | list | None = Field(default=None, sa_column=Column(JSON))
    after: dict | list | None = Field(default=None, sa_column=Column(JSON))
