"""Queries of the registry: reads of the list, its history and the agreement; admin reads of the draft and audit."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from registry.agreement import service as agreements
from registry.audit import service as audit
from registry.db import is_stored_number, utcnow
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from schema.pagination import decode_cursor, page_size
from schema.published import effective_and_pending, effective_view
from schema.permissions import IsAdmin
from schema.types.agreement import AgreementTemplate, Organisation
from schema.types.audit import AUDIT_CURSOR, AuditEntry, AuditEntryConnection
from schema.types.common import Language, aware
from schema.types.subprocessors import Subprocessor, subprocessors_of
from schema.types.versions import VERSION_CURSOR, Change, RegistryDiff, RegistryVersion, RegistryVersionConnection


@strawberry.type(description="The admins' working draft of the next version.")
class Draft:
    subprocessors: list[Subprocessor]
    changes: list[Change] = strawberry.field(description="What publishing now would change.")


@strawberry.type(description="The result of re-deriving every version's hash and link.")
class ChainVerification:
    intact: bool
    versions: int
    problems: list[str]


def selects(selections, name: str) -> bool:
    """Whether a field of that name is asked for anywhere below these selections (fragments included)."""
    return any(getattr(s, "name", None) == name or selects(getattr(s, "selections", []), name) for s in selections)


async def _effective(info: Info, at: datetime | None) -> versions.VersionView | None:
    return await effective_view(info.context.published, info.context.db, at)


def _node(view: versions.VersionView, published, remembered) -> RegistryVersion:
    # From memory, a version with a given status always reads the same: built once, not per request.
    if not remembered:
        return RegistryVersion.from_view(view)
    return published.derived(view.version, (RegistryVersion, view.status),
                             lambda _row: RegistryVersion.from_view(view, published))


def _entries(info: Info, view: versions.VersionView) -> list:
    published = info.context.published
    return published.entries_of(view.version) if published else view.entries()


@strawberry.type
class RegistryQuery:
    @strawberry.field(description="The list in effect at asOf (default now).")
    async def subprocessors(self, info: Info, as_of: datetime | None = None,
                            language: Language = Language.DA) -> list[Subprocessor]:
        view = await _effective(info, aware(as_of, "asOf"))
        return subprocessors_of(view, language, info.context.published) if view else []

    @strawberry.field(description="One sub-processor in the list in effect at asOf (default now), or null.")
    async def subprocessor(self, info: Info, slug: str, as_of: datetime | None = None,
                           language: Language = Language.DA) -> Subprocessor | None:
        view = await _effective(info, aware(as_of, "asOf"))
        entry = next((e for e in _entries(info, view) if e.slug == slug), None) if view else None
        return Subprocessor.from_entry(entry, language) if entry else None

    @strawberry.field(description=(
        "The services the list in effect and the announced versions name, sorted: what subscribe(services:) "
        "and /feed.atom?service= accept."))
    async def subprocessor_services(self, info: Info) -> list[str]:
        current, pending = await effective_and_pending(info.context.published, info.context.db, utcnow())
        return versions.services_named(current=current.version if current else None, pending=pending)

    @strawberry.field(description="Published versions, newest first.")
    async def registry_versions(self, info: Info, first: int | None = None,
                                after: str | None = None) -> RegistryVersionConnection:
        limit = page_size(info.context.settings, first)
        before_number = decode_cursor(VERSION_CURSOR, after)
        published = info.context.published
        with_lists = selects(info.selected_fields, "subprocessors")
        remembered = await published.page(limit=limit + 1, before_number=before_number) if published else None
        if remembered is None:
            async with info.context.db.session() as session:
                views = await versions.list_versions(session=session, limit=limit + 1, before_number=before_number,
                                                     with_entries=with_lists)
                latest = await versions.latest_number(session=session)
        else:
            views, latest = remembered
        return RegistryVersionConnection.of(views, limit=limit, after=before_number, kind=VERSION_CURSOR,
                                            key=lambda view: view.version.number,
                                            node=lambda view: _node(view, published, remembered),
                                            total_count=latest or 0, with_lists=with_lists)

    @strawberry.field(description="One published version by number, or null.")
    async def registry_version(self, info: Info, number: int) -> RegistryVersion | None:
        published = info.context.published
        remembered = await published.version(number) if published and is_stored_number(number) else None
        if remembered is not None:
            return RegistryVersion.from_view(remembered[0], published) if remembered[0] else None
        async with info.context.db.session() as session:
            view = await versions.get_version(session=session, number=number)
        return RegistryVersion.from_view(view) if view else None

    @strawberry.field(description="The field-level changes between any two versions.")
    async def registry_diff(self, info: Info, from_version: int, to_version: int) -> RegistryDiff:
        published = info.context.published
        changes = await published.diff(from_version, to_version) if published else None
        if changes is None:
            async with info.context.db.session() as session:
                changes = await versions.diff_versions(session=session, from_number=from_version,
                                                       to_number=to_version)
        return RegistryDiff(from_version=from_version, to_version=to_version,
                            changes=[Change.from_domain(change) for change in changes])

    @strawberry.field(description="The agreement template of that version (default the newest), or null.")
    async def agreement_template(self, info: Info, version: int | None = None,
                                 language: Language = Language.DA) -> AgreementTemplate | None:
        async with info.context.db.session() as session:
            template = await agreements.get_template(session=session, version=version)
        return AgreementTemplate.from_domain(template, language, info.context.settings) if template else None

    @strawberry.field(description="The data processor and its data protection contact.")
    def organisation(self, info: Info) -> Organisation:
        return Organisation.from_settings(info.context.settings)

    @strawberry.field(permission_classes=[IsAdmin], description="The working draft of the next version.")
    async def draft(self, info: Info, language: Language = Language.DA) -> Draft:
        async with info.context.db.session() as session:
            entries = await drafts.list_draft(session=session)
            changes = await versions.draft_changes(session=session)
        return Draft(subprocessors=[Subprocessor.from_entry(e, language) for e in entries],
                     changes=[Change.from_domain(c) for c in changes])

    @strawberry.field(permission_classes=[IsAdmin], description="Admin changes, newest first.")
    async def audit_log(self, info: Info, first: int | None = None, after: str | None = None,
                        action: str | None = None) -> AuditEntryConnection:
        limit, before_id = page_size(info.context.settings, first), decode_cursor(AUDIT_CURSOR, after)
        async with info.context.db.session() as session:
            entries = await audit.list_entries(session=session, limit=limit + 1, before_id=before_id, action=action)
        return AuditEntryConnection.of(entries, limit=limit, after=before_id, kind=AUDIT_CURSOR,
                                       key=lambda entry: entry.id, node=AuditEntry.from_domain)

    @strawberry.field(permission_classes=[IsAdmin], description="Re-check every version's hash and link.")
    async def verify_registry(self, info: Info) -> ChainVerification:
        async with info.context.db.session() as session:
            problems = await versions.verify_chain(session=session)
            latest = await versions.latest_number(session=session)
        return ChainVerification(intact=not problems, versions=latest or 0, problems=problems)


