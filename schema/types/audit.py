"""The audit trail as admins read it."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from registry.audit.models import AuditEntry as DomainEntry
from schema.pagination import Connection


@strawberry.type(description="One admin change: who, what, when, and the state before and after.")
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: JSON | None
    after: JSON | None

    @classmethod
    def from_domain(cls, entry: DomainEntry) -> "AuditEntry":
        return cls(id=entry.id, at=entry.at, actor=entry.actor, action=entry.action, target=entry.target,
                   before=entry.before, after=entry.after)


AUDIT_CURSOR = "audit"


@strawberry.type(description="Admin changes, newest first.")
class AuditEntryConnection(Connection[AuditEntry]):
    pass
