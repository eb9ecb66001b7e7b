"""Filing and resolving objections, and what each customer has authorised."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.audit import service as audit
from registry.auth.links import LinkPurpose, make_link_token, read_link_token
from registry.customers.models import Agreement, AgreementStatus, CustomerNotice
from registry.db import utcnow
from registry.errors import ErrorCode, RegistryError
from registry.objections.models import Objection, ObjectionOutcome, ObjectionStatus
from registry.objections.windows import Window, customer_window, serves
from registry.versions.models import RegistryVersion

MAX_REASON = 4000


@dataclass(frozen=True)
class Terms:
    """What a customer's active agreements add up to: the services chosen and the longest notice."""

    services: list[str]
    notice_days: int
    accepted_at: datetime


def terms_of(agreements: list[Agreement]) -> Terms | None:
    """Several active agreements add up: every service chosen, the longest notice, the first acceptance."""
    if not agreements:
        return None
    services = [] if any(not a.services for a in agreements) else sorted({s for a in agreements for s in a.services})
    return Terms(services=services, notice_days=max(a.notice_days for a in agreements),
                 accepted_at=min(a.accepted_at for a in agreements))


async def customer_terms(*, session: AsyncSession, customer_id: int) -> Terms | None:
    """The customer's active terms, or None without an active agreement."""
    return terms_of(list((await session.exec(select(Agreement).where(
        Agreement.customer_id == customer_id, Agreement.status == AgreementStatus.ACTIVE))).all()))


async def window_for(*, session: AsyncSession, customer_id: int, version: RegistryVersion,
                     terms: Terms) -> Window:
    """This customer's window for this version."""
    notice = await session.get(CustomerNotice, (customer_id, version.number))
    return customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                           notified_at=notice.sent_at if notice else None)


