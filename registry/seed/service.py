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
    agreement = data["agreement"]
    sections = [{"key": s["key"], "heading_da": s["heading_da"], "body_da": s["body_da"],
                 "heading_en": s.get("heading_en"), "body_en": s.get("body_en")} for s in agreement["sections"]]
    stored = await session.get(AgreementTemplate, 1)
    if stored is None:
        session.add(AgreementTemplate(version=1, published_at=now or utcnow(), title_da=agreement["title_da"], title_en=agreement["title_en"],
                                      sections=sections))
        done.append(f"stored agreement template 1 with {len(sections)} sections")
    elif _add_translation(stored, sections):
        done.append("added the English convenience translation to agreement template 1")
    return done


def _add_translation(stored: AgreementTemplate, sections: list[dict]) -> bool:
    """Give a template seeded before the translation existed its English text, if its Danish is the seed's.

    The Danish text governs and stays as it is; only missing English is filled in.
    """
    same_danish = [(s["key"], s["body_da"]) for s in stored.sections] == [(s["key"], s["body_da"]) for s in sections]
    if not same_danish or all(s.get("body_en") for s in stored.sections):
        return False
    stored.sections = [{**old, "heading_en": old.get("heading_en") or new["heading_en"],
                        "body_en": old.get("body_en") or new["body_en"]} for old, new in zip(stored.sections, sections, strict=True)]
    return True
