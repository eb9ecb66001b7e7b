"""Turning claimed rows into messages: bodies rendered once per kind, language and version."""

import asyncio
from collections.abc import Callable
from datetime import datetime

from jinja2 import TemplateError

from notifications.claims import NoticeCustomer
from notifications.outbox.models import Leased, NotificationKind
from notifications.rendering.render import (
    Bodies,
    build_message,
    compile_templates,
    message_id,
    render_bodies,
    shared_headers,
)
from registry import labels
from registry.db import utcnow
from registry.objections.windows import Window, customer_window
from registry.objections.windows import window as objection_window
from notifications.settings import NotificationSettings
from registry.versions.models import RegistryVersion

# A message ready to send (bytes and Message-ID), or why it could not be built.
Prepared = tuple[bytes, str] | Exception


class Composer:
    """Builds each row's message; a fan-out renders its templates once, not once per recipient."""

    def __init__(self, settings: NotificationSettings, installation: str | None = None) -> None:
        self.settings = settings
        self.installation = installation  # the worker reads it from the database before its first batch
        self._bodies: dict[tuple, tuple[Bodies, bytes]] = {}
        compile_templates()

    def prepare(self, row: Leased, versions: dict[int, RegistryVersion],
                customers: dict[int, NoticeCustomer]) -> Prepared:
        """The message and Message-ID for one row, or the error that stops it being built."""
        try:
            customer = customers[row.customer_id] if row.for_customer else None
            window = notice_window(customer, versions.get(row.version_number)) if customer else None
            bodies, shared = self._bodies_for(row, versions, window)
            fills = (requirement_fills(row) if row.kind == NotificationKind.LEGAL_REQUIREMENT
                     else customer_fills(customer, window, row.language))
            message = build_message(notification=row, bodies=bodies, shared=shared, settings=self.settings,
                                    installation=self.installation, **fills)
        except (TemplateError, ValueError, LookupError) as error:
            return error
        return message, message_id(row, self.settings, self.installation)

    def _bodies_for(self, row: Leased, versions: dict[int, RegistryVersion],
                    window: Window | None) -> tuple[Bodies, bytes]:
        if row.payload is not None:  # a one-off email: rendered for this row alone
            bodies = render_bodies(kind=NotificationKind(row.kind), language=row.language, version=None,
                                   settings=self.settings, payload=row.payload)
            return bodies, shared_headers(bodies=bodies, settings=self.settings, to_subscriber=False)
        opens = window is not None and window.opens
        # Two renders per version and language for customers at most: the change touches their services or not.
        key = (row.kind, row.language, row.version_number, row.for_customer, opens)
        if key not in self._bodies:
            bodies = render_bodies(kind=NotificationKind(row.kind), language=row.language,
                                   version=versions.get(row.version_number), settings=self.settings,
                                   for_customer=row.for_customer, window_opens=opens)
            self._bodies[key] = bodies, shared_headers(bodies=bodies, settings=self.settings)
        return self._bodies[key]


def notice_window(customer: NoticeCustomer, version: RegistryVersion | None) -> Window | None:
    """The customer's window as this notice starts it: from when it first reached them, or from now.

    A notice built now leaves at or after now, so the deadline it states is never later than the one
    recorded when it is sent (they differ by the seconds the send takes).
    """
    if version is None or customer.terms is None:
        return None
    return customer_window(version=version, services=customer.terms.services,
                           notice_days=customer.terms.notice_days,
                           notified_at=customer.notified.get(version.number) or utcnow())


def customer_fills(customer: NoticeCustomer | None, window: Window | None, language: str) -> dict:
    """The per-recipient slots of a customer's notice: their name, services and own deadline."""
    if customer is None:
        return {}
    services = labels.services_text(customer.terms.services, language) if customer.terms else "—"
    deadline = labels.local_time(window.closes_at, language) if window and window.opens else ""
    return {"customer": customer.name, "customer_deadline": deadline, "customer_services": services}


def requirement_fills(row: Leased) -> dict:
    """A legal requirement's notice states the customer's own deadline as the notice starts it: from now.

    It leaves at or after now, so the deadline it states is never later than the one recorded when it
    is sent, unless another contact's copy reached the customer first (then by the seconds between them).
    """
    facts = row.payload
    if facts.get("notice_days") is None:  # no active agreement: nothing to object under
        return {}
    closes = objection_window(opens=True, takes_effect_at=datetime.fromisoformat(facts["starts_at"]),
                              notice_days=facts["notice_days"], notified_at=utcnow()).closes_at
    return {"customer_deadline": labels.local_time(closes, row.language)}


class BuildAhead:
    """Builds the next message in a loop callback, which runs as soon as the current send first waits.

    Each SMTP command waits for the server about as long as building a message takes, so the next
    message is built while this one is on the wire instead of after it.
    """

    def __init__(self, build: Callable[[], Prepared]) -> None:
        self.build = build
        self.built: Prepared | None = None
        self.handle = asyncio.get_running_loop().call_soon(self._run)

    def _run(self) -> None:
        self.built = self.build()

    def take(self) -> Prepared:
        """The built message, built now if the send never waited (an .eml file, say)."""
        self.handle.cancel()
        return self.built if self.built is not None else self.build()
