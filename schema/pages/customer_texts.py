"""The words of the customer's own page, in Danish and English; its script reads them from the page."""

from registry import labels
from schema.pages import i18n

_CUSTOMER = {
    "da": {
        "title": "Jeres underdatabehandlere",
        "noscript": "Siden kræver JavaScript. I kan også bruge GraphQL-forespørgslen \"me\" med tokenet fra "
                    "linket som \"Authorization: Bearer ...\".",
        "loading": "Henter jeres oplysninger …",
        "for_customer": "For {customer}.",
        "pending_heading": "Varslede ændringer",
        "no_pending": "Ingen ændringer venter på jer.",
        "not_notified": "I har endnu ikke fået varslet; fristen løber fra, når det er sendt.",
        "acknowledge": "Vi har læst ændringen og gør ikke indsigelse",
        "acknowledged": "I har bekræftet ændringen den {date}.",
        "objected": "I har gjort indsigelse. Status: {status}.",
        "reason_label": "Begrundelse for indsigelse mod version {number}",
        "submit_objection": "Send indsigelse",
        "authorised_heading": "Godkendte underdatabehandlere",
        "authorised_meta": "Listen I har godkendt, for de ydelser I har valgt (version {number}).",
        "notices_heading": "Varsler sendt til jer",
        "no_notices": "Der er ikke sendt varsler til jer endnu.",
        "col_version": "Version", "col_sent": "Sendt", "col_recipient": "Modtager",
        "objections_heading": "Jeres indsigelser",
        "no_objections": "I har ikke gjort indsigelse.",
        "col_status": "Status", "col_reason": "Begrundelse", "col_decision": "Afgørelse",
        "withdraw": "Træk indsigelsen mod version {number} tilbage",
        "withdraw_legal": "Træk indsigelsen mod lovkravet i sag {number} tilbage",
        "legal_case": "Lovkrav, sag {number}",
        "legal_heading": "Behandling, som loven kræver",
        "no_legal": "Vi har ikke underrettet jer om krav i lovgivningen om behandling uden for aftalen.",
        "legal_reason_label": "Begrundelse for indsigelse mod lovkravet i sag {number}",
        "saved": "Gemt.", "failed": "Det lykkedes ikke: {message}",
        "expired": "Linket er udløbet eller ugyldigt. Skriv jeres e-mailadresse, så sender vi et nyt, hvis den "
                   "er registreret som kontakt.",
        "email_label": "E-mailadresse", "send_link": "Send mig et link",
        "link_sent": "Hvis adressen er en kontakt hos en kunde, er et link på vej. Det virker i 24 timer.",
        "sign_out": "Log ud",
        "signed_out": "I er logget ud. Linket i e-mailen virker fortsat, til det udløber.",
        "incidents_heading": "Brud på persondatasikkerheden",
        "incidents_intro": "Brud, der berører personoplysninger, vi behandler for jer, og som vi har underrettet "
                           "jer om (databeskyttelsesforordningens artikel 33).",
        "no_incidents": "Vi har ikke underrettet jer om noget brud på persondatasikkerheden.",
        "incident_title": "Brud på persondatasikkerheden nr. {id}",
        "updates_heading": "Opdateringer",
        "no_updates": "Der er ingen opdateringer endnu.",
        "acknowledge_incident": "Bekræft, at vi har modtaget underretningen om brud nr. {id}",
        "incident_acknowledged": "I har bekræftet, at I har modtaget underretningen.",
        "downloads_heading": "Hent jeres registrering",
        "downloads_intro": "Alle oplysninger om bruddene, opdateringerne og jeres underretning, til jeres egen "
                           "dokumentation (artikel 33, stk. 5).",
        "download_json": "Hent som JSON", "download_csv": "Hent som CSV (regneark)",
        "webhooks_heading": "Webhooks",
        "webhooks_intro": "Jeres egne systemer eller en Slack- eller Teams-kanal kan få besked om ændringer. Et "
                          "endepunkt får intet, før det har besvaret bekræftelsen.",
        "webhook_url": "Adresse (https)", "webhook_events": "Hændelser", "webhook_format": "Form",
        "webhook_add": "Tilføj webhook",
        "webhook_secret": "Hemmeligheden til at kontrollere signaturerne vises kun denne ene gang: {secret}",
        "webhook_verified": "Bekræftet", "webhook_unverified": "Venter på bekræftelse",
        "webhook_paused": "Sat på pause til {date} efter gentagne fejl",
        "webhook_code": "Koden fra bekræftelsesbeskeden", "webhook_confirm": "Bekræft",
        "webhook_rotate": "Ny hemmelighed (den gamle virker et døgn endnu)", "webhook_remove": "Fjern",
        "webhook_last": "Seneste levering: {event}, {status}, {date}", "webhook_none": "Ingen webhooks endnu.",
        "col_url": "Adresse", "col_webhook_state": "Tilstand",
    },
    "en": {
        "title": "Your sub-processors",
        "noscript": "This page needs JavaScript. You can also send the GraphQL query \"me\" with the token from "
                    "the link as \"Authorization: Bearer ...\".",
        "loading": "Loading your information …",
        "for_customer": "For {customer}.",
        "pending_heading": "Announced changes",
        "no_pending": "No changes are waiting for you.",
        "not_notified": "You have not been notified yet; your deadline counts from when the notice is sent.",
        "acknowledge": "We have read the change and do not object",
        "acknowledged": "You confirmed the change on {date}.",
        "objected": "You have objected. Status: {status}.",
        "reason_label": "Reason for objecting to version {number}",
        "submit_objection": "Send objection",
        "authorised_heading": "Authorised sub-processors",
        "authorised_meta": "The list you have authorised, for the services you chose (version {number}).",
        "notices_heading": "Notices sent to you",
        "no_notices": "No notices have been sent to you yet.",
        "col_version": "Version", "col_sent": "Sent", "col_recipient": "Recipient",
        "objections_heading": "Your objections",
        "no_objections": "You have not objected.",
        "col_status": "Status", "col_reason": "Reason", "col_decision": "Decision",
        "withdraw": "Withdraw the objection to version {number}",
        "withdraw_legal": "Withdraw the objection to the legal requirement of case {number}",
        "legal_case": "Legal requirement, case {number}",
        "legal_heading": "Processing required by law",
        "no_legal": "We have not told you of any requirement of law to process outside the agreement.",
        "legal_reason_label": "Reason for objecting to the legal requirement of case {number}",
        "saved": "Saved.", "failed": "That did not work: {message}",
        "expired": "The link has expired or is not valid. Enter your email address and we will send a new one if "
                   "it is registered as a contact.",
        "email_label": "Email address", "send_link": "Send me a link",
        "link_sent": "If the address is a customer's contact, a link is on its way. It works for 24 hours.",
        "sign_out": "Sign out",
        "signed_out": "You are signed out. The link in the email still works until it expires.",
        "incidents_heading": "Personal data breaches",
        "incidents_intro": "Breaches affecting personal data we process for you that we have notified you of "
                           "(GDPR Article 33).",
        "no_incidents": "We have not notified you of any personal data breach.",
        "incident_title": "Personal data breach no. {id}",
        "updates_heading": "Updates",
        "no_updates": "There are no updates yet.",
        "acknowledge_incident": "Confirm that we received the notice of breach no. {id}",
        "incident_acknowledged": "You have confirmed that you received the notice.",
        "downloads_heading": "Download your record",
        "downloads_intro": "Every fact of the breaches, the updates and your notice, for your own documentation "
                           "(Article 33(5)).",
        "download_json": "Download as JSON", "download_csv": "Download as CSV (spreadsheet)",
        "webhooks_heading": "Webhooks",
        "webhooks_intro": "Your own systems, or a Slack or Teams channel, can hear of changes. An endpoint gets "
                          "nothing until it has answered its verification.",
        "webhook_url": "Address (https)", "webhook_events": "Events", "webhook_format": "Format",
        "webhook_add": "Add webhook",
        "webhook_secret": "The secret to check the signatures with is shown only this once: {secret}",
        "webhook_verified": "Verified", "webhook_unverified": "Waiting for verification",
        "webhook_paused": "Paused until {date} after repeated failures",
        "webhook_code": "The code from the verification message", "webhook_confirm": "Verify",
        "webhook_rotate": "New secret (the old one works for another day)", "webhook_remove": "Remove",
        "webhook_last": "Last delivery: {event}, {status}, {date}", "webhook_none": "No webhooks yet.",
        "col_url": "Address", "col_webhook_state": "State",
    },
}


