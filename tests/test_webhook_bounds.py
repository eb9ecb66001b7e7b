"""The webhook settings driven past their bound against a real receiver: REGISTRY_WEBHOOK_TIMEOUT_SECONDS
bounds a whole delivery, a slow endpoint holds a batch at most half of REGISTRY_WORKER_LEASE_SECONDS plus that
timeout, and REGISTRY_WEBHOOK_CIRCUIT_FAILURES failures in a row pause an endpoint."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from notifications.webhooks import payloads, service
from notifications.webhooks.delivery import WebhookSender
from notifications.webhooks.models import WebhookEndpoint
from registry.db import utcnow
from tests.support.graphql_documents import nodes
from tests.support.notify_helpers import deliver
from tests.support.webhook_receiver import WebhookReceiver
from tests.test_webhooks import customer, endpoints, receiver, register, settings  # noqa: F401 - fixtures

INCIDENT = "incident.notified"
TIMEOUT = 2.0


async def queue_incidents(db, customer_id: int, count: int) -> None:
    async with db.transaction() as session:
        for number in range(count):
            await service.enqueue_event(session=session, event_type=INCIDENT, customer_ids=[customer_id],
                                        data={"title": f"Hændelse {number}"})


async def one_batch(db, settings) -> None:
    """One claim and its posts: each delivery due gets at most one attempt."""
    sender = WebhookSender(db=db, settings=settings, owner="test")
    try:
        await sender.run_once()
    finally:
        await sender.close()


async def end_pauses(db) -> None:
    """The clock moves past every endpoint's pause."""
    async with db.transaction() as session:
        await session.exec(update(WebhookEndpoint).where(WebhookEndpoint.paused_until.is_not(None))
                           .values(paused_until=utcnow() - timedelta(seconds=1)))


def incidents(endpoint: dict) -> list[dict]:
    return [d for d in nodes(endpoint["deliveries"]) if d["eventType"] == INCIDENT]


def paused_until(endpoint: dict) -> datetime:
    return datetime.fromisoformat(endpoint["pausedUntil"].replace("Z", "+00:00"))


async def verified(gql, token, db, settings, *receivers) -> None:
    for each in receivers:
        await register(gql, token, each, events=["INCIDENT_NOTIFIED"])
    await deliver(db, settings)


@pytest.mark.parametrize("slowness", ["delay", "trickle"])
async def test_an_answer_slower_than_the_timeout_fails_after_the_timeout_not_after_the_answer(
        db, settings, gql, customer, receiver, slowness):
    # Given two verified endpoints and a webhook timeout of 2 s
    settings = settings.model_copy(update={"webhook_timeout_seconds": TIMEOUT})
    customer_id, token = customer
    with WebhookReceiver() as sound:
        await verified(gql, token, db, settings, receiver, sound)

        # When one takes 6 s over an event's answer (holding it back, or sending it a byte at a time)
        setattr(receiver, slowness, 3 * TIMEOUT)
        await queue_incidents(db, customer_id, 1)
        before = utcnow()
        await one_batch(db, settings)
        held = utcnow() - before

    # Then the attempt it received is logged as failed, to be retried, saying it timed out
    assert len(receiver.of_type(INCIDENT)) == 1
    slow, other = await endpoints(gql, token)
    [entry] = incidents(slow)
    assert (entry["status"], entry["attempts"], entry["responseCode"]) == ("RETRYING", 1, None)
    assert entry["lastError"] == "Timed out: no complete answer within 2 s."
    # after about the timeout, not the slow answer: the worker was held no longer than the bound
    assert TIMEOUT * 1000 <= entry["latencyMs"] < (TIMEOUT + 2) * 1000 and held < timedelta(seconds=TIMEOUT + 2)
    # and the other endpoint's event did not wait for it
    [delivered] = incidents(other)
    assert delivered["status"] == "DELIVERED"
    assert datetime.fromisoformat(delivered["deliveredAt"].replace("Z", "+00:00")) < before + timedelta(seconds=TIMEOUT)


