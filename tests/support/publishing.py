"""Setting up versions the way an admin would, through the registry's own service functions."""

from datetime import datetime

from registry.db import Database
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from registry.versions.models import RegistryVersion

ADMIN = "alice@office2go.test"

HETZNER = {"slug": "hetzner", "name": "Hetzner Online GmbH", "purpose_da": "Drift af servere",
           "purpose_en": "Server hosting", "countries": ["DE", "FI"], "transfer_mechanism": "EEA",
           "services": ["Hosting"], "website": "https://www.hetzner.com"}


async def publish(db: Database, *, note: str, add: list[dict] = (), change: dict[str, dict] | None = None,
                  remove: list[str] = (), min_notice_days: int = 30, notice_days: int | None = None,
                  effective_at: datetime | None = None) -> RegistryVersion:
    """Edit the draft (add entries, change fields by slug, remove slugs) and publish it as the next version."""
    async with db.transaction() as session:
        current = {entry.slug: entry for entry in await drafts.list_draft(session=session)}
        for slug, fields in (change or {}).items():
            entry = drafts.parse_entry(current[slug].canonical() | fields)
            await drafts.save_draft_entry(session=session, actor=ADMIN, entry=entry)
        for raw in add:
            await drafts.save_draft_entry(session=session, actor=ADMIN, entry=drafts.parse_entry(raw))
        for slug in remove:
            await drafts.remove_draft_entry(session=session, actor=ADMIN, slug=slug)
        return await versions.publish_version(session=session, actor=ADMIN, note=note,
                                              min_notice_days=min_notice_days, notice_days=notice_days,
                                              effective_at=effective_at)