# Words the public pages already have, said the same way here.
_EVENTS = {
    "da": [("VERSION_PUBLISHED", "Ny version offentliggjort"), ("VERSION_EFFECTIVE", "Version trådt i kraft"),
           ("VERSION_WITHDRAWN", "Version trukket tilbage"), ("OBJECTION_UPDATED", "Indsigelse opdateret"),
           ("INCIDENT_NOTIFIED", "Hændelse meddelt"), ("INCIDENT_UPDATED", "Hændelse opdateret")],
    "en": [("VERSION_PUBLISHED", "Version published"), ("VERSION_EFFECTIVE", "Version took effect"),
           ("VERSION_WITHDRAWN", "Version withdrawn"), ("OBJECTION_UPDATED", "Objection updated"),
           ("INCIDENT_NOTIFIED", "Incident notified"), ("INCIDENT_UPDATED", "Incident updated")],
}
_FORMATS = {
    "da": [("STANDARD", "Signeret JSON (Standard Webhooks)"), ("SLACK", "Slack-besked"), ("TEAMS", "Teams-besked")],
    "en": [("STANDARD", "Signed JSON (Standard Webhooks)"), ("SLACK", "Slack message"), ("TEAMS", "Teams message")],
}
_DELIVERY = {
    "da": {"QUEUED": "i kø", "RETRYING": "prøves igen", "DELIVERED": "leveret", "DEAD": "opgivet",
           "CANCELLED": "annulleret"},
    "en": {"QUEUED": "queued", "RETRYING": "being retried", "DELIVERED": "delivered", "DEAD": "given up",
           "CANCELLED": "cancelled"},
}


_SHARED = ("takes_effect", "your_deadline", "col_name", "col_purpose", "col_countries", "unknown",
           "RECEIVED", "ACKNOWLEDGED", "RESOLVED", "WITHDRAWN", "legal_basis", "authority", "legal_processing",
           "processing_starts")


def customer_texts(language: str) -> dict:
    """Every string the customer page shows, with the public pages' words for what both show."""
    public = i18n.texts(language)
    kinds = {kind.upper(): getattr(public, kind) for kind in ("added", "removed", "changed")}
    outcomes = {key: labels.label("outcome", key, language) for key in ("ACCEPTED", "REJECTED", "TERMINATION")}
    webhooks = {"webhook_event_choices": _EVENTS[language], "webhook_format_choices": _FORMATS[language],
                "webhook_event_names": dict(_EVENTS[language]), "webhook_delivery_status": _DELIVERY[language]}
    return (_CUSTOMER[language] | kinds | outcomes | {key: getattr(public, key) for key in _SHARED} | webhooks)
