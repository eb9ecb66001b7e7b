"""The DPA's clauses as a versioned template that customers accept."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


class AgreementTemplate(SQLModel, table=True):
    """One version of the agreement: a title and sections, Danish always, English where written."""

    __tablename__ = "agreement_template"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    title_da: str = Field(max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    sections: list = Field(sa_column=Column(JSON, nullable=False))
