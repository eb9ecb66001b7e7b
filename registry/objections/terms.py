"""What a customer's active agreements add up to, and their window for a version or a legal requirement."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.customers.models import Agreement, AgreementStatus, CustomerNotice
from registry.legal_requirements.models import AffectedCustomer, LegalRequirement
from registry.objections.windows import Window, customer_window, requirement_window
from registry.versions.models import RegistryVersion


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


async def requirement_window_for(*, session: AsyncSession, customer_id: int, requirement: LegalRequirement,
                                 terms: Terms) -> Window:
    """This customer's window for this legal requirement."""
    affected = await session.get(AffectedCustomer, (requirement.id, customer_id))
    return requirement_window(requirement=requirement, affected=affected is not None, notice_days=terms.notice_days,
                              notified_at=affected.sent_at if affected else None)
