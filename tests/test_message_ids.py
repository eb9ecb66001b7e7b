"""Message-IDs are unique across installations and database resets, yet stable for one row across resends."""

from email import message_from_bytes, policy

import pytest

from notifications.delivery import make_transport
from notifications.subscriptions import service as subscriptions
from notifications.worker import Worker
from registry.db import Database
from registry.migrations import upgrade
from tests.support.notify_helpers import deliver


@pytest.fixture
def fresh_url(scratch_url):
    """A newly migrated database of the test's engine, as a second installation would have."""
    upgrade(scratch_url)
    return scratch_url


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


async def test_a_reset_database_and_another_installation_give_the_same_row_new_message_ids(
        db, fresh_url, mail_settings, smtp):
    # Given a database reset to empty (as every test's is) and another installation's, each confirming
    # its first subscriber
    await _ask_to_subscribe(db, mail_settings, "ny@example.dk")
    await deliver(db, mail_settings)
    other = Database(fresh_url)
    try:
        await _ask_to_subscribe(other, mail_settings, "ny@example.dk")
        await deliver(other, mail_settings.model_copy(update={"database_url": fresh_url}))
    finally:
        await other.dispose()

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
