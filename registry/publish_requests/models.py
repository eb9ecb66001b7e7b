"""Publish requests: the draft as it was asked to be published, and who approved it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class PublishRequestStatus(StrEnum):
    OPEN = "OPEN"
    PUBLISHED = "PUBLISHED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


_OPEN = text("status = 'OPEN'")


class PublishRequest(SQLModel, table=True):
    """One request to publish the draft, with the notices it would send as they read when it was made."""

    __tablename__ = "publish_request"
    # One open request at a time, held by the database too: two admins asking at once cannot both succeed.
    __table_args__ = (Index("ix_publish_request_one_open", "status", unique=True,
                            sqlite_where=_OPEN, postgresql_where=_OPEN),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=PublishRequestStatus.OPEN, max_length=20)
    requested_by: str = Field(max_length=200)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    note: str = Field(max_length=2000)
    notice_days: int | None = None
    effective_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    draft_hash: str = Field(max_length=64)  # registry.versions.service.planned_hash of the previewed version
    preview: dict = Field(sa_column=Column(JSON, nullable=False))  # notifications.preview's record of the notices
    approvals: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{"by", "at"}], in order
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=200)
    close_reason: str | None = Field(default=None, max_length=2000)
    version_number: int | None = Field(default=None, foreign_key="registry_version.number")

    def approved_by(self) -> list[str]:
        """The admins who approved it, in order."""
        return [approval["by"] for approval in self.approvals]
