"""Words the templates need that depend on the language: field names, months, subjects."""

from datetime import datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

FIELD_LABELS = {
    "da": {"name": "Navn", "legal_entity": "Juridisk enhed", "purpose_da": "Formål (dansk)",
           "purpose_en": "Formål (engelsk)", "data_categories": "Kategorier af personoplysninger", "countries": "Lande",
           "transfer_mechanism": "Overførselsgrundlag", "services": "Ydelser", "website": "Websted"},
    "en": {"name": "Name", "legal_entity": "Legal entity", "purpose_da": "Purpose (Danish)",
           "purpose_en": "Purpose (English)", "data_categories": "Categories of personal data", "countries": "Countries",
           "transfer_mechanism": "Transfer mechanism", "services": "Services", "website": "Website"},
}
MONTHS = {
    "da": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
SUBJECTS = {
    "da": {"VERSION_PUBLISHED": "{org}: ændringer i listen over underdatabehandlere (version {number})",
           "VERSION_WITHDRAWN": "{org}: version {number} af listen over underdatabehandlere er trukket tilbage",
           "CONFIRM": "Bekræft dit abonnement på ændringer hos {org}",
           "MANAGE": "Dit abonnement på ændringer hos {org}",
           "OBJECTION_RECEIPT": "{org} har modtaget jeres indsigelse mod version {number}",
           "OBJECTION_FILED": "{org}: ny indsigelse mod version {number} af listen over underdatabehandlere",
           "OBJECTION_RESOLVED": "{org} har afgjort jeres indsigelse mod version {number}",
           "CUSTOMER_ACCESS": "Jeres adgang til {org}s register over underdatabehandlere",
           "OBJECTION_REMINDER": "Påmindelse: fristen for indsigelse mod version {number} hos {org} nærmer sig"},
    "en": {"VERSION_PUBLISHED": "{org}: changes to the list of sub-processors (version {number})",
           "VERSION_WITHDRAWN": "{org}: version {number} of the list of sub-processors has been withdrawn",
           "CONFIRM": "Confirm your subscription to changes at {org}",
           "MANAGE": "Your subscription to changes at {org}",
           "OBJECTION_RECEIPT": "{org} has received your objection to version {number}",
           "OBJECTION_FILED": "{org}: new objection to version {number} of the list of sub-processors",
           "OBJECTION_RESOLVED": "{org} has decided on your objection to version {number}",
           "CUSTOMER_ACCESS": "Your access to the {org} sub-processor registry",
           "OBJECTION_REMINDER": "Reminder: the deadline to object to version {number} at {org} is near"},
}


def local_date(moment: datetime | None, language: str) -> str:
    """A date and time as a reader in Denmark reads it, in Copenhagen time."""
    if moment is None:
        return "—"
    local = moment.astimezone(COPENHAGEN)
    month = MONTHS[language][local.month - 1]
    if language == "da":
        return f"{local.day}. {month} {local.year} kl. {local:%H:%M} (dansk tid)"
    return f"{local.day} {month} {local.year}, {local:%H:%M} (Copenhagen time)"


def field_value(value: object) -> str:
    """A field's value in one line: lists joined, nothing shown as a dash."""
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
