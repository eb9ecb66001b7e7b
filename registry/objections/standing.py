"""What each customer has authorised, and where every customer stands towards a version."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.customers.models import Agreement, AgreementStatus, CustomerNotice
from registry.db import MAX_INTEGER, utcnow
from registry.errors import ErrorCode, RegistryError
from registry.objections.models import Objection
from registry.objections.terms import Terms, customer_terms, terms_of
from registry.objections.windows import Window, customer_window
from registry.versions import service as versions_service
from registry.versions.models import RegistryVersion

# Published version rows by number; a reader may hand in its own memory of them (they never change once in effect).
VersionRows = Callable[[list[int]], Awaitable[dict[int, RegistryVersion]]]


@dataclass(frozen=True)
class VersionForCustomer:
    """A version as one customer stands towards it."""

    version: RegistryVersion
    window: Window
    objection: Objection | None
    authorised: bool


@dataclass(frozen=True)
class CustomerStanding:
    """What a customer has authorised, and the versions still open to them."""

    authorised: RegistryVersion | None
    open_versions: list[VersionForCustomer]
    services: list[str]  # the services the customer's active agreements cover; empty means all


def _unsettled():
    """Versions that might not bind the customer yet; every version left out binds them.

    A version binds once in effect if it took effect before the customer's first acceptance, or if its
    window has closed without a blocking objection. A window only opens for a material version and
    closes no sooner than the notice period after the notice; a day's margin covers the calendar's
    summer-time hour. So a reader's cost follows what is still open, not the length of the history.
    """
    customer_id, now = bindparam("customer_id"), bindparam("now")
    notice = select(CustomerNotice.version_number).where(CustomerNotice.customer_id == customer_id,
                                                        CustomerNotice.version_number == RegistryVersion.number)
    recent = notice.where(CustomerNotice.sent_at > bindparam("recent_since"))
    objected = select(Objection.id).where(Objection.customer_id == customer_id,
                                          Objection.version_number == RegistryVersion.number)
    return (select(RegistryVersion.number).where(RegistryVersion.withdrawn_at.is_(None), or_(
        RegistryVersion.effective_at > now,
        and_(RegistryVersion.effective_at > bindparam("accepted_at"), or_(
            objected.exists(),
            and_(RegistryVersion.material.is_(True), or_(~notice.exists(), recent.exists())))),
    )).order_by(RegistryVersion.number))


# Built once with parameters: composing these per read cost `me` more CPU than running them.
UNSETTLED = _unsettled()
# Every version before the first held back binds: the customer's list is the newest of them.
AUTHORISED = (select(RegistryVersion.number).where(
    RegistryVersion.withdrawn_at.is_(None), RegistryVersion.effective_at <= bindparam("now"),
    RegistryVersion.number <= bindparam("up_to")).order_by(RegistryVersion.number.desc()).limit(1))


async def customer_standing(*, session: AsyncSession, customer_id: int, now: datetime | None = None,
                            agreements: list[Agreement] | None = None, notices: list[CustomerNotice] | None = None,
                            objections: list[Objection] | None = None, rows: VersionRows | None = None,
                            in_effect: int | None = None) -> CustomerStanding:
    """The customer's standing; `agreements`, `notices`, `objections` (all theirs), `rows` and `in_effect` spare reads."""
    now = now or utcnow()
    if agreements is None:
        terms = await customer_terms(session=session, customer_id=customer_id)
    else:
        terms = terms_of([a for a in agreements if a.status == AgreementStatus.ACTIVE])
    if terms is None:
        return CustomerStanding(authorised=None, open_versions=[], services=[])
    if rows is None:
        rows = _rows_reader(session)
    numbers = list((await session.exec(UNSETTLED, params={
        "customer_id": customer_id, "now": now, "accepted_at": terms.accepted_at,
        "recent_since": now - timedelta(days=terms.notice_days + 1)})).all())
    if notices is None:
        notices = list((await session.exec(select(CustomerNotice).where(
            CustomerNotice.customer_id == customer_id, CustomerNotice.version_number.in_(numbers)))).all())
    sent = {n.version_number: n.sent_at for n in notices}
    if objections is None:
        objections = list((await session.exec(select(Objection).where(
            Objection.customer_id == customer_id, Objection.version_number.in_(numbers)))).all())
    objected = {o.version_number: o for o in objections if o.version_number is not None}
    found = await rows(numbers) if numbers else {}
    first_held_back: int | None = None
    open_versions: list[VersionForCustomer] = []
    for version in (found[number] for number in numbers):
        window = customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                                 notified_at=sent.get(version.number))
        objection = objected.get(version.number)
        accepted_with_agreement = version.effective_at <= terms.accepted_at
        binds = version.effective_at <= now and (
            accepted_with_agreement or (window.has_closed(now) and not (objection and objection.blocks())))
        # Lists are whole snapshots: once one version is held back, every later one waits behind it.
        if first_held_back is None and not binds:
            first_held_back = version.number
        if window.opens and not binds:
            open_versions.append(VersionForCustomer(version=version, window=window, objection=objection,
                                                    authorised=first_held_back is None))
    authorised = await _authorised(session, rows, now=now, first_held_back=first_held_back, in_effect=in_effect)
    return CustomerStanding(authorised=authorised, open_versions=open_versions, services=terms.services)


