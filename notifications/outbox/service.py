"""Writing, claiming, settling and reporting outbox rows."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, func, or_, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications import doorbell
from notifications.outbox.models import (
    DEAD_PREDICATE,
    PENDING_PREDICATE,
    PENDING_STATUSES,
    Leased,
    Notification,
    NotificationKind,
    NotificationPriority,
    NotificationStatus,
)
from registry.audit import service as audit
from registry.customers import service as customers
from registry.incidents import service as incidents
from registry.legal_requirements import service as legal_requirements
from registry.db import utcnow
from registry.errors import ErrorCode, RegistryError


async def enqueue_subscription_email(*, session: AsyncSession, subscription_id: int, to_address: str, language: str,
                                     kind: NotificationKind, now: datetime | None = None) -> None:
    """Queue a confirmation or manage email to one subscriber."""
    now = now or utcnow()
    session.add(Notification(kind=kind, subscription_id=subscription_id, to_address=to_address,
                             language=language, created_at=now, next_attempt_at=now))
    await doorbell.ring(session=session)


async def enqueue_direct(*, session: AsyncSession, kind: NotificationKind, to_address: str, language: str,
                         payload: dict, customer_id: int | None = None, version_number: int | None = None,
                         now: datetime | None = None,
                         priority: NotificationPriority = NotificationPriority.NORMAL, ring: bool = True) -> None:
    """Queue a transactional email (a receipt, an access link, a breach notice) to one address, subscribed or not.

    An URGENT one leaves before every normal row waiting, even while a worker is sending a long batch.
    `ring=False` leaves the doorbell to a caller queueing many, who rings once when done.
    """
    now = now or utcnow()
    session.add(Notification(kind=kind, to_address=to_address, language=language, payload=payload,
                             customer_id=customer_id, version_number=version_number, created_at=now,
                             next_attempt_at=now, priority=priority))
    if ring:
        await doorbell.ring(session=session, urgent=priority == NotificationPriority.URGENT)


async def cancel_pending(*, session: AsyncSession, subscription_id: int, leased_too: bool = True) -> None:
    """Cancel what is still waiting to go to a subscriber; `leased_too=False` leaves what a worker holds."""
    query = update(Notification).where(Notification.subscription_id == subscription_id,
                                       Notification.status.in_(PENDING_STATUSES))
    if leased_too:
        query = query.values(lease_owner=None, lease_until=None)
    else:
        query = query.where(Notification.lease_until.is_(None))
    await session.exec(query.values(status=NotificationStatus.CANCELLED).execution_options(synchronize_session=False))


def _due(now: datetime, priority: NotificationPriority | None):
    # Read through ix_notification_pending in its own order (priority, id): the most urgent, then oldest.
    table = Notification.__table__
    due = (select(table.c.id)
           .where(text(PENDING_PREDICATE), table.c.next_attempt_at <= now,
                  or_(table.c.lease_until.is_(None), table.c.lease_until < now))
           .order_by(table.c.priority, table.c.id))
    return due if priority is None else due.where(table.c.priority == priority)


async def urgent_waiting(*, session: AsyncSession, now: datetime | None = None) -> bool:
    """Whether an URGENT row is due and free: a read a busy worker makes between sends, cheap at any backlog."""
    query = _due(now or utcnow(), NotificationPriority.URGENT).limit(1)
    return (await session.exec(query)).first() is not None


async def claim_batch(*, session: AsyncSession, owner: str, limit: int, lease_seconds: float,
                      now: datetime | None = None, priority: NotificationPriority | None = None) -> list[Leased]:
    """Lease up to `limit` due rows to `owner`, urgent first (only `priority` if given); rows whose lease ran out are due again."""
    now = now or utcnow()
    table = Notification.__table__
    due = (_due(now, priority).limit(limit)
           # PostgreSQL: concurrent workers skip each other's rows; SQLite has one writer anyway.
           .with_for_update(skip_locked=True))
    statement = (update(table).where(table.c.id.in_(due.scalar_subquery()))
                 .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
                 .returning(*(table.c[name] for name in Leased._fields)))
    rows = [Leased._make(row) for row in (await session.exec(statement)).all()]
    return sorted(rows, key=lambda row: (row.priority, row.id))


async def renew_leases(*, session: AsyncSession, owner: str, lease_seconds: float,
                       now: datetime | None = None) -> int:
    """Extend the lease of every pending row `owner` still holds (its heartbeat); returns how many.

    A row another worker took over has another owner, and a settled one none, so neither is touched.
    Rows locked right now are skipped: they are being marked sent (or taken over), and waiting for them
    while the worker's own recording waits for rows locked here deadlocks on PostgreSQL, which then
    aborts one side, sometimes the recording, so its group goes out again.
    """
    table = Notification.__table__
    held = (select(table.c.id).where(text(PENDING_PREDICATE), table.c.lease_owner == owner)
            .with_for_update(skip_locked=True))
    statement = (update(table).where(table.c.id.in_(held.scalar_subquery()))
                 .values(lease_until=(now or utcnow()) + timedelta(seconds=lease_seconds)))
    return (await session.exec(statement)).rowcount


@dataclass
class Outcomes:
    """What became of claimed rows, settled together in one short transaction."""

    sent: list[dict] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)
    incident_notices: list[dict] = field(default_factory=list)
    legal_notices: list[dict] = field(default_factory=list)
    retry: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    released: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent) + len(self.retry) + len(self.failed) + len(self.released)

    @property
    def only_sent(self) -> bool:
        """Nothing but sent marks, and no customer notice among them: what a fan-out records."""
        return (len(self.sent) == len(self) and not self.notices and not self.incident_notices
                and not self.legal_notices)

    def add_sent(self, notification: Leased, *, message_id: str, reply: str, at: datetime) -> None:
        self.sent.append({"id": notification.id, "status": NotificationStatus.SENT, "sent_at": at,
                          "message_id": message_id, "server_reply": reply[:1000], "lease_owner": None,
                          "lease_until": None, "last_error": None})
        if notification.customer_id is not None and notification.kind == NotificationKind.VERSION_PUBLISHED:
            self.notices.append({"customer_id": notification.customer_id, "sent_at": at, "message_id": message_id,
                                 "version_number": notification.version_number,
                                 "recipient": notification.to_address})
        elif notification.kind == NotificationKind.INCIDENT_NOTICE:
            self.incident_notices.append({"incident_id": notification.payload["incident_id"],
                                          "customer_id": notification.customer_id, "sent_at": at,
                                          "message_id": message_id, "server_reply": reply,
                                          "recipient": notification.to_address})
        elif notification.customer_id is not None and notification.kind == NotificationKind.LEGAL_REQUIREMENT:
            self.legal_notices.append({"customer_id": notification.customer_id, "sent_at": at,
                                       "message_id": message_id, "recipient": notification.to_address,
                                       "legal_requirement_id": notification.payload["legal_requirement_id"]})

    def add_retry(self, notification: Leased, *, error: str, next_attempt_at: datetime,
                  max_attempts: int) -> None:
        attempts = notification.attempts + 1
        status = NotificationStatus.DEAD if attempts >= max_attempts else NotificationStatus.RETRYING
        self.retry.append({"id": notification.id, "status": status, "attempts": attempts,
                           "next_attempt_at": next_attempt_at, "last_error": error[:1000],
                           "lease_owner": None, "lease_until": None})

    def add_failed(self, notification: Leased, *, error: str) -> None:
        self.failed.append({"id": notification.id, "status": NotificationStatus.FAILED,
                            "attempts": notification.attempts + 1, "last_error": error[:1000],
                            "server_reply": error[:1000], "lease_owner": None, "lease_until": None,
                            "subscription_id": notification.subscription_id})


@cache
def _by_id(columns: tuple[str, ...]):
    # Core executemany keyed by id: one statement for the whole group, no ORM bookkeeping per row.
    table = Notification.__table__
    return update(table).where(table.c.id == bindparam("row_id")).values(
        {name: bindparam(name) for name in columns})


def _by_id_params(rows: list[dict]):
    columns = tuple(name for name in rows[0] if name not in ("id", "subscription_id"))
    return _by_id(columns), [{"row_id": row["id"], **{name: row[name] for name in columns}} for row in rows]


async def _update_rows(session: AsyncSession, rows: list[dict]) -> None:
    if rows:
        statement, params = _by_id_params(rows)
        await session.exec(statement, params=params)


async def record_sent(*, connection: AsyncConnection, outcomes: Outcomes) -> None:
    """Commit sent marks (outcomes.only_sent) with one Core statement on a connection the caller keeps.

    The same rows settle() writes, without a session and a pool checkout per group: in a fan-out the
    worker records every few messages, and that bookkeeping cost as much CPU as the writing itself.
    """
    statement, params = _by_id_params(outcomes.sent)
    async with connection.begin():
        await connection.execute(statement, params)


async def settle(*, session: AsyncSession, outcomes: Outcomes) -> None:
    """Write sent, retry, failed and released rows (the worker then suppresses the addresses that failed hard)."""
    await _update_rows(session, outcomes.sent)
    for notice in outcomes.notices:
        # The customer's objection window starts when their notice actually left, not when it was queued.
        await customers.record_notice(session=session, **notice)
    for notice in outcomes.incident_notices:
        # The proof of a breach notice: when it left (the 250 reply), its Message-ID and the server's words.
        await incidents.record_notice(session=session, **notice)
    for notice in outcomes.legal_notices:
        await legal_requirements.record_notice(session=session, **notice)
    await _update_rows(session, outcomes.retry)
    await _update_rows(session, outcomes.failed)
    if outcomes.released:
        await session.exec(update(Notification).where(Notification.id.in_(outcomes.released))
                           .values(lease_owner=None, lease_until=None).execution_options(synchronize_session=False))


async def redrive(*, session: AsyncSession, actor: str, notification_id: int | None = None,
                  version_number: int | None = None, now: datetime | None = None) -> int:
    """Queue dead-lettered messages again, one by id or all of a version's; returns how many."""
    if (notification_id is None) == (version_number is None):
        raise RegistryError.one("Give a notification id or a version number.", ErrorCode.INVALID, "id")
    query = update(Notification).where(Notification.status == NotificationStatus.DEAD)
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    else:
        query = query.where(Notification.version_number == version_number)
    result = await session.exec(query.values(status=NotificationStatus.QUEUED, attempts=0,
                                             next_attempt_at=now or utcnow(), lease_owner=None, lease_until=None)
                                .execution_options(synchronize_session=False))
    if result.rowcount == 0:
        field_name = "id" if notification_id is not None else "version_number"
        raise RegistryError.one("No dead-lettered notification matches.", ErrorCode.NOT_FOUND, field_name)
    await doorbell.ring(session=session)
    target = f"notification {notification_id}" if notification_id is not None else f"version {version_number}"
    await audit.record(session=session, actor=actor, action="redriveNotification", target=target,
                       after={"requeued": result.rowcount})
    return result.rowcount


