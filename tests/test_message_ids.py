"""Message-IDs are unique across installations and database resets, yet stable for one row across resends."""

import asyncio
from email import message_from_bytes, policy

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from notifications.delivery import make_transport
from notifications.subscriptions import service as subscriptions
from notifications.worker import Worker
from registry.db import Database
from registry.migrations import upgrade
from tests.notify_helpers import deliver


@pytest.fixture
def two_fresh_urls(database_url, tmp_path):
    """Two newly migrated databases of the test's engine, as two installations (or one before and after a reset)."""
    if database_url.startswith("sqlite"):
        urls = [f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}" for name in ("first", "second")]
    else:
        server, name = database_url.rsplit("/", 1)
        urls = [f"{server}/{name}_{suffix}" for suffix in ("first", "second")]
        for url in urls:
            asyncio.run(_admin(server, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]}"))
            asyncio.run(_admin(server, f"CREATE DATABASE {url.rsplit('/', 1)[1]}"))
    for url in urls:
        upgrade(url)
    yield urls
    if not database_url.startswith("sqlite"):
        for url in urls:
            asyncio.run(_admin(url.rsplit("/", 1)[0], f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)"))


async def _admin(server: str, statement: str) -> None:
    engine = create_async_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _ask_to_subscribe(db: Database, settings, email: str) -> None:
    async with db.transaction() as session:
        await subscriptions.request_subscription(session=session, settings=settings, email=email, language="da",
                                                 client="203.0.113.9")


class Recording:
    """The real transport, noting each Message-ID it is handed, sent or not."""

    def __init__(self, transport) -> None:
        self.transport, self.ids = transport, []

    async def send(self, *, sender: str, recipient: str, message: bytes, message_id: str) -> str:
        self.ids.append((message_id, message_from_bytes(message, policy=policy.default)["Message-ID"]))
        return await self.transport.send(sender=sender, recipient=recipient, message=message, message_id=message_id)

    async def close(self) -> None:
        await self.transport.close()


async def test_two_fresh_databases_give_the_same_row_different_message_ids(two_fresh_urls, mail_settings, smtp):
    # Given two installations (or one database before and after a reset), each confirming its first subscriber
    for url in two_fresh_urls:
        db = Database(url)
        try:
            await _ask_to_subscribe(db, mail_settings, "ny@example.dk")
            await deliver(db, mail_settings.model_copy(update={"database_url": url}))
        finally:
            await db.dispose()

    # Then the same row number went out under two different Message-IDs, both in the public host's domain
    first, second = smtp.sink.message_ids()
    assert first.startswith("<confirm.0.1.") and second.startswith("<confirm.0.1.")
    assert first != second
    assert first.endswith("@registry.example.test>") and second.endswith("@registry.example.test>")


async def test_a_resend_by_a_restarted_worker_carries_the_same_message_id(db, mail_settings, smtp):
    # Given a confirmation the mail server first refused for now
    await _ask_to_subscribe(db, mail_settings, "ny@example.dk")
    smtp.sink.script("ny@example.dk", "451")
    first = Recording(make_transport(mail_settings))
    await Worker(db=db, settings=mail_settings, transport=first).run_once()
    await first.close()

    # When a new worker process (after a crash, say) sends it again
    second = Recording(make_transport(mail_settings))
    await Worker(db=db, settings=mail_settings, transport=second).drain()
    await second.close()

    # Then both attempts, and the message that arrived, carry one Message-ID
    (attempt, header), = first.ids
    (resend, resent_header), = second.ids
    assert attempt == header == resend == resent_header == smtp.sink.message_ids()[0]
