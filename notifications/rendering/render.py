"""Turning an outbox row into a MIME message: templates, links, headers, Message-ID."""

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, formataddr
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications.outbox.models import Leased, Notification, NotificationKind
from notifications.rendering.mime import assemble, header
from notifications.rendering.texts import SUBJECTS, objected_to
from notifications.subscriptions.tokens import TokenPurpose, make_token
from registry import labels
from registry.auth.service import customer_access_token
from registry.db import utcnow
from registry.objections.links import objection_link_token
from notifications.settings import NotificationSettings
from registry.text import clean_output, strip_xml_unsafe
from registry.versions.models import RegistryVersion
from registry.versions.presentation import present_version

TEMPLATES = Path(__file__).with_name("templates")
# Per-recipient links, and the customer a notice is for, fill slots the templates own: a fan-out renders
# the bodies once and cuts them at the slots. A slot is its name between NULs, which no other rendered
# value can hold (the finalize drops them), so a note or a name that reads "@@OBJECT_URL@@" comes out as typed.
SLOTS = ("unsubscribe_url", "object_url", "action_url", "customer", "customer_deadline", "customer_services")
_SLOT = re.compile("\x00(" + "|".join(SLOTS) + ")\x00")


class _Slot(str):
    """Where a per-recipient value goes: the one kind of value the finalize lets a NUL through in."""


def _finalize(value: object) -> object:
    return value if isinstance(value, _Slot) else clean_output(value)


@cache
def environment() -> Environment:
    # HTML is autoescaped, so whatever an admin typed shows as text; plain text needs no escaping.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=_finalize)
    env.filters["local"] = lambda iso, language: labels.local_time(datetime.fromisoformat(iso), language)
    env.globals["label"] = labels.label
    return env


def version_url(base: str, number: int, language: str = "da") -> str:
    """The version's own page, in the reader's language: what a person can open and read."""
    return f"{base.rstrip('/')}/subprocessors/versions/{number}" + ("?lang=en" if language == "en" else "")


def with_language(url: str, language: str) -> str:
    # After the token, so a link still reads ...?token=X for a person copying it by hand.
    return f"{url}&lang={language}"


def mail_host(settings: NotificationSettings) -> str:
    return urlsplit(settings.public_url).hostname or "registry.invalid"


def message_id(notification: Leased | Notification, settings: NotificationSettings, installation: str) -> str:
    """The same Message-ID on every attempt, so a receiver can tell a resend from a new notice.

    Row numbers repeat in a fresh database or another installation: the installation's key keeps the id
    unique, since a mail provider may drop a message whose Message-ID it has seen before.
    """
    return (f"<{notification.kind.lower()}.{notification.version_number or 0}.{notification.id}.{installation}"
            f"@{mail_host(settings)}>")


@dataclass(frozen=True)
class Bodies:
    """Subject and bodies of one kind of email in one language, cut at the slots for per-recipient values."""

    subject: str
    text: tuple[str, ...]  # literal, slot name, literal, …, literal
    html: tuple[str, ...]


TEMPLATE_NAMES = {
    NotificationKind.VERSION_PUBLISHED: "version_notice", NotificationKind.VERSION_WITHDRAWN: "version_withdrawn",
    NotificationKind.CONFIRM: "confirm", NotificationKind.MANAGE: "manage",
    NotificationKind.OBJECTION_RECEIPT: "objection_receipt", NotificationKind.OBJECTION_FILED: "objection_filed",
    NotificationKind.OBJECTION_RESOLVED: "objection_resolved", NotificationKind.CUSTOMER_ACCESS: "customer_access",
    NotificationKind.OBJECTION_REMINDER: "objection_reminder",
    NotificationKind.INCIDENT_NOTICE: "incident_notice", NotificationKind.INCIDENT_UPDATE: "incident_update",
    NotificationKind.LEGAL_REQUIREMENT: "legal_requirement",
}


