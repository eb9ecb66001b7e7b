"""The registry database the benchmark reads: the demo list as version 1, then 499 backdated edits, all in effect;
and the emptied, freshly seeded database the mail and webhook benchmarks start each run from."""

from datetime import timedelta

from sqlalchemy import text

from registry.db import Database, utcnow
from registry.models import load_all
from registry.seed import office2go
from registry.seed.service import seed_demo
from registry.subprocessors import service as drafts
from registry.versions import service as versions

ACTOR = "bench"
MIN_NOTICE_DAYS = 30


def _demo_entries() -> list:
    return [drafts.parse_entry({k: v for k, v in raw.items() if k != "seed_spelling"})
            for raw in office2go()["subprocessors"]]


async def build(url: str, *, count: int) -> str:
    """Bring the migrated database at `url` to `count` published versions; refuses one holding anything else."""
    db = Database(url)
    try:
        async with db.session() as session:
            latest = await versions.latest_number(session=session) or 0
        if latest == count:
            return f"reusing {count} versions"
        if latest:
            raise SystemExit(f"{url} holds {latest} versions, not 0 or {count}: give the benchmark an empty database")
        # Each version is published a day after the last; every one is in effect long before today.
        start = utcnow() - timedelta(days=count + MIN_NOTICE_DAYS + 30)
        entries = _demo_entries()
        async with db.transaction() as session:
            await drafts.replace_draft(session=session, actor=ACTOR, entries=entries)
            await versions.publish_version(session=session, actor=ACTOR, min_notice_days=MIN_NOTICE_DAYS,
                                           note="Listen over underdatabehandlere fra databehandleraftalen.", now=start)
        for number in range(2, count + 1):
            async with db.transaction() as session:
                for index in (number % len(entries), (number + 5) % len(entries)):
                    entry = entries[index].model_copy(update={"services": [f"Tjeneste {number}"]})
                    await drafts.save_draft_entry(session=session, actor=ACTOR, entry=entry)
                await versions.publish_version(session=session, actor=ACTOR, min_notice_days=MIN_NOTICE_DAYS,
                                               note=f"Benchmark edit {number}.", now=start + timedelta(days=number))
        return f"built {count} versions"
    finally:
        await db.dispose()


async def fresh_demo(url: str) -> Database:
    """Empty every table of the migrated database at `url`, then seed the demo list as version 1."""
    db = Database(url)
    tables = [table.name for table in reversed(load_all().sorted_tables)]
    async with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            # Not DELETE: its dead rows would bloat the tables and indexes run after run, and autovacuum
            # would clean them up in the middle of a later fan-out.
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))
    async with db.transaction() as session:
        await seed_demo(session=session, min_notice_days=MIN_NOTICE_DAYS)
    return db