@pytest.mark.parametrize("slowness", ["delay", "trickle"])
async def test_an_answer_inside_the_timeout_is_delivered(db, settings, gql, customer, receiver, slowness):
    # Given a verified endpoint and a webhook timeout of 2 s
    settings = settings.model_copy(update={"webhook_timeout_seconds": TIMEOUT})
    customer_id, token = customer
    await verified(gql, token, db, settings, receiver)

    # When it takes half the timeout over an event's answer (slack enough for a loaded machine)
    setattr(receiver, slowness, TIMEOUT / 2)
    await queue_incidents(db, customer_id, 1)
    await one_batch(db, settings)

    # Then the event is delivered at the first attempt, the slow answer waited for
    [entry] = incidents((await endpoints(gql, token))[0])
    assert (entry["status"], entry["attempts"], entry["responseCode"]) == ("DELIVERED", 1, 200)
    assert entry["latencyMs"] >= (TIMEOUT / 2 - 0.1) * 1000


async def test_a_slow_endpoint_holds_a_batch_at_most_half_a_lease_plus_the_timeout_the_rest_sent_later(
        db, settings, gql, customer, receiver):
    # Given a verified endpoint, a lease of 2 s (a busy machine still claims well inside its half) and a webhook
    # timeout of 2 s
    settings = settings.model_copy(update={"worker_lease_seconds": 2, "webhook_timeout_seconds": TIMEOUT})
    customer_id, token = customer
    await verified(gql, token, db, settings, receiver)
    half_a_lease = settings.worker_lease_seconds / 2

    # When it takes 1.2 s over each answer, longer than half the lease, and four events are queued for it
    # (sent one after another, they would hold the batch 4.8 s, past the bound of 3 s)
    receiver.delay = 1.2
    await queue_incidents(db, customer_id, 4)
    before = utcnow()
    await one_batch(db, settings)
    held = utcnow() - before

    # Then the first is sent and its answer waited for, and the batch returns inside the bound
    sent = receiver.of_type(INCIDENT)
    assert len(sent) == 1, [each.webhook_id for each in sent]
    logged = list(reversed(incidents((await endpoints(gql, token))[0])))
    assert (logged[0]["status"], logged[0]["attempts"], logged[0]["webhookId"]) == ("DELIVERED", 1, sent[0].webhook_id)
    assert logged[0]["latencyMs"] >= (receiver.delay - 0.1) * 1000
    assert held < timedelta(seconds=half_a_lease + TIMEOUT), held
    # and the three not started by half a lease are left untried, not failed
    assert [(d["status"], d["attempts"], d["lastError"]) for d in logged[1:]] == [("QUEUED", 0, None)] * 3

    # When the endpoint answers at once again and the next batch is sent
    receiver.delay = 0.0
    await one_batch(db, settings)

    # Then those three arrive in it (their lease was given back, not left to run out), at their first attempt
    # and in the order they were queued
    later = [each.webhook_id for each in receiver.of_type(INCIDENT)[1:]]
    logged = list(reversed(incidents((await endpoints(gql, token))[0])))
    assert later == [d["webhookId"] for d in logged[1:]]
    assert [(d["status"], d["attempts"]) for d in logged] == [("DELIVERED", 1)] * 4


