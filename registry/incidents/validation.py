"""Checks on the facts an admin states about a breach (Art. 33(3)), before anything is written."""

from dataclasses import dataclass
from datetime import datetime

from registry.calendar import utc_instant
from registry.db import is_stored_number
from registry.errors import ErrorCode, RegistryError

MAX_TEXT = 4000
MAX_CATEGORIES = 30


@dataclass(frozen=True)
class IncidentFacts:
    """What an admin states about a breach when recording it (Art. 33(3)); validated by `record_incident`."""

    nature: str
    subject_categories: list[str]
    subjects_approx: int | None
    record_categories: list[str]
    records_approx: int | None
    consequences: str
    measures: str
    contact_point: str
    became_aware_at: datetime


def required_text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    """The text trimmed; REQUIRED when blank, TOO_LONG past the limit."""
    value = value.strip()
    if not value:
        raise RegistryError.one("This fact is required.", ErrorCode.REQUIRED, field)
    if len(value) > limit:
        raise RegistryError.one(f"At most {limit} characters.", ErrorCode.TOO_LONG, field)
    return value


def _categories(values: list[str], field: str) -> list[str]:
    cleaned = list(dict.fromkeys(value.strip() for value in values))
    if len(cleaned) > MAX_CATEGORIES or any(not value or len(value) > 200 for value in cleaned):
        raise RegistryError.one(f"Give up to {MAX_CATEGORIES} categories of 1 to 200 characters.",
                                ErrorCode.INVALID, field)
    return cleaned


def _approx(value: int | None, field: str) -> int | None:
    if value is not None and not (0 <= value and is_stored_number(value)):
        raise RegistryError.one("An approximate number is 0 or more (leave it out while unknown).",
                                ErrorCode.INVALID, field)
    return value


def validated_facts(facts: IncidentFacts, now: datetime) -> dict:
    """The facts as stored: trimmed and checked, the awareness time in UTC; a RegistryError naming the first fault."""
    aware = utc_instant(facts.became_aware_at, "became_aware_at")
    if aware > now:
        raise RegistryError.one("The processor cannot have become aware in the future.", ErrorCode.INVALID,
                                "became_aware_at")
    return {"nature": required_text(facts.nature, "nature"),
            "consequences": required_text(facts.consequences, "consequences"),
            "measures": required_text(facts.measures, "measures"),
            "contact_point": required_text(facts.contact_point, "contact_point", 1000),
            "subject_categories": _categories(facts.subject_categories, "subject_categories"),
            "record_categories": _categories(facts.record_categories, "record_categories"),
            "subjects_approx": _approx(facts.subjects_approx, "subjects_approx"),
            "records_approx": _approx(facts.records_approx, "records_approx"), "became_aware_at": aware}
