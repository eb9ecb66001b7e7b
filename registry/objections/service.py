"""Filing, acknowledging, resolving and withdrawing objections to versions and legal requirements."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.audit import service as audit
from registry.db import utcnow
from registry.errors import ErrorCode, RegistryError
from registry.legal_requirements.models import AffectedCustomer, LegalRequirement
from registry.objections.models import Objection, ObjectionOutcome, ObjectionStatus
from registry.objections.terms import Terms, customer_terms, requirement_window_for, window_for
from registry.objections.windows import Window
from registry.versions.models import RegistryVersion

MAX_REASON = 4000


async def _subject_window(session: AsyncSession, customer_id: int, terms: Terms, version_number: int | None,
                          legal_requirement_id: int | None) -> tuple[Window, str, str]:
    """The customer's window for what they object to, how to name it, and the input field that names it."""
    if legal_requirement_id is not None:
        requirement = await session.get(LegalRequirement, legal_requirement_id)
        affected = await session.get(AffectedCustomer, (legal_requirement_id, customer_id))
        # One not sent to this customer answers exactly like a missing one: a secret stays secret.
        if requirement is None or affected is None or requirement.notified_at is None:
            raise RegistryError.one("There is no such legal requirement.", ErrorCode.NOT_FOUND, "legalRequirementId")
        window = await requirement_window_for(session=session, customer_id=customer_id, requirement=requirement,
                                              terms=terms)
        return window, f"legal requirement {legal_requirement_id}", "legalRequirementId"
    version = await session.get(RegistryVersion, version_number)
    if version is None:
        raise RegistryError.one(f"There is no version {version_number}.", ErrorCode.NOT_FOUND, "version")
    if version.withdrawn_at is not None:
        raise RegistryError.one(f"Version {version_number} was withdrawn; there is nothing to object to.",
                                ErrorCode.INVALID_STATE, "version")
    window = await window_for(session=session, customer_id=customer_id, version=version, terms=terms)
    if not window.opens:
        raise RegistryError.one(f"Version {version_number} adds or changes nothing you use; it opens no window.",
                                ErrorCode.INVALID_STATE, "version")
    return window, f"version {version_number}", "version"


async def file_objection(*, session: AsyncSession, customer_id: int, reason: str, filed_by: str,
                         version_number: int | None = None, legal_requirement_id: int | None = None,
                         now: datetime | None = None) -> tuple[Objection, bool]:
    """Record a customer's objection to a version or a legal requirement within their window; a repeat
    returns the first, with False."""
    now = now or utcnow()
    if (version_number is None) == (legal_requirement_id is None):
        raise RegistryError.one("Say which version or which legal requirement you object to.", ErrorCode.REQUIRED,
                                "version")
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise RegistryError.one(f"Give a reason of 1 to {MAX_REASON} characters.", ErrorCode.INVALID, "reason")
    terms = await customer_terms(session=session, customer_id=customer_id)
    if terms is None:
        raise RegistryError.one("There is no active agreement to object under.", ErrorCode.INVALID_STATE,
                                "legalRequirementId" if legal_requirement_id else "version")
    window, subject, field = await _subject_window(session, customer_id, terms, version_number, legal_requirement_id)
    existing = (await session.exec(select(Objection).where(
        Objection.customer_id == customer_id, Objection.version_number == version_number,
        Objection.legal_requirement_id == legal_requirement_id))).one_or_none()
    if existing is not None and existing.status != ObjectionStatus.WITHDRAWN:
        return existing, False
    if not window.accepts_objection(now):
        raise RegistryError.one(
            f"The deadline to object to {subject} passed at {window.closes_at.isoformat()}.",
            ErrorCode.DEADLINE_PASSED, field)
    objection = existing or Objection(customer_id=customer_id, version_number=version_number,
                                      legal_requirement_id=legal_requirement_id, reason=reason, filed_by=filed_by)
    objection.reason, objection.status, objection.filed_at, objection.filed_by = (
        reason, ObjectionStatus.RECEIVED, now, filed_by)
    objection.withdrawn_at = None
    session.add(objection)
    await session.flush()
    await audit.record(session=session, actor=filed_by, action="fileObjection", target=f"objection {objection.id}",
                       after={"customer_id": customer_id, "version": version_number,
                              "legal_requirement": legal_requirement_id, "reason": reason})
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
                          legal_requirement_id: int | None = None, limit: int = 100,
                          before_id: int | None = None) -> list[Objection]:
    """Objections, newest first (older than `before_id`), filtered by version, requirement, status and customer."""
    query = select(Objection).order_by(Objection.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(Objection.id < before_id)
    if version_number is not None:
        query = query.where(Objection.version_number == version_number)
    if legal_requirement_id is not None:
        query = query.where(Objection.legal_requirement_id == legal_requirement_id)
    if status is not None:
        query = query.where(Objection.status == status)
    if customer_id is not None:
        query = query.where(Objection.customer_id == customer_id)
    return list((await session.exec(query)).all())