async def test_the_nth_failure_in_a_row_opens_the_circuit_holding_the_rest_until_the_pause_ends(
        db, settings, gql, customer, receiver):
    # Given two verified endpoints, circuits opening at the third failure in a row for 600 s, and one endpoint down
    settings = settings.model_copy(update={"webhook_circuit_failures": 3, "circuit_pause_seconds": 600})
    customer_id, token = customer
    with WebhookReceiver() as sound:
        await verified(gql, token, db, settings, receiver, sound)
        receiver.always_fail = True

        # When each endpoint is tried at two events: two failures in a row
        await queue_incidents(db, customer_id, 2)
        await one_batch(db, settings)

        # Then the failing endpoint's circuit is still closed
        failing, _ = await endpoints(gql, token)
        assert (failing["failures"], failing["pausedUntil"]) == (2, None)

        # When the next attempt fails too, the third in a row
        before = utcnow()
        await one_batch(db, settings)
        after = utcnow()

        # Then its circuit is open for the pause, the other delivery not tried
        assert len(receiver.of_type(INCIDENT)) == 3
        failing, _ = await endpoints(gql, token)
        assert failing["failures"] == 3
        assert before + timedelta(seconds=600) <= paused_until(failing) <= after + timedelta(seconds=600)

        # When another event comes and the worker runs until nothing is due
        await queue_incidents(db, customer_id, 1)
        await deliver(db, settings)

        # Then the paused endpoint got nothing more, its deliveries held to be retried, while the other got all three
        assert len(receiver.of_type(INCIDENT)) == 3
        failing, other = await endpoints(gql, token)
        assert [d["status"] for d in incidents(failing)] == ["QUEUED", "RETRYING", "RETRYING"]
        assert [d["status"] for d in incidents(other)] == ["DELIVERED"] * 3
        assert (other["failures"], other["pausedUntil"]) == (0, None)

        # When the pause has ended and the endpoint is back
        await end_pauses(db)
        receiver.always_fail = False
        await deliver(db, settings)

    # Then every held event reaches it, and its circuit is closed
    assert [r.answered for r in receiver.of_type(INCIDENT)] == [503] * 3 + [200] * 3
    failing, _ = await endpoints(gql, token)
    assert (failing["failures"], failing["pausedUntil"]) == (0, None)
    assert [d["status"] for d in incidents(failing)] == ["DELIVERED"] * 3


async def test_a_pause_doubles_while_the_endpoint_keeps_failing_to_at_most_an_hour(
        db, settings, gql, customer, receiver):
    # Given a verified endpoint whose circuit opens at the second failure in a row, for 600 s, and which is down
    settings = settings.model_copy(update={"webhook_circuit_failures": 2, "circuit_pause_seconds": 600,
                                           "delivery_max_attempts": 20})
    customer_id, token = customer
    await verified(gql, token, db, settings, receiver)
    receiver.always_fail = True
    await queue_incidents(db, customer_id, 2)

    # When the worker runs, and again each time the pause has ended
    pauses, tried = [], []
    for _ in range(4):
        before = utcnow()
        await deliver(db, settings)
        [endpoint] = await endpoints(gql, token)
        pauses.append(round((paused_until(endpoint) - before).total_seconds(), -1))
        tried.append(len(receiver.of_type(INCIDENT)))
        await end_pauses(db)

    # Then the pause doubles each time to an hour, and a paused endpoint gets one attempt when the pause ends
    assert pauses == [600, 1200, 2400, 3600]
    assert tried == [2, 3, 4, 5]
    assert [d["status"] for d in incidents(endpoint)] == ["RETRYING", "RETRYING"]


async def test_an_endpoint_failing_for_weeks_is_paused_for_an_hour_and_the_worker_goes_on(
        db, settings, gql, customer, receiver):
    # Given a verified endpoint that has failed 2,000 times in a row (an hourly try for twelve weeks), still down
    # A float, as the setting is read from the environment (model_copy does not validate)
    settings = settings.model_copy(update={"webhook_circuit_failures": 2, "circuit_pause_seconds": 600.0})
    customer_id, token = customer
    await verified(gql, token, db, settings, receiver)
    async with db.transaction() as session:
        await session.exec(update(WebhookEndpoint).values(failures=2000))
    receiver.always_fail = True

    # When its next event fails too
    await queue_incidents(db, customer_id, 1)
    before = utcnow()
    await deliver(db, settings)

    # Then it is paused for an hour, the most a pause lasts, and the failure is logged like any other
    [endpoint] = await endpoints(gql, token)
    assert endpoint["failures"] == 2001
    assert round((paused_until(endpoint) - before).total_seconds(), -1) == 3600
    assert [d["status"] for d in incidents(endpoint)] == ["RETRYING"]


