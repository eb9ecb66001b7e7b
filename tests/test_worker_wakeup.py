"""An idle worker hears of queued mail at once on PostgreSQL, from any process, and only once it commits."""

import asyncio

import pytest

from notifications import doorbell as doorbell_module
from notifications.doorbell import Doorbell
from notifications.outbox import service as outbox
from notifications.outbox.models import NotificationKind
from notifications.worker import Worker
from tests.support.notify_helpers import SUBSCRIBE

NEVER_POLLS = 3600.0


@pytest.fixture
def postgres_only(db):
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no NOTIFY: a worker there finds new mail by polling")


async def test_an_idle_worker_sends_a_confirmation_at_once_not_at_its_next_poll(db, gql, smtp, mail_settings,
                                                                                postgres_only):
    # Given a worker that has gone idle and would look for mail again only in an hour
    settings = mail_settings.model_copy(update={"worker_poll_seconds": NEVER_POLLS})
    worker, stop = Worker(db=db, settings=settings), asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    async with asyncio.timeout(10):
        while not worker.doorbell.listening:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # its first rounds find nothing

    # When someone subscribes through the API
    answer = await gql(SUBSCRIBE, {"email": "ny@example.dk", "language": "DA"})

    # Then the confirmation email goes out without waiting for the poll
    try:
        async with asyncio.timeout(10):
            while not smtp.sink.to("ny@example.dk"):
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await running
    assert answer["data"]["subscribe"]["ok"] and len(smtp.sink.to("ny@example.dk")) == 1


async def test_mail_queued_in_a_transaction_that_rolls_back_wakes_no_one(db, postgres_only):
    # Given a listening doorbell with nothing rung since
    doorbell, stop = Doorbell(db), asyncio.Event()
    await doorbell.wait(stop, 0)  # starts listening; the first wait always looks once
    try:
        # When mail is queued in a transaction that fails, and then in one that commits
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await outbox.enqueue_direct(session=session, kind=NotificationKind.CUSTOMER_ACCESS,
                                            to_address="a@example.dk", language="da", payload={"customer": "A"})
                raise RuntimeError("the request failed after queueing")
        after_rollback = await doorbell.wait(stop, 0.5)
        async with db.transaction() as session:
            await outbox.enqueue_direct(session=session, kind=NotificationKind.CUSTOMER_ACCESS,
                                        to_address="a@example.dk", language="da", payload={"customer": "A"})
        after_commit = await doorbell.wait(stop, 10)
    finally:
        await doorbell.close()

    # Then only the commit rang
    assert (after_rollback, after_commit) == (False, True)


async def listening_connections(db) -> int:
    """Connections to this database whose last statement was a LISTEN for queued mail (a fresh look each time:
    PostgreSQL shows one transaction a single snapshot of pg_stat_activity)."""
    async with db.engine.connect() as connection:
        return (await connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND query LIKE 'LISTEN %registry_outbox%'")).scalar_one()


async def test_the_mail_and_webhook_loops_starting_to_wait_at_once_open_one_listening_connection(
        db, postgres_only, monkeypatch):
    # Given a worker's doorbell, not yet listening
    doorbell, stop = Doorbell(db), asyncio.Event()
    opened, listen = [], doorbell_module.listen

    async def opening(**options):
        opened.append(await listen(**options))
        return opened[-1]

    monkeypatch.setattr(doorbell_module, "listen", opening)
    before = await listening_connections(db)

    # When its mail loop and its webhook loop both wait at the same moment, and it then stops listening
    await asyncio.gather(doorbell.wait(stop, 0), doorbell.wait(stop, 0, webhooks=True))
    await doorbell.close()

    # Then one connection was opened, and it is closed (a second one, dropped, would be left to the garbage
    # collector, still listening until then)
    assert len(opened) == 1 and opened[0].is_closed()
    await asyncio.sleep(0.2)  # the server notices the closed connection
    assert await listening_connections(db) == before
