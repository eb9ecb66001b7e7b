"""The admins' working draft of the next sub-processor list."""

from pydantic import ValidationError
from sqlalchemy import delete
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.audit import service as audit
from registry.db import utcnow
from registry.errors import ErrorCode, Problem, RegistryError
from registry.subprocessors.models import DraftEntry, SubprocessorEntry

_PYDANTIC_CODES = {"missing": ErrorCode.REQUIRED, "string_too_short": ErrorCode.REQUIRED,
                   "string_too_long": ErrorCode.TOO_LONG, "too_long": ErrorCode.TOO_LONG}


def parse_entry(data: dict) -> SubprocessorEntry:
    """Validate raw input into an entry, or raise a RegistryError naming every bad field."""
    try:
        return SubprocessorEntry.model_validate(data)
    except ValidationError as error:
        raise RegistryError(*(
            Problem(field=".".join(str(part) for part in detail["loc"]) or None,
                    message=detail["msg"].removeprefix("Value error, "),
                    code=_PYDANTIC_CODES.get(detail["type"], ErrorCode.INVALID))
            for detail in error.errors()
        )) from None


async def list_draft(*, session: AsyncSession) -> list[SubprocessorEntry]:
    """The draft's entries in slug order."""
    rows = (await session.exec(select(DraftEntry).order_by(DraftEntry.slug)))
    return [SubprocessorEntry.model_validate(row.data) for row in rows]


async def save_draft_entry(*, session: AsyncSession, actor: str, entry: SubprocessorEntry,
                           previous_slug: str | None = None) -> SubprocessorEntry:
    """Add an entry to the draft or replace one, renaming it when previous_slug differs."""
    old_slug = previous_slug or entry.slug
    current = await session.get(DraftEntry, old_slug)
    if previous_slug and current is None:
        raise RegistryError.one(f"No sub-processor '{previous_slug}' in the draft.", ErrorCode.NOT_FOUND, "previous_slug")
    if entry.slug != old_slug and await session.get(DraftEntry, entry.slug) is not None:
        raise RegistryError.one(f"The draft already has a sub-processor '{entry.slug}'.", ErrorCode.DUPLICATE, "slug")
    others = (await session.exec(select(DraftEntry).where(DraftEntry.slug != old_slug)))
    namesake = next((row.slug for row in others if row.data["name"].casefold() == entry.name.casefold()), None)
    if namesake:
        raise RegistryError.one(f"'{namesake}' already has the name '{entry.name}'.", ErrorCode.DUPLICATE, "name")
    before = dict(current.data) if current else None
    if current is not None and entry.slug != old_slug:
        await session.delete(current)
        current = None
    if current is None:
        session.add(DraftEntry(slug=entry.slug, data=entry.canonical(), updated_by=actor))
    else:
        current.data, current.updated_at, current.updated_by = entry.canonical(), utcnow(), actor
    await session.flush()
    await audit.record(session=session, actor=actor, action="saveSubprocessorDraft", target=entry.slug,
                       before=before, after=entry.canonical())
    return entry


async def remove_draft_entry(*, session: AsyncSession, actor: str, slug: str) -> SubprocessorEntry:
    """Take an entry out of the draft; the removal is published with the next version."""
    current = await session.get(DraftEntry, slug)
    if current is None:
        raise RegistryError.one(f"No sub-processor '{slug}' in the draft.", ErrorCode.NOT_FOUND, "slug")
    removed = SubprocessorEntry.model_validate(current.data)
    await session.delete(current)
    await session.flush()
    await audit.record(session=session, actor=actor, action="removeSubprocessorDraft", target=slug,
                       before=removed.canonical())
    return removed


async def replace_draft(*, session: AsyncSession, actor: str, entries: list[SubprocessorEntry]) -> None:
    """Make the draft exactly these entries (seeding and restores)."""
    await session.exec(delete(DraftEntry))
    session.add_all(DraftEntry(slug=entry.slug, data=entry.canonical(), updated_by=actor) for entry in entries)
    await session.flush()