async def file_objection(*, session: AsyncSession, customer_id: int, version_number: int, reason: str,
                         filed_by: str, now: datetime | None = None) -> tuple[Objection, bool]:
    """Record a customer's objection within their window; a repeat returns the first, with False."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise RegistryError.one(f"Give a reason of 1 to {MAX_REASON} characters.", ErrorCode.INVALID, "reason")
    version = await session.get(RegistryVersion, version_number)
    if version is None:
        raise RegistryError.one(f"There is no version {version_number}.", ErrorCode.NOT_FOUND, "version")
    if version.withdrawn_at is not None:
        raise RegistryError.one(f"Version {version_number} was withdrawn; there is nothing to object to.",
                                ErrorCode.INVALID_STATE, "version")
    terms = await customer_terms(session=session, customer_id=customer_id)
    if terms is None:
        raise RegistryError.one("There is no active agreement to object under.", ErrorCode.INVALID_STATE, "version")
    window = await window_for(session=session, customer_id=customer_id, version=version, terms=terms)
    if not window.opens:
        raise RegistryError.one(f"Version {version_number} adds or changes nothing you use; it opens no window.",
                                ErrorCode.INVALID_STATE, "version")
    existing = (await session.exec(select(Objection).where(
        Objection.customer_id == customer_id, Objection.version_number == version_number))).one_or_none()
    if existing is not None and existing.status != ObjectionStatus.WITHDRAWN:
        return existing, False
    if not window.accepts_objection(now):
        raise RegistryError.one(
            f"The deadline to object to version {version_number} passed at {window.closes_at.isoformat()}.",
            ErrorCode.DEADLINE_PASSED, "version")
    objection = existing or Objection(customer_id=customer_id, version_number=version_number, reason=reason,
                                      filed_by=filed_by)
    objection.reason, objection.status, objection.filed_at, objection.filed_by = (
        reason, ObjectionStatus.RECEIVED, now, filed_by)
    objection.withdrawn_at = None
    session.add(objection)
    await session.flush()
    await audit.record(session=session, actor=filed_by, action="fileObjection", target=f"objection {objection.id}",
                       after={"customer_id": customer_id, "version": version_number, "reason": reason})
    return objection, True


async def _objection(session: AsyncSession, objection_id: int, customer_id: int | None = None) -> Objection:
    objection = await session.get(Objection, objection_id)
    # Another customer's objection answers exactly like a missing one: ids reveal nothing.
    if objection is None or (customer_id is not None and objection.customer_id != customer_id):
        raise RegistryError.one("No such objection.", ErrorCode.NOT_FOUND, "id")
    return objection


def _require_open(objection: Objection, action: str) -> None:
    if objection.status not in (ObjectionStatus.RECEIVED, ObjectionStatus.ACKNOWLEDGED):
        raise RegistryError.one(f"The objection is {objection.status.lower()}; it cannot be {action}.",
                                ErrorCode.INVALID_STATE, "id")


async def acknowledge_objection(*, session: AsyncSession, actor: str, objection_id: int,
                                now: datetime | None = None) -> Objection:
    """Tell the customer their objection is being handled."""
    objection = await _objection(session, objection_id)
    if objection.status != ObjectionStatus.RECEIVED:
        raise RegistryError.one(f"The objection is {objection.status.lower()}; only a received one can be "
                                "acknowledged.", ErrorCode.INVALID_STATE, "id")
    objection.status, objection.acknowledged_at = ObjectionStatus.ACKNOWLEDGED, now or utcnow()
    await audit.record(session=session, actor=actor, action="acknowledgeObjection", target=f"objection {objection.id}",
                       before={"status": "RECEIVED"}, after={"status": "ACKNOWLEDGED"})
    return objection


async def resolve_objection(*, session: AsyncSession, actor: str, objection_id: int, outcome: ObjectionOutcome,
                            note: str, now: datetime | None = None) -> Objection:
    """Close an objection with its outcome and a note the customer will read."""
    objection = await _objection(session, objection_id)
    _require_open(objection, "resolved")
    note = note.strip()
    if not note or len(note) > MAX_REASON:
        raise RegistryError.one(f"Give a note of 1 to {MAX_REASON} characters.", ErrorCode.INVALID, "note")
    before = {"status": objection.status}
    objection.status, objection.outcome, objection.resolution_note = ObjectionStatus.RESOLVED, outcome, note
    objection.resolved_at, objection.resolved_by = now or utcnow(), actor
    await audit.record(session=session, actor=actor, action="resolveObjection", target=f"objection {objection.id}",
                       before=before, after={"status": "RESOLVED", "outcome": outcome.value, "note": note})
    return objection


async def withdraw_objection(*, session: AsyncSession, customer_id: int, objection_id: int, actor: str,
                             now: datetime | None = None) -> Objection:
    """The customer takes their objection back."""
    objection = await _objection(session, objection_id, customer_id)
    _require_open(objection, "withdrawn")
    objection.status, objection.withdrawn_at = ObjectionStatus.WITHDRAWN, now or utcnow()
    await audit.record(session=session, actor=actor, action="withdrawObjection", target=f"objection {objection.id}",
                       after={"status": "WITHDRAWN"})
    return objection


async def list_objections(*, session: AsyncSession, version_number: int | None = None,
                          status: ObjectionStatus | None = None, customer_id: int | None = None,
                          limit: int = 100) -> list[Objection]:
    """Objections, newest first, filtered by version, status and customer."""
    query = select(Objection).order_by(Objection.id.desc()).limit(limit)
    if version_number is not None:
        query = query.where(Objection.version_number == version_number)
    if status is not None:
        query = query.where(Objection.status == status)
    if customer_id is not None:
        query = query.where(Objection.customer_id == customer_id)
    return list((await session.exec(query)).all())


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
    entries: list[dict]
    open_versions: list[VersionForCustomer]


async def customer_standing(*, session: AsyncSession, customer_id: int, now: datetime | None = None) -> CustomerStanding:
    """The customer's authorised list (filtered to their services) and the versions not yet binding them."""
    now = now or utcnow()
    terms = await customer_terms(session=session, customer_id=customer_id)
    if terms is None:
        return CustomerStanding(authorised=None, entries=[], open_versions=[])
    versions = (await session.exec(select(RegistryVersion).where(RegistryVersion.withdrawn_at.is_(None))
                                   .order_by(RegistryVersion.number))).all()
    notices = {n.version_number: n.sent_at for n in (await session.exec(
        select(CustomerNotice).where(CustomerNotice.customer_id == customer_id))).all()}
    objections = {o.version_number: o for o in (await session.exec(
        select(Objection).where(Objection.customer_id == customer_id))).all()}
    authorised: RegistryVersion | None = None
    held_back = False
    open_versions: list[VersionForCustomer] = []
    for version in versions:
        window = customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                                 notified_at=notices.get(version.number))
        objection = objections.get(version.number)
        accepted_with_agreement = version.effective_at <= terms.accepted_at
        binds = version.effective_at <= now and (
            accepted_with_agreement or (window.has_closed(now) and not (objection and objection.blocks())))
        # Lists are whole snapshots: once one version is held back, every later one waits behind it.
        held_back = held_back or not binds
        if not held_back:
            authorised = version
        if window.opens and not binds:
            open_versions.append(VersionForCustomer(version=version, window=window, objection=objection,
                                                    authorised=not held_back))
    entries = [e for e in (authorised.entries if authorised else []) if serves(e, terms.services)]
    return CustomerStanding(authorised=authorised, entries=entries, open_versions=open_versions)


