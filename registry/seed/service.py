"""Loading the demo data into an empty registry."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from registry.agreement.models import AgreementTemplate
from registry.db import utcnow
from registry.seed import office2go
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from registry.versions.models import RegistryVersion

SEED_ACTOR = "seed"


async def seed_demo(*, session: AsyncSession, min_notice_days: int, now: datetime | None = None) -> list[str]:
    """Publish the seed's list as version 1 and its clauses as agreement 1, where missing; says what it did."""
    data = office2go()
    done: list[str] = []
    if (await session.exec(select(RegistryVersion.number).limit(1))).first() is None:
        entries = [drafts.parse_entry({k: v for k, v in raw.items() if k != "seed_spelling"})
                   for raw in data["subprocessors"]]
        await drafts.replace_draft(session=session, actor=SEED_ACTOR, entries=entries)
        await versions.publish_version(session=session, actor=SEED_ACTOR, min_notice_days=min_notice_days,
                                       note="Listen over underdatabehandlere fra databehandleraftalen.", now=now)
        done.append(f"published version 1 with {len(entries)} sub-processors")
    if await session.get(AgreementTemplate, 1) is None:
        agreement = data["agreement"]
        sections = [{"key": s["key"], "heading_da": s["heading_da"], "body_da": s["body_da"],
                     "heading_en": None, "body_en": None} for s in agreement["sections"]]
        session.add(AgreementTemplate(version=1, published_at=now or utcnow(), title_da=agreement["title_da"], title_en=agreement["title_en"],
                                      sections=sections))
        done.append(f"stored agreement template 1 with {len(sections)} sections")
    return done
