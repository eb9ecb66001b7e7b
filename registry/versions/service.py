"""Publishing, withdrawing, reading and verifying versions of the sub-processor list."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import defer
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry import text
from registry.audit import service as audit
from registry.calendar import add_days, utc_instant
from registry.customers.service import MAX_NOTICE_DAYS, longest_notice_days
from registry.db import utcnow
from registry.listening import notify
from registry.errors import ErrorCode, RegistryError
from registry.subprocessors import service as drafts
from registry.subprocessors.index import reading_order
from registry.subprocessors.models import SubprocessorEntry
from registry.versions.diff import diff_entries, is_material
from registry.versions.hashing import content_hash, draft_hash, hash_of, version_canonical_content
from registry.versions.models import (
    Change,
    RegistryState,
    RegistryVersion,
    VersionStatus,
)

MAX_NOTE_LENGTH = 2000
REVISION_CHANNEL = "registry_revision"  # PostgreSQL NOTIFY channel: readers' caches listen on it


@dataclass(frozen=True)
class VersionView:
    """A version together with its status at the moment it was read."""

    version: RegistryVersion
    status: VersionStatus

    def entries(self) -> list[SubprocessorEntry]:
        return [SubprocessorEntry.model_validate(entry) for entry in self.version.entries]


async def revision(*, session: AsyncSession) -> int:
    """The registry's revision: it grows with every publish and withdrawal."""
    return (await session.exec(select(RegistryState.revision))).one_or_none() or 0


async def _lock_and_bump(session: AsyncSession) -> None:
    # One writer at a time: the row lock orders publishes across processes on PostgreSQL,
    # and on SQLite the UPDATE takes the database's write lock before anything is read.
    result = await session.exec(update(RegistryState).values(revision=RegistryState.revision + 1))
    if result.rowcount == 0:
        session.add(RegistryState(id=1, revision=1))
        await session.flush()
    await notify(session=session, channel=REVISION_CHANNEL)


async def effective_number(*, session: AsyncSession, at: datetime) -> int | None:
    """The number of the version in effect at `at`, or None before the first one."""
    return (await session.exec(
        select(RegistryVersion.number)
        .where(RegistryVersion.withdrawn_at.is_(None), RegistryVersion.effective_at <= at)
        .order_by(RegistryVersion.number.desc()).limit(1)
    )).one_or_none()


async def effective_version(*, session: AsyncSession, at: datetime | None = None) -> VersionView | None:
    """The version in effect at `at` (default now)."""
    at = at or utcnow()
    version = (await session.exec(
        select(RegistryVersion)
        .where(RegistryVersion.withdrawn_at.is_(None), RegistryVersion.effective_at <= at)
        .order_by(RegistryVersion.number.desc()).limit(1)
    )).one_or_none()
    return VersionView(version, version.status(now=at, effective_number=version.number)) if version else None


async def get_version(*, session: AsyncSession, number: int, now: datetime | None = None) -> VersionView | None:
    """One version by number, with its status now."""
    version = await session.get(RegistryVersion, number)
    if version is None:
        return None
    now = now or utcnow()
    return VersionView(version, version.status(now=now, effective_number=await effective_number(session=session, at=now)))


async def list_versions(*, session: AsyncSession, limit: int, before_number: int | None = None,
                        now: datetime | None = None, with_entries: bool = True) -> list[VersionView]:
    """Versions newest first, `limit` of them, older than `before_number`; the lists only if asked for."""
    now = now or utcnow()
    query = select(RegistryVersion).order_by(RegistryVersion.number.desc()).limit(limit)
    if not with_entries:
        # Decoding every version's whole list is most of a history read that shows only the changes.
        query = query.options(defer(RegistryVersion.entries, raiseload=True))
    if before_number is not None:
        query = query.where(RegistryVersion.number < before_number)
    versions = (await session.exec(query)).all()
    current = await effective_number(session=session, at=now)
    return [VersionView(v, v.status(now=now, effective_number=current)) for v in versions]


async def pending_versions(*, session: AsyncSession, now: datetime | None = None) -> list[RegistryVersion]:
    """Published versions not yet in effect and not withdrawn, oldest first."""
    now = now or utcnow()
    return list((await session.exec(
        select(RegistryVersion)
        .where(RegistryVersion.withdrawn_at.is_(None), RegistryVersion.effective_at > now)
        .order_by(RegistryVersion.number)
    )))


