"""Email subjects in each language; every value and date reads as registry.labels says."""

SUBJECTS = {
    "da": {"VERSION_PUBLISHED": "{org}: ændringer i listen over underdatabehandlere (version {number})",
           "VERSION_WITHDRAWN": "{org}: version {number} af listen over underdatabehandlere er trukket tilbage",
           "CONFIRM": "Bekræft dit abonnement på ændringer hos {org}",
           "MANAGE": "Dit abonnement på ændringer hos {org}",
           "OBJECTION_RECEIPT": "{org} har modtaget jeres indsigelse mod version {number}",
           "OBJECTION_FILED": "{org}: ny indsigelse mod version {number} af listen over underdatabehandlere",
           "OBJECTION_RESOLVED": "{org} har afgjort jeres indsigelse mod version {number}",
           "CUSTOMER_ACCESS": "Jeres adgang til {org}s register over underdatabehandlere",
           "OBJECTION_REMINDER": "Påmindelse: fristen for indsigelse mod version {number} hos {org} nærmer sig",
           "INCIDENT_NOTICE": "{org}: brud på persondatasikkerheden, der berører jer",
           "INCIDENT_UPDATE": "{org}: nye oplysninger om bruddet på persondatasikkerheden",
           "LEGAL_REQUIREMENT": "{org}: loven kræver behandling af jeres personoplysninger uden for "
                                "databehandleraftalen (sag {number})",
           "OBJECTION_RECEIPT_LEGAL": "{org} har modtaget jeres indsigelse mod lovkravet i sag {number}",
           "OBJECTION_FILED_LEGAL": "{org}: ny indsigelse mod lovkravet i sag {number}",
           "OBJECTION_RESOLVED_LEGAL": "{org} har afgjort jeres indsigelse mod lovkravet i sag {number}"},
    "en": {"VERSION_PUBLISHED": "{org}: changes to the list of sub-processors (version {number})",
           "VERSION_WITHDRAWN": "{org}: version {number} of the list of sub-processors has been withdrawn",
           "CONFIRM": "Confirm your subscription to changes at {org}",
           "MANAGE": "Your subscription to changes at {org}",
           "OBJECTION_RECEIPT": "{org} has received your objection to version {number}",
           "OBJECTION_FILED": "{org}: new objection to version {number} of the list of sub-processors",
           "OBJECTION_RESOLVED": "{org} has decided on your objection to version {number}",
           "CUSTOMER_ACCESS": "Your access to the {org} sub-processor registry",
           "OBJECTION_REMINDER": "Reminder: the deadline to object to version {number} at {org} is near",
           "INCIDENT_NOTICE": "{org}: a personal data breach that affects you",
           "INCIDENT_UPDATE": "{org}: further information on the personal data breach",
           "LEGAL_REQUIREMENT": "{org}: the law requires processing of your personal data outside the "
                                "data processing agreement (case {number})",
           "OBJECTION_RECEIPT_LEGAL": "{org} has received your objection to the legal requirement of case {number}",
           "OBJECTION_FILED_LEGAL": "{org}: new objection to the legal requirement of case {number}",
           "OBJECTION_RESOLVED_LEGAL": "{org} has decided on your objection to the legal requirement of case {number}"},
}

# What an objection is about, in the words of its receipt, notice and decision.
OBJECTED_TO = {
    "da": {"version": "version {number} af listen over underdatabehandlere",
           "legal": "lovkravet i sag {number} om behandling uden for databehandleraftalen"},
    "en": {"version": "version {number} of the list of sub-processors",
           "legal": "the legal requirement of case {number} to process outside the data processing agreement"},
}


def objected_to(language: str, *, requirement: int | None, version: int | None) -> str | None:
    """What an objection is against, in words: a legal requirement's case, or a version of the list."""
    if requirement is not None:
        return OBJECTED_TO[language]["legal"].format(number=requirement)
    if version is not None:
        return OBJECTED_TO[language]["version"].format(number=version)
    return None
