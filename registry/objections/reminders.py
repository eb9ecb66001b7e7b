"""Which customers to remind of a deadline that is near."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.customers.models import Agreement, AgreementStatus, CustomerNotice
from registry.customers.service import longest_notice_days
from registry.db import utcnow
from registry.objections.models import Objection
from registry.objections.terms import terms_of
from registry.objections.windows import customer_window
from registry.versions.models import RegistryVersion


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
    longest = await longest_notice_days(session=session)
    objected = select(Objection.id).where(Objection.customer_id == CustomerNotice.customer_id,
                                          Objection.version_number == CustomerNotice.version_number).exists()
    # Only windows that can still be open: a deadline is at most max(effective time, sent + longest notice),
    # so notices whose windows closed long ago are never read again, however many pile up.
    candidates = (await session.exec(
        select(CustomerNotice, RegistryVersion)
        .join(RegistryVersion, RegistryVersion.number == CustomerNotice.version_number)
        .where(CustomerNotice.acknowledged_at.is_(None), CustomerNotice.reminded_at.is_(None),
               RegistryVersion.withdrawn_at.is_(None), RegistryVersion.material,
               or_(RegistryVersion.effective_at > now, CustomerNotice.sent_at > now - timedelta(days=longest)),
               ~objected))).all()
    agreements = (await session.exec(select(Agreement).where(
        Agreement.status == AgreementStatus.ACTIVE,
        Agreement.customer_id.in_({notice.customer_id for notice, _ in candidates})))).all()
    due = []
    for notice, version in candidates:
        terms = terms_of([a for a in agreements if a.customer_id == notice.customer_id])
        if terms is None:
            continue
        window = customer_window(version=version, services=terms.services, notice_days=terms.notice_days,
                                 notified_at=notice.sent_at)
        if not window.accepts_objection(now) or now < window.closes_at - timedelta(days=days_before):
            continue
        claimed = await session.exec(update(CustomerNotice).where(
            CustomerNotice.customer_id == notice.customer_id, CustomerNotice.version_number == notice.version_number,
            CustomerNotice.reminded_at.is_(None)).values(reminded_at=now)
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            due.append(DueReminder(notice.customer_id, notice.version_number, window.closes_at))
    return due
