"""What publishing the draft now would send: every audience's email, rendered by the real renderer, unsent.

The links a recipient's email carries are signed for that recipient; a preview shows the same links with
a fake token instead (PREVIEW_TOKEN), so nothing it shows can unsubscribe anyone or object for anyone.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.outbox.models import NotificationKind
from notifications.claims import NoticeCustomer
from notifications.composer import customer_fills, notice_window
from notifications.rendering.render import Bodies, fill_bodies, render_bodies, with_language
from notifications.subscriptions import audience
from registry.customers import service as customers
from registry.customers.models import AgreementStatus
from registry.objections.terms import terms_of
from notifications.settings import NotificationSettings
from registry.versions import service as versions
from registry.versions.models import RegistryVersion

PREVIEW_TOKEN = "PREVIEW-not-a-real-token"
PREVIEW_ACTOR = "preview"
LANGUAGES = ("da", "en")


@dataclass(frozen=True)
class Audience:
    """One email as its recipients would read it, and how many would get it."""

    language: str
    recipients: int
    subject: str
    text: str
    html: str
    customer_id: int | None = None
    customer_name: str | None = None
    services_touched: bool | None = None  # for a customer: whether the change touches what their agreements cover


@dataclass(frozen=True)
class NoticePreview:
    """What a preview shows of the version and its emails; a publish request keeps it as JSON (as_json)."""

    version_number: int
    effective_at: datetime
    objection_deadline: datetime | None
    audiences: list[Audience]

    def as_json(self) -> dict:
        return {"version_number": self.version_number, "effective_at": self.effective_at.isoformat(),
                "objection_deadline": self.objection_deadline.isoformat() if self.objection_deadline else None,
                "audiences": [asdict(audience) for audience in self.audiences]}

    @classmethod
    def from_json(cls, data: dict) -> "NoticePreview":
        deadline = data["objection_deadline"]
        return cls(version_number=data["version_number"], effective_at=datetime.fromisoformat(data["effective_at"]),
                   objection_deadline=datetime.fromisoformat(deadline) if deadline else None,
                   audiences=[Audience(**audience) for audience in data["audiences"]])


@dataclass(frozen=True)
class DraftPreview:
    version: RegistryVersion  # unsaved: the version publishing now would create
    audiences: list[Audience]

    def shown(self) -> NoticePreview:
        """The version's number and times and the emails, as the admin reads them."""
        return NoticePreview(version_number=self.version.number, effective_at=self.version.effective_at,
                             objection_deadline=self.version.objection_deadline, audiences=self.audiences)


def _links(settings: NotificationSettings, language: str) -> dict[str, str]:
    base = settings.public_url
    unsubscribe = with_language(f"{base}/subscriptions/unsubscribe?token={PREVIEW_TOKEN}", language)
    return {"unsubscribe_url": unsubscribe, "action_url": unsubscribe,
            "object_url": with_language(f"{base}/objections/new?token={PREVIEW_TOKEN}", language)}


def _audience(bodies: Bodies, settings: NotificationSettings, *, language: str, recipients: int,
              customer_id: int | None = None, customer_name: str | None = None,
              services_touched: bool | None = None, fills: dict | None = None) -> Audience:
    fills = fills or {"customer": customer_name}
    text, markup = fill_bodies(bodies, links=_links(settings, language), **fills)
    return Audience(language=language, recipients=recipients, subject=bodies.subject, text=text, html=markup,
                    customer_id=customer_id, customer_name=customer_name, services_touched=services_touched)


async def preview_draft(*, session: AsyncSession, settings: NotificationSettings, note: str,
                        notice_days: int | None = None, effective_at: datetime | None = None, now: datetime | None = None) -> DraftPreview:
    """Every email publishing the draft now would send, per audience and language, writing nothing."""
    version = await versions.draft_version(session=session, actor=PREVIEW_ACTOR, note=note,
                                           min_notice_days=settings.min_notice_days, notice_days=notice_days,
                                           effective_at=effective_at, now=now)
    counts = await audience.version_audiences(session=session, version=version)
    # As in the worker: rendered once per language, kind of recipient and whether a window opens for them.
    bodies = {(language, for_customer, opens): render_bodies(
                  kind=NotificationKind.VERSION_PUBLISHED, language=language, version=version, settings=settings,
                  for_customer=for_customer, window_opens=opens)
              for language in LANGUAGES for for_customer in (False, True) for opens in (False, True)}
    # Subscribers in both languages, even none yet: the admin reads what a new subscriber would get.
    audiences = [_audience(bodies[(language, False, True)], settings, language=language,
                           recipients=counts.get((None, language), 0)) for language in LANGUAGES]
    customer_ids = sorted({customer_id for customer_id, _ in counts if customer_id is not None})
    names = {customer.id: customer.name
             for customer in await customers.customers_by_id(session=session, customer_ids=customer_ids)}
    agreements = await customers.agreements_of(session=session, customer_ids=customer_ids)
    for customer_id in customer_ids:
        active = [a for a in agreements.get(customer_id, []) if a.status == AgreementStatus.ACTIVE]
        customer = NoticeCustomer(name=names[customer_id], terms=terms_of(active), notified={})
        window = notice_window(customer, version)
        touched = window is not None and window.opens
        for language in LANGUAGES:
            if counts.get((customer_id, language)):
                audiences.append(_audience(bodies[(language, True, touched)], settings, language=language,
                                           recipients=counts[(customer_id, language)], customer_id=customer_id,
                                           customer_name=names[customer_id], services_touched=touched,
                                           fills=customer_fills(customer, window, language)))
    return DraftPreview(version=version, audiences=audiences)
