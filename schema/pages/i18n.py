"""The public pages' words in Danish and English; values, countries and dates read as registry.labels says."""

from datetime import UTC, datetime
from types import SimpleNamespace

from registry.labels import (  # noqa: F401 - the pages' filters and helpers
    DEFAULT_LANGUAGE,
    LANGUAGES,
    country_name,
    field_label,
    label,
    language_of,
    local_time,
    mechanism_label,
    value_text,
)

_TEXTS = {
    "da": {
        "title": "Underdatabehandlere",
        "intro": "{org} bruger disse underdatabehandlere til at behandle personoplysninger på vegne af sine "
                 "kunder (databeskyttelsesforordningens artikel 28, stk. 2).",
        "skip": "Spring til indhold",
        "switch_label": "English",
        "switch_language": "en",
        "contents": "Indhold",
        "current_heading": "Gældende liste",
        "current_meta": "Version {number}, gældende fra {date}.",
        "letters": "Underdatabehandlere efter forbogstav",
        "letter_shown": "Viser {shown} af {total} underdatabehandlere: dem, hvis navn begynder med {letter}.",
        "no_list": "Der er endnu ikke offentliggjort nogen liste.",
        "col_name": "Navn", "col_purpose": "Formål", "col_countries": "Lande",
        "col_mechanism": "Overførselsgrundlag", "col_services": "Ydelser",
        "unknown": "Ukendt", "all_services": "Alle ydelser", "empty": "(tom)",
        "pending_heading": "Varslede ændringer",
        "no_pending": "Ingen ændringer er varslet.",
        "takes_effect": "Træder i kraft", "objection_deadline": "Frist for indsigelse",
        "no_objection_window": "Ingen – ændringen tilføjer ingen underdatabehandler og ændrer ikke, hvor, "
                               "hvordan eller hvorfor data behandles.",
        "history_heading": "Historik",
        "version": "Version {number}", "published": "Offentliggjort", "status": "Status",
        "withdrawn_reason": "Begrundelse for tilbagetrækning",
        "changes": "Ændringer", "no_changes": "Ingen ændringer.",
        "many_changes": "{count} ændringer: se dem alle på siden for version {number}.",
        "before": "Før", "after": "Efter",
        "subscribe_heading": "Få besked om ændringer",
        "subscribe_intro": "Skriv dig op, så sender vi en e-mail, når listen ændres. Du bekræfter din "
                           "adresse via et link, som vi sender til dig.",
        "email_label": "E-mailadresse", "language_label": "Sprog i e-mails", "submit": "Tilmeld",
        "services_label": "Ydelser, du vil have besked om",
        "services_hint": "Vælg ingen for at få besked om alle ændringer. Vælger du ydelser, får du kun besked om "
                         "versioner, der tilføjer en underdatabehandler til dem eller ændrer, hvor, hvordan eller "
                         "hvorfor en af deres underdatabehandlere behandler data.",
        "service_feeds_heading": "Atom-feed for én ydelse",
        "service_feeds_intro": "Kun de versioner, der angår ydelsen, og kun de ændringer, der rører den.",
        "service_feed": "Atom-feed for {service}",
        "feed": "Atom-feed med alle versioner", "agreement": "Databehandleraftalen",
        "contact": "Spørgsmål om databeskyttelse",
        "phone": "tlf.",
        "inbox_title": "Tjek din indbakke",
        "inbox_body": "Hvis adressen kan modtage e-mails fra os, har vi sendt en e-mail med et link. "
                      "Følg linket for at bekræfte tilmeldingen.",
        "back": "Tilbage til listen over underdatabehandlere",
        "expired_title": "Formularen er udløbet",
        "expired_body": "Hent siden igen, og send formularen en gang til.",
        "errors_title": "Tilmeldingen blev ikke gennemført",
        "agreement_version": "Version {number}, offentliggjort {date}.",
        "danish_only": "Dette afsnit findes kun på dansk.",
        "clause": "Punkt {number}:",
        "convenience_translation": "",
        "danish_governs": "Den danske tekst",
        "no_agreement": "Aftalen er ikke offentliggjort endnu.",
        "sha": "SHA-256",
        "objection_title": "Indsigelse mod version {number}",
        "objection_intro": "{customer} kan gøre indsigelse mod ændringerne i version {number} af listen over "
                           "underdatabehandlere. Indsigelsen sendes til {org}, som svarer jer.",
        "your_deadline": "Jeres frist for indsigelse",
        "not_notified": "Fristen løber fra det tidspunkt, hvor I fik besked om ændringen.",
        "reason_label": "Begrundelse for indsigelsen",
        "reason_hint": "Fortæl hvilken ændring I ikke kan acceptere, og hvorfor.",
        "submit_objection": "Send indsigelse",
        "objection_received_title": "Indsigelsen er modtaget",
        "objection_received_body": "Vi har registreret jeres indsigelse mod version {number} den {date}. "
                                   "Referencenummer: {id}. Status: {status}.",
        "objection_exists": "I har allerede gjort indsigelse mod denne version. Status: {status}.",
        "deadline_passed": "Fristen for indsigelse mod version {number} udløb {date}.",
        "objection_closed": "Der kan ikke gøres indsigelse mod version {number}.",
        "objection_invalid_title": "Linket virker ikke",
        "objection_invalid_body": "Linket til indsigelse er ugyldigt eller ufuldstændigt. Brug linket i den "
                                  "seneste e-mail om ændringen, eller kontakt os.",
        "objection_errors": "Indsigelsen blev ikke sendt",
        "legal_objection_title": "Indsigelse mod lovkrav (sag {number})",
        "legal_objection_intro": "EU-retten eller national ret kræver, at {org} behandler personoplysninger, som "
                                 "behandles på vegne af {customer}, uden for databehandleraftalen. I kan gøre "
                                 "indsigelse; den sendes til {org}, som svarer jer.",
        "legal_basis": "Retsgrundlag", "authority": "Myndighed, der kræver behandlingen",
        "legal_processing": "Behandlingen", "processing_starts": "Behandlingen begynder",
        "legal_reason_hint": "Fortæl hvorfor I ikke kan acceptere behandlingen.",
        "legal_objection_exists": "I har allerede gjort indsigelse mod dette lovkrav. Status: {status}.",
        "legal_deadline_passed": "Fristen for indsigelse mod lovkravet i sag {number} udløb {date}.",
        "legal_objection_closed": "Der kan ikke gøres indsigelse mod lovkravet i sag {number}.",
        "legal_objection_received_body": "Vi har registreret jeres indsigelse mod lovkravet i sag {number} den "
                                         "{date}. Referencenummer: {id}. Status: {status}.",
        "versions_title": "Alle versioner af listen",
        "versions_intro": "Hver offentliggjort version af listen over underdatabehandlere, nyeste først.",
        "all_versions": "Alle versioner",
        "version_title": "Version {number} af listen over underdatabehandlere",
        "effective": "Gældende fra", "withdrawn_at": "Trukket tilbage",
        "note": "Note", "list_in_version": "Listen i version {number}",
        "hashes_heading": "Kontrol af versionen",
        "content_hash": "Indholdshash (SHA-256)", "previous_hash": "Forrige versions hash",
        "no_previous": "Ingen – dette er den første version.",
        "hash_explained": "Indholdshashen er SHA-256 af versionens kanoniske JSON: et objekt med nøglerne "
                          "number, previous_hash, published_at, effective_at (UTC, ISO 8601 med mikrosekunder), "
                          "note og entries (underdatabehandlerne sorteret efter slug), med sorterede nøgler, "
                          "uden mellemrum og i UTF-8. Forrige versions hash er indholdshashen for version "
                          "{previous}, så hver version er kædet til den før, og en ændring af en tidligere "
                          "version bryder kæden. Kommandoen python -m registry verify genberegner alle hashes "
                          "og led i kæden.",
        "hash_explained_first": "Indholdshashen er SHA-256 af versionens kanoniske JSON: et objekt med nøglerne "
                                "number, previous_hash (her null), published_at, effective_at (UTC, ISO 8601 med "
                                "mikrosekunder), note og entries (underdatabehandlerne sorteret efter slug), med "
                                "sorterede nøgler, uden mellemrum og i UTF-8. Den næste version bærer denne hash "
                                "som sin forrige hash. Kommandoen python -m registry verify genberegner alle "
                                "hashes og led i kæden.",
        "version_json": "Versionen som JSON med præcis den tekst, hashen er beregnet af, til egne kontrolprogrammer",
        "previous_version": "Forrige version", "next_version": "Næste version",
        "not_found_title": "Siden findes ikke",
        "not_found_body": "Der er ingen side på denne adresse.",
        "version_not_found": "Version {number} findes ikke.",
        # The landing pages of the links in subscription emails, a button first (subscription.html).
        "subscription_confirm": {
            "title": "Bekræft abonnement", "ask_heading": "Bekræft dit abonnement",
            "ask_body": "Tryk på knappen for at få en e-mail, når {org} ændrer sin liste over underdatabehandlere.",
            "button": "Bekræft", "done_heading": "Tak – abonnementet er bekræftet",
            "done_body": "Du får en e-mail, når listen over underdatabehandlere ændres. Hver e-mail har et link til "
                         "at afmelde.",
            "invalid_heading": "Linket virker ikke",
            "invalid_body": "Linket er ugyldigt eller udløbet (det virker i 7 dage). Tilmeld dig igen for at få "
                            "et nyt.",
        },
        "subscription_unsubscribe": {
            "title": "Afmeld", "ask_heading": "Afmeld e-mails om ændringer",
            "ask_body": "Tryk på knappen, så sender {org} ikke flere e-mails om ændringer i listen over "
                        "underdatabehandlere til dig.",
            "button": "Afmeld", "done_heading": "Du er afmeldt",
            "done_body": "Hvis linket var gyldigt, får du ikke flere e-mails om ændringer. Du kan altid tilmelde dig "
                         "igen.",
        },
    },
    "en": {
        "title": "Sub-processors",
        "intro": "{org} uses these sub-processors to process personal data on behalf of its customers "
                 "(GDPR Article 28(2)).",
        "skip": "Skip to content",
        "switch_label": "Dansk",
        "switch_language": "da",
        "contents": "Contents",
        "current_heading": "List in effect",
        "current_meta": "Version {number}, in effect since {date}.",
        "letters": "Sub-processors by initial letter",
        "letter_shown": "Showing {shown} of {total} sub-processors: those whose name begins with {letter}.",
        "no_list": "No list has been published yet.",
        "col_name": "Name", "col_purpose": "Purpose", "col_countries": "Countries",
        "col_mechanism": "Transfer mechanism", "col_services": "Services",
        "unknown": "Unknown", "all_services": "All services", "empty": "(empty)",
        "pending_heading": "Announced changes",
        "no_pending": "No changes are announced.",
        "takes_effect": "Takes effect", "objection_deadline": "Deadline for objections",
        "no_objection_window": "None – the change adds no sub-processor and does not change where, how or why "
                               "data is processed.",
        "history_heading": "History",
        "version": "Version {number}", "published": "Published", "status": "Status",
        "withdrawn_reason": "Reason for withdrawal",
        "changes": "Changes", "no_changes": "No changes.",
        "many_changes": "{count} changes: see them all on the page of version {number}.",
        "before": "Before", "after": "After",
        "subscribe_heading": "Get notified of changes",
        "subscribe_intro": "Sign up and we will email you when the list changes. You confirm your address "
                           "through a link we send you.",
        "email_label": "Email address", "language_label": "Language of the emails", "submit": "Subscribe",
        "feed": "Atom feed of all versions", "agreement": "The data processing agreement",
        "services_label": "Services to hear about",
        "services_hint": "Choose none to hear of every change. With services chosen you hear only of versions that "
                         "add a sub-processor to them or change where, how or why one of their sub-processors "
                         "processes data.",
        "service_feeds_heading": "Atom feed of one service",
        "service_feeds_intro": "Only the versions that concern the service, and only the changes that touch it.",
        "service_feed": "Atom feed for {service}",
        "contact": "Questions about data protection",
        "phone": "phone",
        "inbox_title": "Check your inbox",
        "inbox_body": "If the address can receive email from us, we have sent you an email with a link. "
                      "Follow the link to confirm your subscription.",
        "back": "Back to the list of sub-processors",
        "expired_title": "The form has expired",
        "expired_body": "Load the page again and submit the form once more.",
        "errors_title": "The subscription was not completed",
        "agreement_version": "Version {number}, published {date}.",
        "danish_only": "This section is available in Danish only.",
        "clause": "Clause {number}:",
        "convenience_translation": "The English text of the clauses is a convenience translation. The Danish text "
                                   "governs: it is the agreement, and you can open it under each clause.",
        "danish_governs": "The Danish text, which governs",
        "no_agreement": "The agreement has not been published yet.",
        "sha": "SHA-256",
        "objection_title": "Objection to version {number}",
        "objection_intro": "{customer} may object to the changes in version {number} of the list of "
                           "sub-processors. The objection goes to {org}, who will answer you.",
        "your_deadline": "Your deadline for objections",
        "not_notified": "Your deadline runs from when you were told of the change.",
        "reason_label": "Reason for the objection",
        "reason_hint": "Say which change you cannot accept, and why.",
        "submit_objection": "Send objection",
        "objection_received_title": "Your objection has been received",
        "objection_received_body": "We recorded your objection to version {number} on {date}. "
                                   "Reference: {id}. Status: {status}.",
        "objection_exists": "You have already objected to this version. Status: {status}.",
        "deadline_passed": "The deadline for objections to version {number} passed on {date}.",
        "objection_closed": "Version {number} cannot be objected to.",
        "objection_invalid_title": "This link does not work",
        "objection_invalid_body": "The objection link is invalid or incomplete. Use the link in the latest email "
                                  "about the change, or contact us.",
        "objection_errors": "The objection was not sent",
        "legal_objection_title": "Objection to a legal requirement (case {number})",
        "legal_objection_intro": "EU or national law requires {org} to process personal data processed on behalf "
                                 "of {customer} outside the data processing agreement. You may object; the "
                                 "objection goes to {org}, who will answer you.",
        "legal_basis": "Legal basis", "authority": "Authority requiring the processing",
        "legal_processing": "The processing", "processing_starts": "The processing starts",
        "legal_reason_hint": "Say why you cannot accept the processing.",
        "legal_objection_exists": "You have already objected to this legal requirement. Status: {status}.",
        "legal_deadline_passed": "The deadline for objections to the legal requirement of case {number} passed "
                                 "on {date}.",
        "legal_objection_closed": "The legal requirement of case {number} cannot be objected to.",
        "legal_objection_received_body": "We recorded your objection to the legal requirement of case {number} on "
                                         "{date}. Reference: {id}. Status: {status}.",
        "versions_title": "All versions of the list",
        "versions_intro": "Every published version of the list of sub-processors, newest first.",
        "all_versions": "All versions",
        "version_title": "Version {number} of the list of sub-processors",
        "effective": "In effect from", "withdrawn_at": "Withdrawn",
        "note": "Note", "list_in_version": "The list in version {number}",
        "hashes_heading": "Checking the version",
        "content_hash": "Content hash (SHA-256)", "previous_hash": "Previous version's hash",
        "no_previous": "None – this is the first version.",
        "hash_explained": "The content hash is the SHA-256 of the version's canonical JSON: an object with the "
                          "keys number, previous_hash, published_at, effective_at (UTC, ISO 8601 with "
                          "microseconds), note and entries (the sub-processors sorted by slug), with sorted keys, "
                          "no spaces, in UTF-8. The previous version's hash is the content hash of version "
                          "{previous}, so each version is chained to the one before, and changing an earlier "
                          "version breaks the chain. The command python -m registry verify recomputes every hash "
                          "and link of the chain.",
        "hash_explained_first": "The content hash is the SHA-256 of the version's canonical JSON: an object with "
                                "the keys number, previous_hash (here null), published_at, effective_at (UTC, "
                                "ISO 8601 with microseconds), note and entries (the sub-processors sorted by slug), "
                                "with sorted keys, no spaces, in UTF-8. The next version carries this hash as its "
                                "previous hash. The command python -m registry verify recomputes every hash and "
                                "link of the chain.",
        "version_json": "The version as JSON with the exact text its hash is computed over, for your own checks",
        "previous_version": "Previous version", "next_version": "Next version",
        "not_found_title": "Page not found",
        "not_found_body": "There is no page at this address.",
        "version_not_found": "Version {number} does not exist.",
        "subscription_confirm": {
            "title": "Confirm subscription", "ask_heading": "Confirm your subscription",
            "ask_body": "Press the button to get an email whenever {org} changes its list of sub-processors.",
            "button": "Confirm", "done_heading": "Thank you – your subscription is confirmed",
            "done_body": "You will get an email whenever the list of sub-processors changes. Every email has a link "
                         "to unsubscribe.",
            "invalid_heading": "This link does not work",
            "invalid_body": "The link is invalid or has expired (it works for 7 days). Subscribe again to get a "
                            "new one.",
        },
        "subscription_unsubscribe": {
            "title": "Unsubscribe", "ask_heading": "Unsubscribe from change emails",
            "ask_body": "Press the button and {org} will send you no more emails about changes to its list of "
                        "sub-processors.",
            "button": "Unsubscribe", "done_heading": "You are unsubscribed",
            "done_body": "If the link was valid, you will get no more emails about changes. You can subscribe again "
                         "at any time.",
        },
    },
}


def texts(language: str) -> SimpleNamespace:
    # Status and change words come from the one table the emails and the feed use too.
    shared = {key.lower(): label("change", key, language) for key in ("ADDED", "REMOVED", "CHANGED")}
    shared |= {key: label("status", key, language) for key in ("PENDING", "EFFECTIVE", "SUPERSEDED", "WITHDRAWN")}
    shared |= {key: label("objection_status", key, language) for key in ("RECEIVED", "ACKNOWLEDGED", "RESOLVED")}
    return SimpleNamespace(**_TEXTS[language], **shared)


def machine_time(moment: datetime) -> str:
    """An instant for a <time datetime>: UTC to the second, since HTML allows at most three fractional digits."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