def compile_templates() -> None:
    """Compile every email template now, so a broken one stops a worker at start, not in mid fan-out."""
    env = environment()
    for language in ("da", "en"):
        for name in TEMPLATE_NAMES.values():
            env.get_template(f"{language}/{name}.txt")
            env.get_template(f"{language}/{name}.html")


def render_bodies(*, kind: NotificationKind, language: str, version: RegistryVersion | None,
                  settings: NotificationSettings, for_customer: bool = False, payload: dict | None = None,
                  window_opens: bool = True) -> Bodies:
    """Render the templates once; the same bodies serve every recipient of a version notice.

    Only a customer's notice contact gets an "object" link, and only when the change opens a window for
    them (it touches the services in their agreement): subscribers who are not customers have no
    agreement to object under. A transactional email renders its own payload.
    """
    context = {"org": settings.organisation_name, "contact_email": settings.privacy_contact_email,
               "public_url": settings.public_url, "can_object": for_customer, "payload": payload or {},
               "language": language, "window_opens": for_customer and window_opens,
               "list_url": f"{settings.public_url}/subprocessors" + ("?lang=en" if language == "en" else ""),
               **{name: _Slot(f"\x00{name}\x00") for name in SLOTS}}
    if version is not None:
        context |= {"number": version.number, "note": version.note, "content_hash": version.content_hash,
                    "effective": labels.local_time(version.effective_at, language),
                    "deadline": (labels.local_time(version.objection_deadline, language)
                                 if version.objection_deadline else None),
                    "withdrawn_reason": version.withdrawn_reason,
                    "version_url": version_url(settings.public_url, version.number, language),
                    "changes": present_version(version, language)}
    name = TEMPLATE_NAMES[NotificationKind(kind)]
    env = environment()
    facts = payload or {}
    # An objection is to a version or to a legal requirement; a requirement's own notice names its case.
    requirement = facts.get("legal_requirement") or facts.get("legal_requirement_id")
    number = context.get("number") or facts.get("version") or requirement
    context["objected_to"] = objected_to(language, requirement=requirement, version=number)
    subject_key = f"{kind}_LEGAL" if facts.get("legal_requirement") else kind
    subject = SUBJECTS[language][subject_key].format(org=settings.organisation_name, number=number)
    text, markup = (env.get_template(f"{language}/{name}.{ext}").render(context) for ext in ("txt", "html"))
    return Bodies(subject=subject, text=tuple(_SLOT.split(text)), html=tuple(_SLOT.split(markup)))


def _fill(parts: tuple[str, ...], values: dict[str, str]) -> str:
    return "".join(values[part] if index % 2 else part for index, part in enumerate(parts))


def fill_bodies(bodies: Bodies, *, links: dict[str, str], customer: str | None, customer_deadline: str = "",
                customer_services: str = "") -> tuple[str, str]:
    """The text and HTML one recipient reads: the bodies with their links and customer facts in the slots."""
    fills = links | {"customer": strip_xml_unsafe(customer or ""), "customer_deadline": customer_deadline,
                     "customer_services": strip_xml_unsafe(customer_services)}
    return _fill(bodies.text, fills), _fill(bodies.html, {name: html.escape(value) for name, value in fills.items()})


