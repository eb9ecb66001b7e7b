"""A sub-processor entry as the registry lists it, and the admins' working draft."""

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import pycountry
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from registry.db import UTCDateTime, utcnow

# EU member states plus Iceland, Liechtenstein and Norway: transfers inside need no Chapter V tool.
EEA_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Fields whose change alters what a controller authorised, so customers get a window to object.
MATERIAL_FIELDS = frozenset({"countries", "transfer_mechanism", "data_categories", "purpose_da", "purpose_en"})


class TransferMechanism(StrEnum):
    EEA = "EEA"
    ADEQUACY = "ADEQUACY"
    DPF = "DPF"
    SCC = "SCC"
    BCR = "BCR"
    UNKNOWN = "UNKNOWN"


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class SubprocessorEntry(BaseModel):
    """One sub-processor as published: validated, immutable, and what the content hash covers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    name: Annotated[Text, StringConstraints(max_length=200)]
    legal_entity: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    purpose_da: Annotated[Text, StringConstraints(max_length=1000)]
    purpose_en: Annotated[Text, StringConstraints(max_length=1000)]
    data_categories: list[Label] = Field(default_factory=list, max_length=30)
    countries: list[str] = Field(default_factory=list, max_length=60)
    transfer_mechanism: TransferMechanism = TransferMechanism.UNKNOWN
    services: list[Label] = Field(default_factory=list, max_length=30)
    website: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None

    @field_validator("slug")
    @classmethod
    def _slug_shape(cls, slug: str) -> str:
        if not SLUG_PATTERN.match(slug):
            raise ValueError("use lower-case letters, digits and single hyphens, such as 'e-conomic'")
        return slug

    @field_validator("legal_entity", "website")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("website")
    @classmethod
    def _website_is_http(cls, website: str | None) -> str | None:
        if website and not re.match(r"^https?://[^\s/$.?#][^\s]*$", website):
            raise ValueError("must be an http:// or https:// address")
        return website

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, countries: list[str]) -> list[str]:
        codes = [code.strip().upper() for code in countries]
        unknown = [code for code in codes if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None]
        if unknown:
            raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {', '.join(unknown)}")
        return sorted(set(codes))

    @field_validator("data_categories", "services")
    @classmethod
    def _unique_labels(cls, labels: list[str]) -> list[str]:
        return list(dict.fromkeys(labels))

    @property
    def third_country(self) -> bool | None:
        """Whether data leaves the EEA; None while the processing countries are unknown."""
        if not self.countries:
            return None
        return any(code not in EEA_COUNTRIES for code in self.countries)

    def purpose(self, language: str) -> str:
        return self.purpose_en if language == "en" else self.purpose_da

    def canonical(self) -> dict:
        """The entry as plain JSON data, the same on every engine and every run."""
        return self.model_dump(mode="json")


class DraftEntry(SQLModel, table=True):
    """One row of the working draft of the next list; publishing freezes them into a version."""

    __tablename__ = "draft_entry"

    slug: str = SQLField(primary_key=True, max_length=64)
    data: dict = SQLField(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str = SQLField(max_length=200)
