"""Published versions of the sub-processor list, and the stamp that changes whenever one does."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime


class ChangeKind(StrEnum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    CHANGED = "CHANGED"


@dataclass(frozen=True)
class Change:
    """One field-level difference between two lists; field is None for a whole entry."""

    kind: ChangeKind
    slug: str
    name: str
    field: str | None = None
    before: object = None
    after: object = None

    def as_json(self) -> dict:
        return {"kind": self.kind.value, "slug": self.slug, "name": self.name,
                "field": self.field, "before": self.before, "after": self.after}

    @classmethod
    def from_json(cls, data: dict) -> "Change":
        return cls(kind=ChangeKind(data["kind"]), slug=data["slug"], name=data["name"],
                   field=data["field"], before=data["before"], after=data["after"])


class VersionStatus(StrEnum):
    PENDING = "PENDING"
    EFFECTIVE = "EFFECTIVE"
    SUPERSEDED = "SUPERSEDED"
    WITHDRAWN = "WITHDRAWN"


class RegistryVersion(SQLModel, table=True):
    """A published list: immutable once written, except for a withdrawal before it takes effect."""

    __tablename__ = "registry_version"

    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    published_at: datetime = Field(sa_type=UTCDateTime)
    effective_at: datetime = Field(sa_type=UTCDateTime, index=True)
    note: str = Field(max_length=2000)
    published_by: str = Field(max_length=200)
    entries: list = Field(sa_column=Column(JSON, nullable=False))
    changes: list = Field(sa_column=Column(JSON, nullable=False))
    material: bool
    content_hash: str = Field(max_length=64, unique=True)
    previous_hash: str | None = Field(default=None, max_length=64)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_by: str | None = Field(default=None, max_length=200)
    withdrawn_reason: str | None = Field(default=None, max_length=2000)

    def status(self, *, now: datetime, effective_number: int | None) -> VersionStatus:
        """Where this version stands at `now`, given the number of the version then in effect."""
        if self.withdrawn_at is not None:
            return VersionStatus.WITHDRAWN
        if self.effective_at > now:
            return VersionStatus.PENDING
        if self.number == effective_number:
            return VersionStatus.EFFECTIVE
        return VersionStatus.SUPERSEDED

    @property
    def objection_deadline(self) -> datetime | None:
        """Customers may object until the version takes effect; removals alone open no window."""
        return self.effective_at if self.material else None

    def change_list(self) -> list[Change]:
        return [Change.from_json(change) for change in self.changes]


class RegistryState(SQLModel, table=True):
    """A single row: its revision grows with every publish or withdrawal, and writers lock it."""

    __tablename__ = "registry_state"

    id: int = Field(default=1, primary_key=True)
    revision: int = 0
