"""Recording legal requirements, notifying or keeping them secret, and where each customer stands towards one."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.audit import service as audit
from registry.calendar import utc_instant
from registry.customers.models import Agreement, AgreementStatus, Customer
from registry.customers.validation import normalise_services
from registry.db import utcnow
from registry.errors import ErrorCode, Problem, RegistryError
from registry.legal_requirements.models import AffectedCustomer, LegalRequirement
from registry.objections.models import Objection
from registry.objections.terms import Terms, terms_of
from registry.objections.windows import Window, requirement_window

MAX_TEXT = 4000
MAX_AUTHORITY = 200
MAX_CHOSEN = 1000  # customers chosen one by one in one requirement; by services there is no limit


def _text(value: str, field: str, limit: int, problems: list[Problem]) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        problems.append(Problem(f"Give 1 to {limit} characters.", ErrorCode.INVALID, field))
    return value


def _record_json(requirement: LegalRequirement, customer_ids: list[int]) -> dict:
    return {"legal_basis": requirement.legal_basis, "authority": requirement.authority,
            "processing": requirement.processing, "starts_at": requirement.starts_at.isoformat(),
            "customers": customer_ids}


async def _chosen_customers(session: AsyncSession, services: list[str], customer_ids: list[int]) -> list[int]:
    """Customers with an active agreement covering any of `services` (an agreement for every service counts),
    and the customers named one by one."""
    if len(customer_ids) > MAX_CHOSEN:
        raise RegistryError.one(f"Name at most {MAX_CHOSEN} customers one by one; choose the rest by service.",
                                ErrorCode.INVALID, "customerIds")
    chosen = set()
    if services:
        wanted = set(normalise_services(services))
        active = (await session.exec(select(Agreement).where(Agreement.status == AgreementStatus.ACTIVE))).all()
        for agreement in active:
            if not agreement.services or wanted & set(agreement.services):
                chosen.add(agreement.customer_id)
    if customer_ids:
        known = set((await session.exec(select(Customer.id).where(Customer.id.in_(set(customer_ids))))).all())
        missing = sorted(set(customer_ids) - known)
        if missing:
            raise RegistryError.one(f"There is no customer {missing[0]}.", ErrorCode.NOT_FOUND, "customerIds")
        chosen |= known
    if not chosen:
        raise RegistryError.one("The requirement concerns no customer: choose services in their agreements or "
                                "customers one by one.", ErrorCode.REQUIRED, "customerIds")
    return sorted(chosen)


async def record_legal_requirement(*, session: AsyncSession, actor: str, legal_basis: str, authority: str,
                                   processing: str, starts_at: datetime, services: list[str] | None = None,
                                   customer_ids: list[int] | None = None,
                                   now: datetime | None = None) -> LegalRequirement:
    """Record a requirement of law to process outside the agreement, and the customers it concerns."""
    now = now or utcnow()
    problems: list[Problem] = []
    legal_basis = _text(legal_basis, "legalBasis", MAX_TEXT, problems)
    authority = _text(authority, "authority", MAX_AUTHORITY, problems)
    processing = _text(processing, "processing", MAX_TEXT, problems)
    if problems:
        raise RegistryError(*problems)
    starts_at = utc_instant(starts_at, "startsAt")
    if starts_at <= now:
        raise RegistryError.one("Processing must start later than now: customers are told before it starts.",
                                ErrorCode.INVALID, "startsAt")
    chosen = await _chosen_customers(session, services or [], customer_ids or [])
    requirement = LegalRequirement(legal_basis=legal_basis, authority=authority, processing=processing,
                                   starts_at=starts_at, recorded_at=now, recorded_by=actor)
    session.add(requirement)
    await session.flush()
    session.add_all([AffectedCustomer(legal_requirement_id=requirement.id, customer_id=c) for c in chosen])
    await session.flush()
    await audit.record(session=session, actor=actor, action="recordLegalRequirement",
                       target=f"legal requirement {requirement.id}", after=_record_json(requirement, chosen))
    return requirement


async def get_legal_requirement(*, session: AsyncSession, requirement_id: int) -> LegalRequirement:
    """One requirement by id; NOT_FOUND when there is none."""
    requirement = await session.get(LegalRequirement, requirement_id)
    if requirement is None:
        raise RegistryError.one("There is no such legal requirement.", ErrorCode.NOT_FOUND, "id")
    return requirement


def _still_open(requirement: LegalRequirement) -> None:
    if requirement.notified_at is not None:
        raise RegistryError.one("The affected customers have been told of this requirement already.",
                                ErrorCode.INVALID_STATE, "id")
    if requirement.secrecy_reason is not None:
        raise RegistryError.one("The law forbids telling the customers of this requirement; nothing is sent.",
                                ErrorCode.INVALID_STATE, "id")


async def mark_notified(*, session: AsyncSession, actor: str, requirement_id: int,
                        now: datetime | None = None) -> tuple[LegalRequirement, list[int]]:
    """Mark a requirement as sent to its customers, before processing starts; returns it and their ids."""
    now = now or utcnow()
    requirement = await get_legal_requirement(session=session, requirement_id=requirement_id)
    _still_open(requirement)
    if requirement.starts_at <= now:
        raise RegistryError.one("Processing has started already; the notice had to leave before it.",
                                ErrorCode.DEADLINE_PASSED, "id")
    requirement.notified_at, requirement.notified_by = now, actor
    session.add(requirement)
    await audit.record(session=session, actor=actor, action="notifyLegalRequirement",
                       target=f"legal requirement {requirement.id}", after={"notified_at": now.isoformat()})
    return requirement, await affected_ids(session=session, requirement_id=requirement.id)


async def record_secrecy(*, session: AsyncSession, actor: str, requirement_id: int, reason: str,
                         now: datetime | None = None) -> LegalRequirement:
    """Record that the law forbids telling the customers, and why; nothing is ever sent for it."""
    requirement = await get_legal_requirement(session=session, requirement_id=requirement_id)
    problems: list[Problem] = []
    reason = _text(reason, "reason", MAX_TEXT, problems)
    if problems:
        raise RegistryError(*problems)
    _still_open(requirement)
    requirement.secrecy_reason, requirement.secrecy_recorded_at = reason, now or utcnow()
    requirement.secrecy_recorded_by = actor
    session.add(requirement)
    await audit.record(session=session, actor=actor, action="recordLegalRequirementSecrecy",
                       target=f"legal requirement {requirement.id}", after={"reason": reason})
    return requirement


async def affected_ids(*, session: AsyncSession, requirement_id: int) -> list[int]:
    """The customers a requirement concerns, by id."""
    return list((await session.exec(select(AffectedCustomer.customer_id).where(
        AffectedCustomer.legal_requirement_id == requirement_id).order_by(AffectedCustomer.customer_id))).all())


async def record_notice(*, session: AsyncSession, legal_requirement_id: int, customer_id: int, sent_at: datetime,
                        message_id: str, recipient: str) -> None:
    """Remember when a requirement's notice first reached a customer (the server's 250); later sends keep it."""
    affected = await session.get(AffectedCustomer, (legal_requirement_id, customer_id))
    if affected is not None and affected.sent_at is None:
        affected.sent_at, affected.message_id, affected.recipient = sent_at, message_id, recipient
        session.add(affected)
        await session.flush()


async def list_legal_requirements(*, session: AsyncSession, limit: int, before_id: int | None = None,
                                  customer_id: int | None = None) -> list[LegalRequirement]:
    """Requirements newest first; for a customer only those sent to them (a secret one never shows)."""
    query = select(LegalRequirement).order_by(LegalRequirement.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(LegalRequirement.id < before_id)
    if customer_id is not None:
        query = query.join(AffectedCustomer, AffectedCustomer.legal_requirement_id == LegalRequirement.id).where(
            AffectedCustomer.customer_id == customer_id, LegalRequirement.notified_at.is_not(None))
    return list((await session.exec(query)).all())


@dataclass(frozen=True)
class CustomerForRequirement:
    """Where one customer stands towards one requirement: told when, until when, objecting or not."""

    customer_id: int
    window: Window
    objection: Objection | None
    message_id: str | None = None  # the first notice that reached them, and to whom
    recipient: str | None = None


async def requirement_audience(*, session: AsyncSession, requirement: LegalRequirement, limit: int,
                               after_customer_id: int | None = None) -> list[CustomerForRequirement]:
    """The customers a requirement concerns, by id (`limit` after `after_customer_id`), with their window (from
    their agreements' notice period and when their notice left) and objection."""
    query = (select(AffectedCustomer).where(AffectedCustomer.legal_requirement_id == requirement.id)
             .order_by(AffectedCustomer.customer_id).limit(limit))
    if after_customer_id is not None:
        query = query.where(AffectedCustomer.customer_id > after_customer_id)
    affected = list((await session.exec(query)).all())
    ids = [a.customer_id for a in affected]
    agreements: dict[int, list[Agreement]] = {}
    for agreement in (await session.exec(select(Agreement).where(
            Agreement.status == AgreementStatus.ACTIVE, Agreement.customer_id.in_(ids)))).all():
        agreements.setdefault(agreement.customer_id, []).append(agreement)
    objections = {o.customer_id: o for o in (await session.exec(select(Objection).where(
        Objection.legal_requirement_id == requirement.id, Objection.customer_id.in_(ids)))).all()}
    audience = []
    for row in affected:
        terms: Terms | None = terms_of(agreements.get(row.customer_id, []))
        # A customer whose agreements all ended has nothing left to object under: no window.
        window = requirement_window(requirement=requirement, affected=terms is not None,
                                    notice_days=terms.notice_days if terms else 0, notified_at=row.sent_at)
        audience.append(CustomerForRequirement(customer_id=row.customer_id, window=window,
                                               objection=objections.get(row.customer_id),
                                               message_id=row.message_id, recipient=row.recipient))
    return audience


async def customer_requirements(*, session: AsyncSession, customer_id: int,
                                limit: int = 100) -> list[tuple[LegalRequirement, CustomerForRequirement]]:
    """The requirements sent to a customer, newest first, each with their window and objection (four statements)."""
    requirements = await list_legal_requirements(session=session, limit=limit, customer_id=customer_id)
    ids = [r.id for r in requirements]
    sent = {a.legal_requirement_id: a.sent_at for a in (await session.exec(select(AffectedCustomer).where(
        AffectedCustomer.customer_id == customer_id, AffectedCustomer.legal_requirement_id.in_(ids)))).all()}
    terms = terms_of(list((await session.exec(select(Agreement).where(
        Agreement.customer_id == customer_id, Agreement.status == AgreementStatus.ACTIVE))).all()))
    objections = {o.legal_requirement_id: o for o in (await session.exec(select(Objection).where(
        Objection.customer_id == customer_id, Objection.legal_requirement_id.in_(ids)))).all()}
    return [(r, CustomerForRequirement(
        customer_id=customer_id, objection=objections.get(r.id),
        window=requirement_window(requirement=r, affected=terms is not None,
                                  notice_days=terms.notice_days if terms else 0, notified_at=sent.get(r.id))))
            for r in requirements]
