"""Two admins publishing at the same moment get one version, not two copies or a broken chain."""

import asyncio

from registry.errors import ErrorCode, RegistryError
from registry.subprocessors import service as drafts
from registry.versions import service as versions


async def test_simultaneous_publishes_of_one_draft_yield_one_version(seeded):
    async with seeded.transaction() as session:
        await drafts.save_draft_entry(session=session, actor="t", entry=drafts.parse_entry(
            {"slug": "mailgun", "name": "Mailgun", "purpose_da": "E-mail", "purpose_en": "E-mail"}))

    async def publish(actor: str) -> int | ErrorCode:
        try:
            async with seeded.transaction() as session:
                return (await versions.publish_version(session=session, actor=actor, note=actor,
                                                       min_notice_days=30)).number
        except RegistryError as error:
            return error.problems[0].code

    outcomes = await asyncio.gather(publish("alice"), publish("bob"))

    assert sorted(outcomes, key=str) == sorted([2, ErrorCode.NO_CHANGES], key=str)
    async with seeded.session() as session:
        assert await versions.verify_chain(session=session) == []