async def test_a_delivery_the_worker_cannot_build_fails_alone_and_the_rest_of_its_batch_is_settled(
        db, settings, gql, customer, receiver, monkeypatch):
    # Given two verified endpoints, and two events queued to both, one of which the worker cannot build
    customer_id, token = customer
    with WebhookReceiver() as sound:
        await verified(gql, token, db, settings, receiver, sound)
        build = payloads.body_of

        def body_of(*, payload, **options):
            if payload["data"].get("title") == "Ulæselig":
                raise KeyError("versionNumber")  # as a payload this worker cannot read would
            return build(payload=payload, **options)

        monkeypatch.setattr(payloads, "body_of", body_of)
        async with db.transaction() as session:
            for title in ("Ulæselig", "Læselig"):
                await service.enqueue_event(session=session, event_type=INCIDENT, customer_ids=[customer_id],
                                            data={"title": title})

        # When one batch is sent
        await one_batch(db, settings)
        arrived = [each.of_type(INCIDENT) for each in (receiver, sound)]

    # Then the readable event reached both and is settled as delivered; the other is a failed attempt on each,
    # saying so, to be retried (and in the end dead-lettered), and no endpoint's circuit counts it
    assert [[hook.json["data"]["title"] for hook in hooks] for hooks in arrived] == [["Læselig"], ["Læselig"]]
    for endpoint in await endpoints(gql, token):
        logged = {entry["status"]: entry for entry in incidents(endpoint)}
        assert sorted(logged) == ["DELIVERED", "RETRYING"] and endpoint["failures"] == 0
        assert logged["RETRYING"]["attempts"] == 1
        assert logged["RETRYING"]["lastError"] == "Not sent: the registry could not build this delivery (KeyError)."


async def test_failures_count_in_a_row_a_delivery_between_them_starts_again(db, settings, gql, customer, receiver):
    # Given a verified endpoint whose circuit opens at the third failure in a row
    settings = settings.model_copy(update={"webhook_circuit_failures": 3, "circuit_pause_seconds": 600})
    customer_id, token = customer
    await verified(gql, token, db, settings, receiver)

    # When two events each fail twice and then arrive, one after the other: four failures, never three in a row
    receiver.fail_first = 2
    for _ in range(2):
        await queue_incidents(db, customer_id, 1)
        await deliver(db, settings)

    # Then both arrived and the circuit never opened
    assert [r.answered for r in receiver.of_type(INCIDENT)] == [503, 503, 200] * 2
    [endpoint] = await endpoints(gql, token)
    assert (endpoint["failures"], endpoint["pausedUntil"]) == (0, None)


async def test_a_slow_webhook_round_does_not_hold_back_the_mail(
        seeded, admin_token, gql, settings, customer, receiver, smtp, mail_settings):
    # Given a verified endpoint that holds each answer 5 s (inside a 10 s timeout) with an event due for it,
    # and a change notice due for a subscriber
    import asyncio
    import time

    from notifications.worker import Worker
    from tests.support.notify_helpers import add_confirmed, publish_change
    from tests.support.waiting import until

    mail_settings = mail_settings.model_copy(update={"webhook_timeout_seconds": 10.0})
    customer_id, token = customer
    await verified(gql, token, seeded, mail_settings, receiver)
    receiver.delay = 5.0
    await queue_incidents(seeded, customer_id, 1)
    await add_confirmed(seeded, ("kunde@example.dk", "da"))
    await publish_change(gql, admin_token)

    # When a worker runs
    stop, started = asyncio.Event(), time.monotonic()
    running = asyncio.create_task(Worker(db=seeded, settings=mail_settings).run(stop))
    try:
        await until(lambda: smtp.sink.to("kunde@example.dk"), limit_seconds=30)
        mail_after = time.monotonic() - started
    finally:
        stop.set()
        await running

    # Then the mail went out while the endpoint still held its answer, not after the webhook round
    assert mail_after < 4.0, mail_after
