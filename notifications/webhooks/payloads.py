"""What a webhook says: the signed JSON of Standard Webhooks, or a Slack or Teams message in words.

The JSON carries the same structured changes as the GraphQL Change type (field names in camelCase), so a
receiver reads one shape from either. Chat messages are built from that JSON when they are sent, in the
endpoint's language, with the change set in the words the emails and pages use (registry/labels.py).
"""

from datetime import datetime

from registry import labels
from registry.objections.terms import Terms
from registry.objections.windows import customer_window
from registry.versions.models import Change, RegistryVersion
from registry.versions.presentation import present_version
from notifications.rendering.texts import objected_to
from notifications.webhooks.models import VERIFICATION, BodyFormat, EventType


def _camel(name: str | None) -> str | None:
    if name is None:
        return None
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _instant(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def envelope(*, event_type: str, data: dict, at: datetime) -> dict:
    """The Standard Webhooks payload: type, timestamp and the event's data."""
    return {"type": event_type, "timestamp": _instant(at), "data": {"event": event_type, **data}}


def change_json(change: Change) -> dict:
    """One change as GraphQL's Change type gives it."""
    return {"kind": change.kind.value, "slug": change.slug, "name": change.name, "field": _camel(change.field),
            "before": change.before, "after": change.after}


def version_data(*, version: RegistryVersion, terms: Terms | None, public_url: str) -> dict:
    """A version event's data, with the customer's own deadline where the version opens a window for them.

    The deadline is counted from publication, when the customer hears of it by this webhook; their notice
    email, if it leaves later, can only move it later (registry/objections/windows.py).
    """
    deadline = None
    if terms is not None:
        window = customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                                 notified_at=version.published_at)
        deadline = window.closes_at if window.opens else None
    return {"versionNumber": version.number, "publishedAt": _instant(version.published_at),
            "effectiveAt": _instant(version.effective_at), "objectionDeadline": _instant(deadline),
            "withdrawnAt": _instant(version.withdrawn_at), "note": version.note,
            "changes": [change_json(change) for change in version.change_list()],
            "contentHash": version.content_hash, "previousHash": version.previous_hash,
            "url": f"{public_url.rstrip('/')}/subprocessors/versions/{version.number}"}


def objection_data(*, objection) -> dict:
    """An objection's state as its customer sees it."""
    return {"objectionId": objection.id, "versionNumber": objection.version_number,
            "legalRequirementId": objection.legal_requirement_id, "status": objection.status,
            "outcome": objection.outcome, "note": objection.resolution_note,
            "filedAt": _instant(objection.filed_at), "acknowledgedAt": _instant(objection.acknowledged_at),
            "resolvedAt": _instant(objection.resolved_at), "withdrawnAt": _instant(objection.withdrawn_at)}


_HEADLINES = {
    "da": {EventType.VERSION_PUBLISHED: "{org} har offentliggjort version {n} af listen over underdatabehandlere.",
           EventType.VERSION_EFFECTIVE: "Version {n} af {org}s liste over underdatabehandlere er trådt i kraft.",
           EventType.VERSION_WITHDRAWN: "{org} har trukket version {n} af listen over underdatabehandlere tilbage. "
                                        "Den træder ikke i kraft.",
           EventType.OBJECTION_UPDATED: "Jeres indsigelse mod {subject} hos {org} er opdateret.",
           EventType.INCIDENT_NOTIFIED: "{org} har meddelt en hændelse.",
           EventType.INCIDENT_UPDATED: "{org} har opdateret en hændelse.",
           VERIFICATION: "Bekræftelseskode til jeres webhook hos {org}: {code}. Skriv den på jeres kundeside, "
                         "så begynder beskederne at komme her."},
    "en": {EventType.VERSION_PUBLISHED: "{org} published version {n} of its list of sub-processors.",
           EventType.VERSION_EFFECTIVE: "Version {n} of {org}'s list of sub-processors has taken effect.",
           EventType.VERSION_WITHDRAWN: "{org} withdrew version {n} of its list of sub-processors. "
                                        "It will not take effect.",
           EventType.OBJECTION_UPDATED: "Your objection to {subject} at {org} was updated.",
           EventType.INCIDENT_NOTIFIED: "{org} notified an incident.",
           EventType.INCIDENT_UPDATED: "{org} updated an incident.",
           VERIFICATION: "Verification code for your webhook at {org}: {code}. Enter it on your customer page "
                         "and messages start arriving here."},
}
_WORDS = {"da": {"effective": "Træder i kraft", "deadline": "Jeres frist for indsigelse", "open": "Se versionen",
                 "status": "Status", "update": "Opdatering"},
          "en": {"effective": "Takes effect", "deadline": "Your deadline to object", "open": "See the version",
                 "status": "Status", "update": "Update"}}


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else None