def services_named(*, current: RegistryVersion | None, pending: list[RegistryVersion]) -> list[str]:
    """The known services: those the list in effect and the announced versions name, in the order people read them."""
    lists = ([current] if current else []) + pending
    named = {service for version in lists for entry in version.entries for service in entry.get("services") or ()}
    return sorted(named, key=lambda service: (reading_order(service), service))


async def known_services(*, session: AsyncSession, now: datetime | None = None) -> list[str]:
    """The services the list in effect and the announced versions name (services_named), read from the database."""
    now = now or utcnow()
    current = await effective_version(session=session, at=now)
    return services_named(current=current.version if current else None,
                          pending=await pending_versions(session=session, now=now))


async def chosen_services(*, session: AsyncSession, services: list[str], now: datetime | None = None) -> list[str]:
    """A reader's choice of services, each one the registry names; an empty choice means every service."""
    chosen = list(dict.fromkeys(service.strip() for service in services))
    if not chosen:
        return []
    known = await known_services(session=session, now=now)
    unknown = [service for service in chosen if service not in known]
    if unknown:
        # Quoted and cut short: the names come from a stranger.
        named = ", ".join(repr(service[:100]) for service in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        offer = f"Choose among: {', '.join(known)}." if known else "The list names no services yet."
        raise RegistryError.one(f"The list of sub-processors names no such service: {named}. {offer}",
                                ErrorCode.INVALID, "services")
    return chosen


async def _latest(session: AsyncSession, *, include_withdrawn: bool) -> RegistryVersion | None:
    query = select(RegistryVersion).order_by(RegistryVersion.number.desc()).limit(1)
    if not include_withdrawn:
        query = query.where(RegistryVersion.withdrawn_at.is_(None))
    return (await session.exec(query)).one_or_none()


async def draft_changes(*, session: AsyncSession) -> list[Change]:
    """What publishing the draft now would change against the last version not withdrawn."""
    base = await _latest(session, include_withdrawn=False)
    draft = [entry.canonical() for entry in await drafts.list_draft(session=session)]
    return diff_entries(base.entries if base else [], draft)


async def current_draft_hash(*, session: AsyncSession) -> str:
    """The draft hash of what publishing the draft now would freeze (see planned_hash)."""
    latest = await _latest(session, include_withdrawn=True)
    entries = [entry.canonical() for entry in await drafts.list_draft(session=session)]
    changes = [change.as_json() for change in await draft_changes(session=session)]
    return draft_hash(number=latest.number + 1 if latest else 1, previous_hash=latest.content_hash if latest else None,
                      entries=entries, changes=changes)


def planned_hash(version: RegistryVersion) -> str:
    """The draft hash of a version made from the draft, previewed or published: what it holds, not when or why."""
    return draft_hash(number=version.number, previous_hash=version.previous_hash, entries=version.entries,
                      changes=version.changes)


def required_text(value: str, field: str, missing: str) -> str:
    """The text stripped; REQUIRED when empty, TOO_LONG past MAX_NOTE_LENGTH (notes and reasons alike)."""
    value = value.strip()
    if not value:
        raise RegistryError.one(missing, ErrorCode.REQUIRED, field)
    if len(value) > MAX_NOTE_LENGTH:
        raise RegistryError.one(f"The {field} is longer than {MAX_NOTE_LENGTH} characters.", ErrorCode.TOO_LONG, field)
    return value


def _effective_at(*, now: datetime, notice_days: int | None, effective_at: datetime | None,
                  min_notice_days: int) -> datetime:
    if notice_days is not None and effective_at is not None:
        raise RegistryError.one("Give noticeDays or effectiveAt, not both.", ErrorCode.INVALID, "notice_days")
    earliest = add_days(now, min_notice_days)
    if effective_at is not None:
        effective_at = utc_instant(effective_at, "effective_at")
        if effective_at < earliest:
            raise RegistryError.one(
                f"effectiveAt must be at least {min_notice_days} days after publication "
                f"(no earlier than {earliest.isoformat(timespec='seconds')}).",
                ErrorCode.NOTICE_TOO_SHORT, "effective_at")
        if effective_at > add_days(now, MAX_NOTICE_DAYS):
            raise RegistryError.one(f"effectiveAt must be at most {MAX_NOTICE_DAYS} days after publication.",
                                    ErrorCode.INVALID, "effective_at")
        return effective_at
    days = min_notice_days if notice_days is None else notice_days
    if days < min_notice_days:
        raise RegistryError.one(f"noticeDays must be at least {min_notice_days}.", ErrorCode.NOTICE_TOO_SHORT,
                                "notice_days")
    if days > MAX_NOTICE_DAYS:
        raise RegistryError.one(f"noticeDays must be at most {MAX_NOTICE_DAYS}.", ErrorCode.INVALID, "notice_days")
    return add_days(now, days)


async def draft_version(*, session: AsyncSession, actor: str, note: str, min_notice_days: int,
                        notice_days: int | None = None, effective_at: datetime | None = None,
                        now: datetime | None = None) -> RegistryVersion:
    """The version publishing the draft at `now` would create, checked but unsaved: nothing is written."""
    now = now or utcnow()
    note = required_text(note, "note", "A note is required: say what changes and why.")
    latest = await _latest(session, include_withdrawn=True)
    changes = await draft_changes(session=session)
    if latest is not None and not changes:
        raise RegistryError.one("The draft does not differ from the current list.", ErrorCode.NO_CHANGES)
    if latest is not None and now < latest.published_at:
        raise RegistryError.one(f"Version {latest.number} was published later than this one would be.",
                                ErrorCode.INVALID_STATE)
    if latest is None:
        effective = now
    else:
        # No customer may get less notice than their agreement promises.
        longest = await longest_notice_days(session=session)
        effective = _effective_at(now=now, notice_days=notice_days, effective_at=effective_at,
                                  min_notice_days=max(min_notice_days, longest))
        for pending in await pending_versions(session=session, now=now):
            if effective < pending.effective_at:
                raise RegistryError.one(
                    f"Version {pending.number} takes effect {pending.effective_at.isoformat(timespec='seconds')}; "
                    "a later version cannot take effect before it.", ErrorCode.INVALID_STATE, "effective_at")
    entries = [entry.canonical() for entry in await drafts.list_draft(session=session)]
    number = latest.number + 1 if latest else 1
    previous_hash = latest.content_hash if latest else None
    return RegistryVersion(
        number=number, published_at=now, effective_at=effective, note=note, published_by=actor,
        entries=entries, changes=[change.as_json() for change in changes], material=is_material(changes),
        previous_hash=previous_hash,
        content_hash=content_hash(number=number, previous_hash=previous_hash, published_at=now,
                                  effective_at=effective, note=note, entries=entries),
    )


async def publish_version(*, session: AsyncSession, actor: str, note: str, min_notice_days: int,
                          notice_days: int | None = None, effective_at: datetime | None = None,
                          now: datetime | None = None) -> RegistryVersion:
    """Freeze the draft into version N+1, effective after the notice period; the first is effective at once."""
    now = now or utcnow()
    await _lock_and_bump(session)
    version = await draft_version(session=session, actor=actor, note=note, min_notice_days=min_notice_days,
                                  notice_days=notice_days, effective_at=effective_at, now=now)
    session.add(version)
    await session.flush()
    await audit.record(session=session, actor=actor, action="publishVersion", target=f"version {version.number}",
                       after={"number": version.number, "note": version.note,
                              "effective_at": version.effective_at.isoformat(),
                              "content_hash": version.content_hash, "changes": version.changes})
    return version


async def withdraw_version(*, session: AsyncSession, actor: str, number: int, reason: str,
                           now: datetime | None = None) -> RegistryVersion:
    """Withdraw a pending version so that it never takes effect; the latest pending one only."""
    now = now or utcnow()
    reason = required_text(reason, "reason", "A reason is required.")
    await _lock_and_bump(session)
    version = await session.get(RegistryVersion, number)
    if version is None:
        raise RegistryError.one(f"There is no version {number}.", ErrorCode.NOT_FOUND, "number")
    status = version.status(now=now, effective_number=await effective_number(session=session, at=now))
    if status is not VersionStatus.PENDING:
        raise RegistryError.one(f"Version {number} is {status.value.lower()}; only a pending version can be withdrawn.",
                                ErrorCode.INVALID_STATE, "number")
    later = await _latest(session, include_withdrawn=False)
    if later is not None and later.number > number:
        raise RegistryError.one(f"Version {later.number} builds on version {number}; withdraw it first.",
                                ErrorCode.INVALID_STATE, "number")
    version.withdrawn_at, version.withdrawn_by, version.withdrawn_reason = now, actor, reason
    await session.flush()
    await audit.record(session=session, actor=actor, action="withdrawVersion", target=f"version {number}",
                       before={"status": status.value}, after={"status": "WITHDRAWN", "reason": reason})
    return version


async def diff_versions(*, session: AsyncSession, from_number: int, to_number: int) -> list[Change]:
    """Field-level changes from one version's list to another's, in either direction."""
    rows = {v.number: v for v in (await session.exec(
        select(RegistryVersion).where(RegistryVersion.number.in_([from_number, to_number]))))}
    return diff_of(rows, from_number=from_number, to_number=to_number)


def diff_of(rows: dict[int, RegistryVersion], *, from_number: int, to_number: int) -> list[Change]:
    """The changes between two of these versions; NOT_FOUND naming the side that is not among them."""
    for field, number in (("from_version", from_number), ("to_version", to_number)):
        if number not in rows:
            raise RegistryError.one(f"There is no version {number}.", ErrorCode.NOT_FOUND, field)
    return diff_entries(rows[from_number].entries, rows[to_number].entries)


async def verify_chain(*, session: AsyncSession) -> list[str]:
    """Re-derive every hash, link and change set; returns what does not match (empty when intact)."""
    problems: list[str] = []
    earlier: list[RegistryVersion] = []
    for version in (await session.exec(select(RegistryVersion).order_by(RegistryVersion.number))):
        previous = earlier[-1] if earlier else None
        expected_number = previous.number + 1 if previous else 1
        if version.number != expected_number:
            problems.append(f"version {version.number}: expected number {expected_number}")
        if version.previous_hash != (previous.content_hash if previous else None):
            problems.append(f"version {version.number}: previous hash does not match version {expected_number - 1}")
        if hash_of(version_canonical_content(version)) != version.content_hash:
            problems.append(f"version {version.number}: content hash does not match its content")
        # The change set was taken against the last version not yet withdrawn when this one was published.
        base = next((v for v in reversed(earlier)
                     if v.withdrawn_at is None or v.withdrawn_at > version.published_at), None)
        if [c.as_json() for c in diff_entries(base.entries if base else [], version.entries)] != version.changes:
            problems.append(f"version {version.number}: stored changes do not match its list")
        earlier.append(version)
    return problems


async def unsafe_text(*, session: AsyncSession) -> list[str]:
    """Where published versions hold characters XML cannot carry (stored before they were refused); empty if none.

    The stored change sets are left out: verify_chain checks they follow from the entries, which are read here.
    """
    problems: list[str] = []
    for version in (await session.exec(select(RegistryVersion).order_by(RegistryVersion.number))):
        places = [*text.unsafe_places(version.note, "note"),
                  *text.unsafe_places(version.withdrawn_reason, "withdrawal reason")]
        for entry in version.entries:
            places += [(f"entry {entry.get('slug')!r} {path.removeprefix('.')}", char)
                       for path, char in text.unsafe_places(entry, "")]
        problems += [f"version {version.number}: {place} holds {char}, which XML cannot carry"
                     for place, char in places]
    return problems


async def latest_number(*, session: AsyncSession) -> int | None:
    """The highest version number published, withdrawn ones included."""
    return (await session.exec(select(RegistryVersion.number).order_by(RegistryVersion.number.desc())
                                  .limit(1))).one_or_none()


async def versions_by_number(*, session: AsyncSession, numbers: list[int]) -> list[RegistryVersion]:
    """The versions of those numbers that exist, in no particular order."""
    return list((await session.exec(select(RegistryVersion).where(RegistryVersion.number.in_(numbers)))).all())
