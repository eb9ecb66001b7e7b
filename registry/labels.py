"""The words a person reads for the registry's values, in Danish and English: one table for pages, emails and feed.

No raw enum value, ISO code or field name reaches a reader: every one of them goes through here.
"""

import gettext
from datetime import datetime
from functools import cache

import pycountry

from registry.calendar import PROCESSOR_ZONE
from registry.subprocessors.models import EEA_COUNTRIES

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"

_MONTHS = {
    "da": "januar februar marts april maj juni juli august september oktober november december".split(),
    "en": "January February March April May June July August September October November December".split(),
}

_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "field": {
        "da": {"name": "Navn", "legal_entity": "Juridisk enhed", "purpose": "Formål", "purpose_da": "Formål (dansk)",
               "purpose_en": "Formål (engelsk)", "data_categories": "Kategorier af personoplysninger",
               "countries": "Lande", "third_country": "Uden for EU/EØS",
               "transfer_mechanism": "Overførselsgrundlag", "services": "Ydelser", "website": "Websted",
               "slug": "Nøgle", "country_names": "Landenavne", "version_number": "Version",
               "effective_at": "Gældende fra", "content_hash": "Indholdets SHA-256"},
        "en": {"name": "Name", "legal_entity": "Legal entity", "purpose": "Purpose", "purpose_da": "Purpose (Danish)",
               "purpose_en": "Purpose (English)", "data_categories": "Categories of personal data",
               "countries": "Countries", "third_country": "Outside the EU/EEA",
               "transfer_mechanism": "Transfer mechanism", "services": "Services", "website": "Website",
               "slug": "Key", "country_names": "Country names", "version_number": "Version",
               "effective_at": "In effect from", "content_hash": "Content SHA-256"},
    },
    "transfer_mechanism": {
        "da": {"EEA": "Inden for EU/EØS", "ADEQUACY": "Tilstrækkelighedsafgørelse",
               "DPF": "EU-US Data Privacy Framework", "SCC": "Standardkontraktbestemmelser (SCC)",
               "BCR": "Bindende virksomhedsregler (BCR)", "UNKNOWN": "Ukendt"},
        "en": {"EEA": "Within the EU/EEA", "ADEQUACY": "Adequacy decision",
               "DPF": "EU-US Data Privacy Framework", "SCC": "Standard contractual clauses (SCC)",
               "BCR": "Binding corporate rules (BCR)", "UNKNOWN": "Unknown"},
    },
    "status": {
        "da": {"PENDING": "Varslet", "EFFECTIVE": "Gældende", "SUPERSEDED": "Erstattet",
               "WITHDRAWN": "Trukket tilbage"},
        "en": {"PENDING": "Announced", "EFFECTIVE": "In effect", "SUPERSEDED": "Superseded", "WITHDRAWN": "Withdrawn"},
    },
    "objection_status": {
        "da": {"RECEIVED": "Modtaget", "ACKNOWLEDGED": "Under behandling", "RESOLVED": "Afgjort",
               "WITHDRAWN": "Trukket tilbage"},
        "en": {"RECEIVED": "Received", "ACKNOWLEDGED": "Being handled", "RESOLVED": "Resolved",
               "WITHDRAWN": "Withdrawn"},
    },
    "outcome": {
        "da": {"ACCEPTED": "Imødekommet", "REJECTED": "Afvist", "TERMINATION": "Aftalen opsiges"},
        "en": {"ACCEPTED": "Accepted", "REJECTED": "Rejected", "TERMINATION": "Agreement terminated"},
    },
    "change": {
        "da": {"ADDED": "Tilføjet", "REMOVED": "Fjernet", "CHANGED": "Ændret"},
        "en": {"ADDED": "Added", "REMOVED": "Removed", "CHANGED": "Changed"},
    },
    # The facts of a personal data breach (GDPR Art. 33(3)) and the customer's own notice of it.
    "incident": {
        "da": {"became_aware_at": "Vi blev opmærksomme på bruddet", "nature": "Bruddets karakter",
               "subject_categories": "Berørte kategorier af registrerede",
               "subjects_approx": "Omtrentligt antal registrerede",
               "record_categories": "Berørte kategorier af personoplysninger",
               "records_approx": "Omtrentligt antal registreringer af personoplysninger",
               "consequences": "Sandsynlige konsekvenser",
               "measures": "Foranstaltninger, der er truffet eller foreslået",
               "contact_point": "Kontaktpunkt for yderligere oplysninger",
               "notice_sent_at": "Underretningen blev sendt til jer", "acknowledged_at": "I bekræftede modtagelsen"},
        "en": {"became_aware_at": "We became aware of the breach", "nature": "Nature of the breach",
               "subject_categories": "Categories of data subjects concerned",
               "subjects_approx": "Approximate number of data subjects",
               "record_categories": "Categories of personal data records concerned",
               "records_approx": "Approximate number of personal data records",
               "consequences": "Likely consequences", "measures": "Measures taken or proposed",
               "contact_point": "Contact point for more information",
               "notice_sent_at": "The notice was sent to you", "acknowledged_at": "You confirmed receipt"},
    },
    "word": {
        "da": {"yes": "Ja", "no": "Nej", "unknown": "Ukendt", "not_stated": "Ikke oplyst",
               "all_services": "Alle ydelser", "time_zone": "dansk tid",
               "not_sent_yet": "Ikke sendt endnu", "not_yet": "Ikke endnu"},
        "en": {"yes": "Yes", "no": "No", "unknown": "Unknown", "not_stated": "Not stated",
               "all_services": "All services", "time_zone": "Copenhagen time",
               "not_sent_yet": "Not sent yet", "not_yet": "Not yet"},
    },
}