async def status_counts(*, session: AsyncSession, version_number: int) -> dict[str, int]:
    """How many of a version's notices are in each status."""
    query = (select(Notification.status, func.count()).where(Notification.version_number == version_number)
             .group_by(Notification.status))
    counts = {status.value: 0 for status in NotificationStatus}
    counts.update({status: count for status, count in (await session.exec(query)).all()})
    return counts


async def backlog(*, session: AsyncSession) -> dict[str, int]:
    """How many rows wait for a worker (QUEUED, RETRYING) or for an admin (DEAD).

    Both are read through partial indexes: the sent rows kept as proof, millions in time, are never
    counted, so a metrics scrape costs the same in year one and year ten.
    """
    table = Notification.__table__
    pending = select(table.c.status, func.count()).where(text(PENDING_PREDICATE)).group_by(table.c.status)
    dead = select(func.count()).select_from(table).where(text(DEAD_PREDICATE))
    counts = {status.value: 0 for status in (*PENDING_STATUSES, NotificationStatus.DEAD)}
    counts.update({status: count for status, count in (await session.exec(pending)).all()})
    counts[NotificationStatus.DEAD.value] = (await session.exec(dead)).one()
    return counts


async def version_recipients(*, session: AsyncSession, version_number: int, limit: int,
                             after_id: int | None = None) -> list[Notification]:
    """Every notice about a version, oldest first, `limit` at a time after `after_id`."""
    query = (select(Notification).where(Notification.version_number == version_number)
             .order_by(Notification.id).limit(limit))
    if after_id is not None:
        query = query.where(Notification.id > after_id)
    return list((await session.exec(query)).all())