async def _authorised(session: AsyncSession, rows: VersionRows, *, now: datetime, first_held_back: int | None,
                      in_effect: int | None) -> RegistryVersion | None:
    """The newest version in effect before the first held back: what the customer's list rests on."""
    if in_effect is not None:
        # Effective times never fall with the number, so every version below one not yet binding (which is at
        # least the oldest pending) is in effect: the one just below it, unless withdrawn, is the answer.
        candidate = in_effect if first_held_back is None or in_effect < first_held_back else first_held_back - 1
        row = (await rows([candidate])).get(candidate) if candidate > 0 else None
        if row is not None and row.withdrawn_at is None and row.effective_at <= now:
            return row
    number = (await session.exec(AUTHORISED, params={
        "now": now, "up_to": MAX_INTEGER if first_held_back is None else first_held_back - 1})).one_or_none()
    return (await rows([number]))[number] if number is not None else None


def _rows_reader(session: AsyncSession) -> VersionRows:
    async def read(numbers: list[int]) -> dict[int, RegistryVersion]:
        return {row.number: row for row in await versions_service.versions_by_number(session=session, numbers=numbers)}
    return read


@dataclass(frozen=True)
class CustomerForVersion:
    """Where one customer stands towards one version: told when, until when, objecting or not."""

    customer_id: int
    window: Window
    objection: Objection | None
    holds_back: bool


async def version_audience(*, session: AsyncSession, version_number: int, limit: int,
                           after_customer_id: int | None = None,
                           now: datetime | None = None) -> list[CustomerForVersion]:
    """Customers with an active agreement by id, `limit` after `after_customer_id`, as they stand towards a version."""
    now = now or utcnow()
    version = await session.get(RegistryVersion, version_number)
    if version is None:
        raise RegistryError.one(f"There is no version {version_number}.", ErrorCode.NOT_FOUND, "number")
    # Keyset over customer ids: a page costs the same five statements at the first customer and the ten-thousandth.
    page = (select(Agreement.customer_id).where(Agreement.status == AgreementStatus.ACTIVE)
            .distinct().order_by(Agreement.customer_id).limit(limit))
    if after_customer_id is not None:
        page = page.where(Agreement.customer_id > after_customer_id)
    customer_ids = list((await session.exec(page)).all())
    agreements = (await session.exec(select(Agreement).where(
        Agreement.status == AgreementStatus.ACTIVE, Agreement.customer_id.in_(customer_ids)))).all()
    notices = {n.customer_id: n.sent_at for n in (await session.exec(select(CustomerNotice).where(
        CustomerNotice.version_number == version_number, CustomerNotice.customer_id.in_(customer_ids)))).all()}
    objections = {o.customer_id: o for o in (await session.exec(select(Objection).where(
        Objection.version_number == version_number, Objection.customer_id.in_(customer_ids)))).all()}
    by_customer: dict[int, list[Agreement]] = {customer_id: [] for customer_id in customer_ids}
    for agreement in agreements:
        by_customer[agreement.customer_id].append(agreement)
    audience = []
    for customer_id, own in by_customer.items():
        terms = terms_of(own)
        window = customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                                 notified_at=notices.get(customer_id))
        objection = objections.get(customer_id)
        holds_back = window.opens and (not window.has_closed(now) or bool(objection and objection.blocks()))
        audience.append(CustomerForVersion(customer_id=customer_id, window=window, objection=objection,
                                           holds_back=holds_back))
    return audience