def language_of(value: str | None) -> str:
    """The language asked for, or Danish for anything else."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def label(table: str, key: str | None, language: str) -> str:
    """A value's words from one of the tables (field, transfer_mechanism, status, objection_status, outcome,
    change, incident, word)."""
    return _LABELS[table][language_of(language)].get(key or "", key or "")


def field_label(field: str | None, language: str) -> str:
    return label("field", field, language)


def mechanism_label(mechanism: str, language: str) -> str:
    return label("transfer_mechanism", str(mechanism), language)


def word(key: str, language: str) -> str:
    return label("word", key, language)


def yes_no(value: bool | None, language: str) -> str:
    """Yes, no, or unknown for a value not known."""
    return word("unknown" if value is None else ("yes" if value else "no"), language)


@cache
def _country_names(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str) -> str:
    """A country's name in the reader's language ('USA', 'United States'); an unknown code as given."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    names = [name for name in (getattr(country, "common_name", None), country.name) if name]
    translations = _country_names(language_of(language))
    # The catalogue translates some countries under their common name and others only under the official one.
    translated = [translations.gettext(name) for name in names]
    return next((new for new, old in zip(translated, names, strict=True) if new != old), translated[0])


def countries_text(codes: list[str], language: str) -> str:
    return ", ".join(country_name(code, language) for code in codes) if codes else word("not_stated", language)


def third_country(codes: list[str]) -> bool | None:
    """Whether any country lies outside the EEA; None while no country is stated."""
    return any(code not in EEA_COUNTRIES for code in codes) if codes else None


def outside_eea_text(codes: list[str], language: str) -> str:
    """'Ja (USA)' / 'Nej' / 'Ukendt': whether data leaves the EEA, naming the countries outside it."""
    outside = [code for code in codes if code not in EEA_COUNTRIES]
    answer = yes_no(third_country(codes), language)
    return f"{answer} ({countries_text(outside, language)})" if outside else answer


def services_text(services: list[str], language: str) -> str:
    """The services a sub-processor serves; none named means every service."""
    return ", ".join(services) if services else word("all_services", language)


def value_text(field: str | None, value: object, language: str) -> str:
    """A stored field value as a reader would say it; an empty value is marked, never left blank."""
    if field == "services" and value == []:
        return word("all_services", language)
    if value is None or value == [] or value == "":
        return word("not_stated", language)
    if field == "countries":
        return countries_text(list(value), language)
    if field == "transfer_mechanism":
        return mechanism_label(str(value), language)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def local_time(moment: datetime | None, language: str) -> str:
    """An instant as Copenhagen wall-clock time with its zone: '1. marts 2026 kl. 09:30 dansk tid (CET)'."""
    if moment is None:
        return "—"
    local = moment.astimezone(PROCESSOR_ZONE)
    language = language_of(language)
    month = _MONTHS[language][local.month - 1]
    zone = f"{word('time_zone', language)} ({local.tzname()})"
    if language == "da":
        return f"{local.day}. {month} {local.year} kl. {local:%H:%M} {zone}"
    return f"{local.day} {month} {local.year}, {local:%H:%M} {zone}"