def _links(notification: Leased | Notification, settings: NotificationSettings) -> dict[str, str]:
    secret, base = settings.signing_keys, settings.public_url
    links = {"unsubscribe_url": "", "object_url": "", "action_url": ""}
    if notification.kind == NotificationKind.CUSTOMER_ACCESS:
        # The access token is made at sending time, so it is never stored and expires a day after it left.
        access = customer_access_token(secret_key=secret, customer_id=notification.customer_id,
                                       email=notification.to_address)
        # In the fragment, which browsers never send to a server: it stays out of logs and referrers.
        links["action_url"] = f"{base}/customer?lang={notification.language}#access_token={access}"
    elif notification.kind in (NotificationKind.INCIDENT_NOTICE, NotificationKind.INCIDENT_UPDATE):
        links["action_url"] = incident_url(settings, notification)
    if notification.version_number is not None and notification.customer_id is not None:
        objection = objection_link_token(secret_key=secret, customer_id=notification.customer_id,
                                         version_number=notification.version_number)
        links["object_url"] = with_language(f"{base}/objections/new?token={objection}", notification.language)
    if notification.kind == NotificationKind.LEGAL_REQUIREMENT and notification.customer_id is not None:
        objection = objection_link_token(secret_key=secret, customer_id=notification.customer_id,
                                         legal_requirement_id=notification.payload["legal_requirement_id"])
        links["object_url"] = with_language(f"{base}/objections/new?token={objection}", notification.language)
    if notification.subscription_id is None:
        return links
    unsubscribe = make_token(secret_key=secret, purpose=TokenPurpose.UNSUBSCRIBE,
                             subscription_id=notification.subscription_id)
    links["unsubscribe_url"] = with_language(f"{base}/subscriptions/unsubscribe?token={unsubscribe}",
                                              notification.language)
    if notification.kind == NotificationKind.CONFIRM:
        confirm = make_token(secret_key=secret, purpose=TokenPurpose.CONFIRM,
                             subscription_id=notification.subscription_id)
        links["action_url"] = with_language(f"{base}/subscriptions/confirm?token={confirm}", notification.language)
    else:
        links["action_url"] = links["unsubscribe_url"]
    return links


def incident_url(settings: NotificationSettings, notification: Leased | Notification) -> str:
    """The incident on the customer's own page: the access link's pattern, and the incident after the token.

    The page takes access_token from the fragment as it always does; `incident=<id>` names the section
    (id "incident-<id>") to show. The token is made at sending time and expires a day after it left.
    """
    access = customer_access_token(secret_key=settings.signing_keys, customer_id=notification.customer_id,
                                   email=notification.to_address)
    return (f"{settings.public_url}/customer?lang={notification.language}"
            f"#access_token={access}&incident={notification.payload['incident_id']}")


def shared_headers(*, bodies: Bodies, settings: NotificationSettings, to_subscriber: bool = True) -> bytes:
    """The header lines every recipient of these bodies gets, encoded once; list headers for subscribers."""
    lines = [header("Subject", bodies.subject),
             header("From", formataddr((settings.organisation_name, settings.mail_from)))]
    if to_subscriber:
        lines += [header("List-Id", f"{settings.organisation_name} sub-processor notices "
                                    f"<subprocessors.{mail_host(settings)}>"),
                  header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]
    return b"".join([*lines, header("Auto-Submitted", "auto-generated")])


def build_message(*, notification: Leased | Notification, bodies: Bodies, settings: NotificationSettings,
                  installation: str, shared: bytes | None = None, customer: str | None = None,
                  customer_deadline: str = "", customer_services: str = "") -> bytes:
    """The complete message to one subscriber, with one-click unsubscribe headers (RFC 8058)."""
    links = _links(notification, settings)
    text, markup = fill_bodies(bodies, links=links, customer=customer, customer_deadline=customer_deadline,
                               customer_services=customer_services)
    mid = message_id(notification, settings, installation)
    own = [("To", notification.to_address), ("Date", format_datetime(utcnow())), ("Message-ID", mid)]
    if links["unsubscribe_url"]:
        token = links["unsubscribe_url"].split("token=", 1)[1].split("&", 1)[0]
        own.append(("List-Unsubscribe",
                    f"<{links['unsubscribe_url']}>, <mailto:{settings.unsubscribe_address}?subject=unsubscribe%20{token}>"))
    # The boundary only has to be absent from base64 text: a fixed one derived from the Message-ID is.
    boundary = "=_" + hashlib.sha256(mid.encode()).hexdigest()[:32]
    return assemble(shared=shared if shared is not None else shared_headers(bodies=bodies, settings=settings),
                    own=own, text=text, html=markup, boundary=boundary)
