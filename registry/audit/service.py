"""Recording and reading the audit trail."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.audit.models import AuditEntry


async def record(*, session: AsyncSession, actor: str, action: str, target: str,
                 before: dict | list | None = None, after: dict | list | None = None) -> AuditEntry:
    """Add one audit entry to the caller's transaction, so it commits with the change it records."""
    entry = AuditEntry(actor=actor, action=action, target=target, before=before, after=after)
    session.add(entry)
    return entry


async def list_entries(*, session: AsyncSession, limit: int, before_id: int | None = None,
                       action: str | None = None, since: datetime | None = None) -> list[AuditEntry]:
    """The newest audit entries first, optionally before an id, of one action, or since a time."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return list((await session.exec(query)))
