"""The DPA's clauses as a versioned template that customers accept."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from registry.db import UTCDateTime, utcnow


@dataclass(frozen=True)
class LocalisedSection:
    """A section in the language asked for, or in Danish where no translation is written."""

    key: str
    heading: str
    body: str
    language: str


class AgreementTemplate(SQLModel, table=True):
    """One version of the agreement: a title and sections, Danish always, English where written."""

    __tablename__ = "agreement_template"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    title_da: str = Field(max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    sections: list = Field(sa_column=Column(JSON, nullable=False))

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_da

    def sections_in(self, language: str) -> list[LocalisedSection]:
        """Every section in `language`, falling back to Danish section by section."""
        def localise(raw: dict) -> LocalisedSection:
            if language == "en" and raw.get("body_en"):
                return LocalisedSection(raw["key"], raw.get("heading_en") or raw["heading_da"], raw["body_en"], "en")
            return LocalisedSection(raw["key"], raw["heading_da"], raw["body_da"], "da")

        return [localise(raw) for raw in self.sections]
