"""A worker sizes its claims by the pace mail goes out, so a slow relay's backlog waits for whichever worker is free."""

from notifications.worker import Worker
from tests.support.notify_helpers import add_confirmed, publish_change


async def test_a_slow_relay_gets_batches_that_go_out_in_a_quarter_of_the_lease(seeded, gql, admin_token, smtp,
                                                                               mail_settings):
    # Given a relay that takes a tenth of a second a message, a lease of four seconds, and twelve
    # subscribers told of a change
    smtp.sink.delay = 0.1
    settings = mail_settings.model_copy(update={"worker_lease_seconds": 4, "worker_batch_size": 50})
    await add_confirmed(seeded, *((f"r{i}@example.dk", "da") for i in range(12)))
    await publish_change(gql, admin_token)
    worker = Worker(db=seeded, settings=settings)

    # When the worker sends that change, not knowing the pace yet, and then the next one
    try:
        first = await worker.run_once()
        await publish_change(gql, admin_token, name="Fællesskabet Drift ApS", note="Nyt navn")
        second = await worker.run_once()
    finally:
        await worker.transport.close()

    # Then it took the whole first change at once, but of the next only what goes out in a second
    assert first == 12
    assert 1 <= second <= 10
