"""Published versions, their field-level changes, and the paginated history."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from registry.versions.models import Change as DomainChange
from registry.versions.models import RegistryVersion as DomainVersion
from registry.versions.service import VersionView
from schema.pagination import Connection, Edge
from schema.published import PublishedVersions
from schema.types.common import ChangeKind, Language, VersionStatus, camel
from schema.types.subprocessors import Subprocessor, subprocessors_of


@strawberry.type(description="One difference: a whole entry added or removed, or one field changed.")
class Change:
    kind: ChangeKind
    slug: str
    name: str
    field: str | None = strawberry.field(description="The Subprocessor field that changed, for CHANGED.")
    before: JSON | None
    after: JSON | None

    @classmethod
    def from_domain(cls, change: DomainChange) -> "Change":
        return cls(kind=change.kind, slug=change.slug, name=change.name, field=camel(change.field),
                   before=change.before, after=change.after)


def _changes(version: DomainVersion) -> list[Change]:
    return [Change.from_domain(change) for change in version.change_list()]


@strawberry.type(description="A published version of the sub-processor list. Immutable once published.")
class RegistryVersion:
    number: int
    status: VersionStatus
    published_at: datetime
    effective_at: datetime
    objection_deadline: datetime | None = strawberry.field(
        description="Until when customers may object; null when the version only removes or edits details.")
    note: str
    material: bool = strawberry.field(description="Adds a sub-processor or changes where, how or why data is processed.")
    content_hash: str = strawberry.field(description="SHA-256 over this version's canonical form and previousHash.")
    previous_hash: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    # A plain field, not a resolver: a history page completes fifty of them, and from memory they are built already.
    changes: list[Change] = strawberry.field(description="The field-level changes against the version before it.")
    view: strawberry.Private[VersionView]
    published: strawberry.Private[PublishedVersions | None] = None  # where the row came from, if from memory


    @strawberry.field(description="The complete list this version publishes.")
    def subprocessors(self, language: Language = Language.DA) -> list[Subprocessor]:
        return subprocessors_of(self.view, language, self.published)

    @classmethod
    def from_view(cls, view: VersionView, published: PublishedVersions | None = None) -> "RegistryVersion":
        version = view.version
        return cls(
            number=version.number, status=view.status, published_at=version.published_at,
            effective_at=version.effective_at, objection_deadline=version.objection_deadline, note=version.note,
            material=version.material, content_hash=version.content_hash, previous_hash=version.previous_hash,
            withdrawn_at=version.withdrawn_at, withdrawal_reason=version.withdrawn_reason, view=view,
            changes=published.derived(version, Change, _changes) if published else _changes(version),
            published=published,
        )


VERSION_CURSOR = "version"


@strawberry.type(description="Published versions, newest first.")
class RegistryVersionConnection(Connection[RegistryVersion]):
    total_count: int
    with_lists: strawberry.Private[bool] = True

    @strawberry.field
    def edges(self, info: Info) -> list[Edge[RegistryVersion]]:
        # A page with its lists is the longest answer a stranger may ask for; it must not hold the loop.
        # Without them a page of 100 is as short as one list, and pacing it would cost more than it spares.
        turns = info.context.turns
        return turns.paced(self.page) if turns and self.with_lists else self.page


@strawberry.type(description="The field-level changes from one version's list to another's.")
class RegistryDiff:
    from_version: int
    to_version: int
    changes: list[Change]
