"""Publishing and its notices commit together: none lost, none twice."""

import pytest
from sqlalchemy.exc import IntegrityError

from notifications.outbox.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from notifications.subscriptions import audience
from registry.versions.models import RegistryVersion
from tests.conftest import make_customer
from tests.support.notify_helpers import (
    PUBLISH,
    add_confirmed,
    deliver,
    notifications,
    publish_change,
    subscription,
)

WITHDRAW = """mutation($n: Int!) { withdrawVersion(number: $n, reason: "Fejl i aftalen") {
  version { status } userErrors { message } } }"""


async def test_publishing_queues_one_notice_per_confirmed_subscriber(seeded, gql, admin_token):
    # Given two confirmed subscribers and one who never confirmed
    await add_confirmed(seeded, ("a@example.dk", "da"), ("b@example.dk", "en"))
    await gql("mutation { subscribe(input: {email: \"pending@example.dk\", language: DA}) { ok } }")

    # When an admin publishes a change
    number = await publish_change(gql, admin_token)

    # Then exactly the confirmed subscribers have a queued notice, in their language
    notices = [n for n in await notifications(seeded) if n.kind == NotificationKind.VERSION_PUBLISHED]
    assert sorted((n.to_address, n.language, n.version_number, n.status) for n in notices) == [
        ("a@example.dk", "da", number, NotificationStatus.QUEUED),
        ("b@example.dk", "en", number, NotificationStatus.QUEUED)]


async def test_a_refused_publish_queues_nothing(seeded, gql, admin_token):
    await add_confirmed(seeded, ("a@example.dk", "da"))

    # The draft equals the current list, so publishing is refused
    answer = await gql(PUBLISH, {"note": "Intet nyt"}, token=admin_token)

    assert answer["data"]["publishVersion"]["userErrors"][0]["code"] == "NO_CHANGES"
    assert await notifications(seeded) == []


async def test_withdrawing_a_version_tells_those_who_were_told_and_cancels_the_rest(seeded, gql, admin_token,
                                                                                   mail_settings):
    # Given a notice already sent to one subscriber, and a subscriber whose notice has not gone out yet
    await add_confirmed(seeded, ("told@example.dk", "da"))
    number = await publish_change(gql, admin_token)
    await deliver(seeded, mail_settings)
    await add_confirmed(seeded, ("late@example.dk", "en"))
    late = await subscription(seeded, "late@example.dk")
    async with seeded.transaction() as session:
        session.add(Notification(kind=NotificationKind.VERSION_PUBLISHED, version_number=number,
                                 subscription_id=late.id, to_address=late.email, language=late.language))

    # When the version is withdrawn
    answer = await gql(WITHDRAW, {"n": number}, token=admin_token)

    # Then the subscriber who was told gets the withdrawal, and the other gets neither email
    assert answer["data"]["withdrawVersion"]["version"]["status"] == "WITHDRAWN"
    notices = {(n.to_address, n.kind): n.status for n in await notifications(seeded)}
    assert notices == {
        ("told@example.dk", NotificationKind.VERSION_PUBLISHED): NotificationStatus.SENT,
        ("told@example.dk", NotificationKind.VERSION_WITHDRAWN): NotificationStatus.QUEUED,
        ("late@example.dk", NotificationKind.VERSION_PUBLISHED): NotificationStatus.CANCELLED}


@pytest.mark.parametrize("customers", [0, 1, 2], ids=["subscriber", "one customer's contact", "two customers'"])
async def test_a_notice_cannot_be_queued_twice(seeded, gql, admin_token, customers):
    # Given a subscriber who is the notice contact of 0, 1 or 2 customers, told of a version once for each
    for n in range(customers):
        await make_customer(seeded, f"Kunde {n}", contacts=[("a@example.dk", "da")])
    await add_confirmed(seeded, ("a@example.dk", "da"))
    number = await publish_change(gql, admin_token)
    queued = await notifications(seeded)

    # When the same notices are queued again
    with pytest.raises(IntegrityError):
        async with seeded.transaction() as session:
            version = await session.get(RegistryVersion, number)
            await audience.enqueue_version_notices(session=session, version=version,
                                                   kind=NotificationKind.VERSION_PUBLISHED)

    # Then the database refuses, and the outbox holds what it held
    assert len(queued) == max(customers, 1)
    assert len({n.customer_id for n in queued}) == len(queued)
    assert len(await notifications(seeded)) == len(queued)


async def test_a_version_is_never_published_without_its_notices(seeded, gql, admin_token, monkeypatch):
    # Given the outbox write fails (say, the database refuses it)
    await add_confirmed(seeded, ("a@example.dk", "da"))

    async def refuse(**_kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(audience, "enqueue_version_notices", refuse)

    # When an admin publishes
    await gql(SAVE_HETZNER, token=admin_token)
    answer = await gql(PUBLISH, {"note": "Ny leverandør"}, token=admin_token)

    # Then nothing is published either: the version and its notices commit together or not at all
    assert answer["data"] is None and answer["errors"]
    versions = await gql("{ registryVersions { totalCount } }")
    assert versions["data"]["registryVersions"]["totalCount"] == 1
    assert await notifications(seeded) == []


SAVE_HETZNER = """mutation { saveSubprocessorDraft(input: {slug: "hetzner", name: "Hetzner Online GmbH",
  purposeDa: "Hosting", purposeEn: "Hosting", countries: ["DE"]}) { userErrors { message } } }"""


async def test_a_batch_claimed_ahead_that_waited_past_half_its_lease_is_claimed_afresh(seeded, gql, admin_token,
                                                                                      settings):
    # Given queued notices, and a batch claimed ahead for a worker whose lease is one second
    import asyncio

    from notifications.worker import Worker
    from registry.db import utcnow

    await add_confirmed(seeded, ("a@example.dk", "da"), ("b@example.dk", "da"))
    await publish_change(gql, admin_token)
    lease_of_one_second = settings.model_copy(update={"worker_lease_seconds": 1})
    claims = Worker(db=seeded, settings=lease_of_one_second, owner="w1").claims
    claims.claim_ahead()

    # When the worker only gets to it after more than half that second
    await asyncio.sleep(0.7)
    taken_at = utcnow()
    claimed = await claims.next()

    # Then it is not sent under the old lease, which another worker may take over any moment: the rows
    # are claimed again, with a full lease from now
    assert len(claimed.rows) == 2
    for row in await notifications(seeded):
        assert row.lease_owner == "w1" and (row.lease_until - taken_at).total_seconds() > 0.8
