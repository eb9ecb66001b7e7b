"""Asking to publish the draft, approving, rejecting and cancelling; each step in the audit log with its actor.

Publishing itself is the caller's: once `approve` returns a request with enough approvals, the caller publishes
through the one publish use case and calls `record_published`, which refuses a version that is not what was asked.
"""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.audit import service as audit
from registry.db import is_stored_number, utcnow
from registry.errors import ErrorCode, RegistryError
from registry.publish_requests.models import PublishRequest, PublishRequestStatus
from registry.versions import service as versions
from registry.versions.models import RegistryVersion


def _target(request: PublishRequest) -> str:
    return f"publish request {request.id}"


async def open_request(*, session: AsyncSession) -> PublishRequest | None:
    """The publish request waiting for approval, if any (there is at most one)."""
    return (await session.exec(
        select(PublishRequest).where(PublishRequest.status == PublishRequestStatus.OPEN))).one_or_none()


def _busy(request: PublishRequest) -> RegistryError:
    return RegistryError.one(
        f"Publish request {request.id} by {request.requested_by} is waiting for approval; "
        "it must be approved, rejected or cancelled before another can be made.", ErrorCode.INVALID_STATE)


async def request_publish(*, session: AsyncSession, actor: str, note: str, notice_days: int | None,
                          effective_at: datetime | None, draft_hash: str, preview: dict,
                          now: datetime | None = None) -> PublishRequest:
    """Record a request to publish the draft whose planned hash is `draft_hash`, with its notices' preview."""
    if (waiting := await open_request(session=session)) is not None:
        raise _busy(waiting)
    request = PublishRequest(requested_by=actor, requested_at=now or utcnow(), note=note, notice_days=notice_days,
                             effective_at=effective_at, draft_hash=draft_hash, preview=preview)
    try:
        async with session.begin_nested():  # the one-open index decides a race the check above cannot see
            session.add(request)
            await session.flush()
    except IntegrityError:
        raise _busy(await open_request(session=session)) from None
    await audit.record(session=session, actor=actor, action="requestPublish", target=_target(request),
                       after={"note": note, "notice_days": notice_days,
                              "effective_at": effective_at.isoformat() if effective_at else None,
                              "draft_hash": draft_hash, "version_number": preview.get("version_number")})
    return request


async def _open(session: AsyncSession, request_id: int) -> PublishRequest:
    # Locked, so that two approvals (or an approval and a rejection) take turns and the second sees the first.
    request = await session.get(PublishRequest, request_id, with_for_update=True) \
        if is_stored_number(request_id) else None
    if request is None:
        raise RegistryError.one(f"There is no publish request {request_id}.", ErrorCode.NOT_FOUND, "request_id")
    if request.status != PublishRequestStatus.OPEN:
        raise RegistryError.one(f"Publish request {request_id} is {request.status.lower()}; only an open one can be "
                                "approved, rejected or cancelled.", ErrorCode.INVALID_STATE, "request_id")
    return request


def _stale(request: PublishRequest) -> RegistryError:
    return RegistryError.one(
        f"The draft (or the version it follows) changed after publish request {request.id} was made, so its "
        "preview no longer shows what would be published. Reject or cancel it and request publishing again.",
        ErrorCode.STALE, "request_id")


async def approve(*, session: AsyncSession, actor: str, request_id: int, now: datetime | None = None) -> PublishRequest:
    """Add `actor`'s approval to an open request; refused for its requester, a repeat, or a draft changed since."""
    request = await _open(session, request_id)
    if actor == request.requested_by:
        raise RegistryError.one("You requested this publish; another admin must approve it.", ErrorCode.NOT_ALLOWED,
                                "request_id")
    if actor in request.approved_by():
        raise RegistryError.one(f"You have already approved publish request {request_id}.", ErrorCode.DUPLICATE,
                                "request_id")
    if await versions.current_draft_hash(session=session) != request.draft_hash:
        raise _stale(request)
    at = now or utcnow()
    request.approvals = [*request.approvals, {"by": actor, "at": at.isoformat()}]  # a new list: JSON is not tracked
    await session.flush()
    await audit.record(session=session, actor=actor, action="approvePublishRequest", target=_target(request),
                       after={"approvals": request.approved_by(), "requested_by": request.requested_by})
    return request


async def record_published(*, session: AsyncSession, actor: str, request: PublishRequest, version: RegistryVersion,
                           now: datetime | None = None) -> PublishRequest:
    """Close an approved request as published by `version`; STALE if the version holds other than what was asked."""
    # The draft was checked at approval, but on PostgreSQL a save may commit between that check and the publish.
    if versions.planned_hash(version) != request.draft_hash:
        raise _stale(request)
    request.status, request.closed_at, request.closed_by = PublishRequestStatus.PUBLISHED, now or utcnow(), actor
    request.version_number = version.number
    await session.flush()
    return request


async def _close(session: AsyncSession, request: PublishRequest, *, actor: str, status: PublishRequestStatus,
                 action: str, reason: str | None, now: datetime | None) -> PublishRequest:
    request.status, request.closed_at, request.closed_by = status, now or utcnow(), actor
    request.close_reason = reason
    await session.flush()
    await audit.record(session=session, actor=actor, action=action, target=_target(request),
                       before={"status": PublishRequestStatus.OPEN.value},
                       after={"status": status.value, "reason": reason, "requested_by": request.requested_by})
    return request


async def reject(*, session: AsyncSession, actor: str, request_id: int, reason: str,
                 now: datetime | None = None) -> PublishRequest:
    """Refuse an open request with a reason; its requester cancels instead."""
    reason = versions.required_text(reason, "reason", "A reason is required: say why it should not be published.")
    request = await _open(session, request_id)
    if actor == request.requested_by:
        raise RegistryError.one("You requested this publish; cancel it instead of rejecting it.",
                                ErrorCode.NOT_ALLOWED, "request_id")
    return await _close(session, request, actor=actor, status=PublishRequestStatus.REJECTED,
                        action="rejectPublishRequest", reason=reason, now=now)


async def cancel(*, session: AsyncSession, actor: str, request_id: int, now: datetime | None = None) -> PublishRequest:
    """Withdraw one's own open request; other admins reject instead."""
    request = await _open(session, request_id)
    if actor != request.requested_by:
        raise RegistryError.one(f"Only {request.requested_by}, who requested it, can cancel it; reject it instead.",
                                ErrorCode.NOT_ALLOWED, "request_id")
    return await _close(session, request, actor=actor, status=PublishRequestStatus.CANCELLED,
                        action="cancelPublishRequest", reason=None, now=now)


async def list_requests(*, session: AsyncSession, limit: int, before_id: int | None = None,
                        status: PublishRequestStatus | None = None) -> list[PublishRequest]:
    """Publish requests newest first, `limit` of them, older than `before_id`, of one status if given."""
    query = select(PublishRequest).order_by(PublishRequest.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(PublishRequest.id < before_id)
    if status is not None:
        query = query.where(PublishRequest.status == status)
    return list(await session.exec(query))
