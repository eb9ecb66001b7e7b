"""Which customers to remind of a deadline that is near."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.customers.models import CustomerNotice
from registry.db import utcnow
from registry.objections.models import Objection
from registry.objections.terms import customer_terms
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