@dataclass(frozen=True)
class CustomerForVersion:
    """Where one customer stands towards one version: told when, until when, objecting or not."""

    customer_id: int
    window: Window
    objection: Objection | None
    holds_back: bool


async def version_audience(*, session: AsyncSession, version_number: int,
                           now: datetime | None = None) -> list[CustomerForVersion]:
    """Every customer with an active agreement, as they stand towards one version."""
    now = now or utcnow()
    version = await session.get(RegistryVersion, version_number)
    if version is None:
        raise RegistryError.one(f"There is no version {version_number}.", ErrorCode.NOT_FOUND, "number")
    agreements = (await session.exec(select(Agreement).where(Agreement.status == AgreementStatus.ACTIVE))).all()
    notices = {n.customer_id: n.sent_at for n in (await session.exec(
        select(CustomerNotice).where(CustomerNotice.version_number == version_number))).all()}
    objections = {o.customer_id: o for o in (await session.exec(
        select(Objection).where(Objection.version_number == version_number))).all()}
    by_customer: dict[int, list[Agreement]] = {}
    for agreement in agreements:
        by_customer.setdefault(agreement.customer_id, []).append(agreement)
    audience = []
    for customer_id, own in sorted(by_customer.items()):
        terms = terms_of(own)
        window = customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                                 notified_at=notices.get(customer_id))
        objection = objections.get(customer_id)
        holds_back = window.opens and (not window.has_closed(now) or bool(objection and objection.blocks()))
        audience.append(CustomerForVersion(customer_id=customer_id, window=window, objection=objection,
                                           holds_back=holds_back))
    return audience


def objection_link_token(*, secret_key: str, customer_id: int, version_number: int) -> str:
    """The signed token in a notice's "object" link, bound to one customer and one version."""
    return make_link_token(secret_key=secret_key, purpose=LinkPurpose.OBJECTION,
                           payload={"c": customer_id, "v": version_number})


def read_objection_link(*, secret_key: str, token: str) -> tuple[int, int]:
    """The (customer, version) an objection link stands for; a RegistryError for any other token."""
    payload = read_link_token(secret_key=secret_key, purpose=LinkPurpose.OBJECTION, token=token) or {}
    if not isinstance(payload.get("c"), int) or not isinstance(payload.get("v"), int):
        raise RegistryError.one("This objection link is not valid. Use the link in the latest notice.",
                                ErrorCode.INVALID, "token")
    return payload["c"], payload["v"]


@dataclass(frozen=True)
class DueReminder:
    customer_id: int
    version_number: int
    closes_at: datetime


async def claim_due_reminders(*, session: AsyncSession, days_before: int,
                              now: datetime | None = None) -> list[DueReminder]:
    """Customers told of a version who neither objected nor acknowledged, within `days_before` of their
    deadline; each is claimed once (a conditional update), so several workers never remind twice."""
    now = now or utcnow()
    if days_before <= 0:
        return []
    candidates = (await session.exec(select(CustomerNotice).where(
        CustomerNotice.acknowledged_at.is_(None), CustomerNotice.reminded_at.is_(None)))).all()
    due = []
    for notice in candidates:
        version = await session.get(RegistryVersion, notice.version_number)
        terms = await customer_terms(session=session, customer_id=notice.customer_id)
        if version is None or terms is None:
            continue
        window = customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                                 notified_at=notice.sent_at)
        if not window.accepts_objection(now) or now < window.closes_at - timedelta(days=days_before):
            continue
        objected = (await session.exec(select(Objection.id).where(
            Objection.customer_id == notice.customer_id, Objection.version_number == notice.version_number))).first()
        if objected:
            continue
        claimed = await session.exec(update(CustomerNotice).where(
            CustomerNotice.customer_id == notice.customer_id, CustomerNotice.version_number == notice.version_number,
            CustomerNotice.reminded_at.is_(None)).values(reminded_at=now)
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            due.append(DueReminder(notice.customer_id, notice.version_number, window.closes_at))
    return due