def chat_lines(*, payload: dict, version: RegistryVersion | None, language: str,
               organisation: str) -> tuple[str, list[str], str | None]:
    """A message in words: the headline, the lines below it, and a link to open (or None)."""
    data, event = payload["data"], payload["type"]
    words = _WORDS[language]
    headline = _HEADLINES[language].get(event, event).format(
        org=organisation, n=data.get("versionNumber"), code=data.get("challenge"), subject=objected_to(
            language, requirement=data.get("legalRequirementId"), version=data.get("versionNumber")))
    lines: list[str] = []
    if event in (EventType.VERSION_PUBLISHED, EventType.VERSION_EFFECTIVE):
        lines.append(f"{words['effective']}: {labels.local_time(_parse(data['effectiveAt']), language)}")
        if data.get("objectionDeadline"):
            lines.append(f"{words['deadline']}: {labels.local_time(_parse(data['objectionDeadline']), language)}")
    if event == EventType.OBJECTION_UPDATED:
        lines.append(f"{words['status']}: {labels.label('objection_status', data['status'], language)}")
    if event in (EventType.INCIDENT_NOTIFIED, EventType.INCIDENT_UPDATED):
        # The nature, then what is new: an update's text, or on the first notice the measures taken.
        shown = (("nature", labels.label("incident", "nature", language)), ("updateText", words["update"])
                 if data.get("updateText") else ("measures", labels.label("incident", "measures", language)))
        lines += [f"{label}: {data[key]}" for key, label in shown if data.get(key)]
    if version is not None and event != EventType.OBJECTION_UPDATED:
        lines += present_version(version, language).lines()
    link = data.get("url")
    if link and version is not None:
        link = f"{link}?lang=en" if language == "en" else link
    return headline, lines, link


def _slack_escape(text: str) -> str:
    # Slack reads &, < and > as markup (links, mentions); everything else is plain text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(headline: str, lines: list[str], link: str | None, language: str) -> dict:
    """A Slack incoming-webhook message: plain text for notifications, blocks for the channel."""
    text = "\n".join([headline, *lines, *([link] if link else [])])
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{_slack_escape(headline)}*"}}]
    if lines:
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": _slack_escape("\n".join(lines))[:3000]}})
    if link:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"<{_slack_escape(link)}|{_slack_escape(_WORDS[language]['open'])}>"}]})
    return {"text": text, "blocks": blocks}


def teams_body(headline: str, lines: list[str], link: str | None, language: str) -> dict:
    """A Microsoft Teams incoming-webhook message carrying one adaptive card."""
    body = [{"type": "TextBlock", "text": headline, "weight": "Bolder", "wrap": True}]
    body += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "None"} for line in lines]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": _WORDS[language]["open"], "url": link}]
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                "contentUrl": None, "content": card}]}


def body_of(*, payload: dict, body_format: str, version: RegistryVersion | None, language: str,
            organisation: str) -> dict:
    """What is posted to an endpoint: the payload itself, or the chat message made from it."""
    if body_format == BodyFormat.STANDARD:
        return payload
    headline, lines, link = chat_lines(payload=payload, version=version, language=language, organisation=organisation)
    build = slack_body if body_format == BodyFormat.SLACK else teams_body
    return build(headline, lines, link, language)
