"""The registry database the benchmark reads: the demo list as version 1, then 499 backdated edits, all in effect;
and the emptied, freshly seeded database the mail and webhook benchmarks start each run from.

With `customer=True` also a customer whose list rests on version 500: version 501 (in effect, an addition)
is held back by their open objection, and version 502 (pending, a new sub-processor and a move out of the
EEA) is announced to them and still open to objection; both notices are on record.
"""

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from registry.auth import service as auth
from registry.auth.models import Role
from registry.customers import service as customers
from registry.customers.models import Customer
from registry.db import Database, utcnow
from registry.models import load_all
from registry.objections import service as objections
from registry.seed import office2go
from registry.seed.service import seed_demo
from registry.subprocessors import service as drafts
from registry.versions import service as versions

ACTOR = "bench"
MIN_NOTICE_DAYS = 30
CUSTOMER = "Bench Kunde A/S"
CONTACT = "dpo@bench-kunde.dk"
# Version 501 (days before the build, published and noticed) and 502 (announced a day ago, still pending).
HELD_BACK_DAYS, PENDING_DAYS = 40, 1


def _demo_entries() -> list:
    return [drafts.parse_entry({k: v for k, v in raw.items() if k != "seed_spelling"})
            for raw in office2go()["subprocessors"]]


async def build(url: str, *, count: int, customer: bool = False, entries: list | None = None) -> str:
    """Bring the migrated database at `url` to `count` published versions (and the customer's two after them).

    Version 1 lists `entries` (default the demo's 17); each later one edits two of them.
    """
    db = Database(url)
    total = count + 2 if customer else count
    try:
        async with db.session() as session:
            latest = await versions.latest_number(session=session) or 0
            first = await versions.versions_by_number(session=session, numbers=[1])
        listed = len(first[0].entries) if first else 0
        if latest == total and listed == len(entries or _demo_entries()):
            return f"reusing {total} versions of {listed} entries"
        if latest:  # figures from another shape of registry would be given under this one's
            raise SystemExit(f"{url} holds {latest} versions of {listed} entries, not {total} of "
                             f"{len(entries or _demo_entries())}: give the benchmark an empty database")
        # Each version is published a day after the last; every one is in effect long before today.
        start = utcnow() - timedelta(days=count + MIN_NOTICE_DAYS + 30)
        entries = entries or _demo_entries()
        async with db.transaction() as session:
            await drafts.replace_draft(session=session, actor=ACTOR, entries=entries)
            await versions.publish_version(session=session, actor=ACTOR, min_notice_days=MIN_NOTICE_DAYS,
                                           note="Listen over underdatabehandlere fra databehandleraftalen.", now=start)
        for number in range(2, count + 1):
            edited = [entries[index].model_copy(update={"services": [f"Tjeneste {number}"]})
                      for index in (number % len(entries), (number + 5) % len(entries))]
            await _publish(db, entries=edited, note=f"Benchmark edit {number}.", now=start + timedelta(days=number))
        if customer:
            await _customer(db, entries)
        return f"built {total} versions"
    finally:
        await db.dispose()


async def _publish(db: Database, *, entries: list, note: str, now) -> int:
    async with db.transaction() as session:
        for entry in entries:
            await drafts.save_draft_entry(session=session, actor=ACTOR, entry=entry)
        return (await versions.publish_version(session=session, actor=ACTOR, min_notice_days=MIN_NOTICE_DAYS,
                                               note=note, now=now)).number


async def _customer(db: Database, entries: list) -> None:
    now = utcnow()
    async with db.transaction() as session:
        await seed_demo(session=session, min_notice_days=MIN_NOTICE_DAYS)  # only agreement template 1: versions exist
        customer, _ = await customers.create_customer(session=session, actor=ACTOR, name=CUSTOMER, cvr=None,
                                                      contacts=[(CONTACT, "da")])
        # Accepted long after version 1 took effect, so only what came later can hold their list back.
        await customers.create_agreement(session=session, actor=ACTOR, customer_id=customer.id, template_version=1,
                                         accepted_at=now - timedelta(days=400), services=[],
                                         notice_days=MIN_NOTICE_DAYS, min_notice_days=MIN_NOTICE_DAYS)
    added = drafts.parse_entry({"slug": "mailgun", "name": "Mailgun", "legal_entity": "Mailgun Technologies, Inc.",
                                "purpose_da": "Udsendelse af e-mails", "purpose_en": "Sending emails",
                                "countries": ["US"], "transfer_mechanism": "DPF", "data_categories": ["E-mail"]})
    held = now - timedelta(days=HELD_BACK_DAYS)
    held_back = await _publish(db, entries=[added], note="Mailgun sender vores e-mails.", now=held)
    moved = drafts.parse_entry({**entries[0].model_dump(), "countries": ["DK", "US"], "transfer_mechanism": "SCC"})
    analytics = drafts.parse_entry({"slug": "plausible", "name": "Plausible", "purpose_da": "Besøgsstatistik",
                                    "purpose_en": "Visitor statistics", "countries": ["EE"], "transfer_mechanism": "EEA"})
    pending_at = now - timedelta(days=PENDING_DAYS)
    pending = await _publish(db, entries=[moved, analytics], note="Plausible og e-conomic i USA.", now=pending_at)
    async with db.transaction() as session:
        for number, sent_at in ((held_back, held), (pending, pending_at)):
            await customers.record_notice(session=session, customer_id=customer.id, version_number=number,
                                          sent_at=sent_at + timedelta(hours=1), message_id=f"<v{number}@bench>",
                                          recipient=CONTACT)
        await objections.file_objection(session=session, customer_id=customer.id, version_number=held_back,
                                        reason="Mailgun overfører data til USA.", filed_by=CONTACT,
                                        now=held + timedelta(days=5))


async def customer_token(url: str) -> str:
    """A new API token for the benchmark's customer, minted as `registry token create --role customer` does."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            customer_id = (await session.exec(select(Customer.id).where(Customer.name == CUSTOMER))).one()
            return await auth.create_token(session=session, name=CONTACT, role=Role.CUSTOMER, customer_id=customer_id)
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
