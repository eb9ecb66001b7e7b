"""Per-service subscriptions: a subscriber who chose services hears only of versions that concern one of them.

"Concern" is the customers' rule (registry/objections/windows.py `concerns`): the version adds, or materially
changes, a sub-processor used for one of the services. No services chosen means every version.
"""

import re

from notifications.outbox.models import NotificationKind
from notifications.subscriptions import audience
from notifications.subscriptions import service as subscriptions
from registry.versions import service as versions
from tests.conftest import make_customer
from tests.support.notify_helpers import add_confirmed, deliver, link, notifications, subscription, token_of
from tests.support.publishing import ADMIN, HETZNER, publish

MAILGUN = {"slug": "mailgun", "name": "Mailgun Technologies", "purpose_da": "Afsendelse af nyhedsbreve",
           "purpose_en": "Sending newsletters", "countries": ["US"], "transfer_mechanism": "DPF",
           "services": ["Nyhedsbrev"]}
SUBSCRIBE = """mutation($input: SubscribeInput!) { subscribe(input: $input) { ok userErrors { field message code } } }"""
CONFIRM = "mutation($t: String!) { confirmSubscription(token: $t) { ok userErrors { code message } } }"


async def announce_both_services(db) -> None:
    """Given version 2, announced: Hetzner for Hosting and Mailgun for Nyhedsbrev (the services the list names)."""
    await publish(db, note="Hetzner og Mailgun tilføjes.", add=[HETZNER, MAILGUN])


async def subscribe_and_confirm(gql, client, smtp, db, mail_settings, email: str, services: list[str], *,
                                messages_before: int = 0) -> None:
    answer = await gql(SUBSCRIBE, {"input": {"email": email, "language": "EN", "services": services}})
    assert answer["data"]["subscribe"] == {"ok": True, "userErrors": []}
    await deliver(db, mail_settings)
    [confirmation] = smtp.sink.to(email)[messages_before:]
    confirmed = await gql(CONFIRM, {"t": token_of(link(confirmation, "/subscriptions/confirm"))})
    assert confirmed["data"]["confirmSubscription"]["ok"] is True


def notice_numbers(smtp, email: str) -> list[int]:
    """The version numbers of the change notices an address received, in order."""
    subjects = [message["Subject"] for message in smtp.sink.to(email)]
    return [int(found.group(1)) for subject in subjects if (found := re.search(r"[Vv]ersion (\d+)", subject))]


async def test_subscriber_of_one_service_hears_only_of_versions_that_concern_it(seeded, gql, client, smtp,
                                                                               mail_settings):
    # Given three confirmed subscribers who chose Hosting, Nyhedsbrev, and nothing (= everything), by GraphQL
    await announce_both_services(seeded)
    await subscribe_and_confirm(gql, client, smtp, seeded, mail_settings, "hosting@example.dk", ["Hosting"])
    await subscribe_and_confirm(gql, client, smtp, seeded, mail_settings, "nyhedsbrev@example.dk", ["Nyhedsbrev"])
    await subscribe_and_confirm(gql, client, smtp, seeded, mail_settings, "alt@example.dk", [])

    # When version 3 moves Hetzner (Hosting) to the USA, and version 4 moves Mailgun (Nyhedsbrev) to Ireland
    await publish(seeded, note="Hetzner flytter til USA.", change={"hetzner": {"countries": ["US"],
                                                                             "transfer_mechanism": "DPF"}})
    await publish(seeded, note="Mailgun flytter til Irland.", change={"mailgun": {"countries": ["IE"],
                                                                                "transfer_mechanism": "EEA"}})
    async with seeded.transaction() as session:
        for number in (3, 4):
            version = await session.get(versions.RegistryVersion, number)
            await audience.enqueue_version_notices(session=session, version=version,
                                                   kind=NotificationKind.VERSION_PUBLISHED)
    await deliver(seeded, mail_settings)

    # Then each hears of exactly the versions that concern their services; no choice hears of both
    assert notice_numbers(smtp, "hosting@example.dk") == [3]
    assert notice_numbers(smtp, "nyhedsbrev@example.dk") == [4]
    assert notice_numbers(smtp, "alt@example.dk") == [3, 4]


async def test_a_version_touching_an_entry_used_for_every_service_reaches_every_subscriber(seeded, settings):
    # Given subscribers of Hosting and of Nyhedsbrev
    await announce_both_services(seeded)
    await add_confirmed(seeded, ("hosting@example.dk", "da"), ("nyhedsbrev@example.dk", "da"), ("alt@example.dk", "en"))
    await choose(seeded, "hosting@example.dk", ["Hosting"])
    await choose(seeded, "nyhedsbrev@example.dk", ["Nyhedsbrev"])

    # When Dropbox, which names no services and so is used for every one, moves to the USA
    version = await publish(seeded, note="Dropbox flytter til USA.", change={"dropbox": {"countries": ["US"]}})
    async with seeded.transaction() as session:
        queued = await audience.enqueue_version_notices(session=session, version=version,
                                                        kind=NotificationKind.VERSION_PUBLISHED)

    # Then all three are told
    assert queued == 3


async def test_a_customers_contact_hears_on_the_customers_behalf_whatever_services_they_chose(seeded, settings):
    # Given a customer's notice contact who, as a subscriber, chose only Nyhedsbrev
    await announce_both_services(seeded)
    await make_customer(seeded, "Kunde A ApS", contacts=[("dpo@kunde-a.dk", "da")], services=["Hosting"])
    await add_confirmed(seeded, ("dpo@kunde-a.dk", "da"), ("nyhedsbrev@example.dk", "da"))
    await choose(seeded, "dpo@kunde-a.dk", ["Nyhedsbrev"])
    await choose(seeded, "nyhedsbrev@example.dk", ["Nyhedsbrev"])

    # When a version changes Hetzner, used for Hosting, which the customer's agreement covers
    version = await publish(seeded, note="Hetzner flytter til USA.", change={"hetzner": {"countries": ["US"]}})
    async with seeded.transaction() as session:
        counts = await audience.version_audiences(session=session, version=version)
        await audience.enqueue_version_notices(session=session, version=version,
                                               kind=NotificationKind.VERSION_PUBLISHED)

    # Then the contact is told for the customer (their agreement decides), the other subscriber is not,
    # and the admin's preview counted the same
    assert [(n.to_address, n.customer_id is not None) for n in await notifications(seeded)
            if n.kind == NotificationKind.VERSION_PUBLISHED] == [("dpo@kunde-a.dk", True)]
    assert sum(counts.values()) == 1


async def test_withdrawal_reaches_exactly_those_told_of_the_version(seeded, smtp, mail_settings):
    # Given a Hosting subscriber told of version 3 and a Nyhedsbrev subscriber who was not
    await announce_both_services(seeded)
    await add_confirmed(seeded, ("hosting@example.dk", "da"), ("nyhedsbrev@example.dk", "da"))
    await choose(seeded, "hosting@example.dk", ["Hosting"])
    await choose(seeded, "nyhedsbrev@example.dk", ["Nyhedsbrev"])
    version = await publish(seeded, note="Hetzner flytter til USA.", change={"hetzner": {"countries": ["US"]}})
    async with seeded.transaction() as session:
        await audience.enqueue_version_notices(session=session, version=version,
                                               kind=NotificationKind.VERSION_PUBLISHED)
    await deliver(seeded, mail_settings)

    # When the version is withdrawn
    async with seeded.transaction() as session:
        withdrawn = await versions.withdraw_version(session=session, actor=ADMIN, number=version.number,
                                                    reason="Flytningen blev aflyst.")
        await audience.enqueue_version_notices(session=session, version=withdrawn,
                                               kind=NotificationKind.VERSION_WITHDRAWN)

    # Then only the Hosting subscriber hears of the withdrawal
    told = [n.to_address for n in await notifications(seeded) if n.kind == NotificationKind.VERSION_WITHDRAWN]
    assert told == ["hosting@example.dk"]


async def test_a_service_the_list_does_not_name_is_refused_and_nothing_is_written(seeded, gql):
    await announce_both_services(seeded)

    answer = await gql(SUBSCRIBE, {"input": {"email": "kunde@example.dk", "language": "DA",
                                             "services": ["Hosting", "Regnskab"]}})

    [problem] = answer["data"]["subscribe"]["userErrors"]
    assert problem["field"] == "services" and problem["code"] == "INVALID"
    assert "'Regnskab'" in problem["message"] and "Hosting, Nyhedsbrev" in problem["message"]
    assert await subscription(seeded, "kunde@example.dk") is None and await notifications(seeded) == []


async def test_graphql_names_the_services_a_subscriber_may_choose(seeded, gql):
    await announce_both_services(seeded)

    answer = await gql("{ subprocessorServices }")

    assert answer["data"] == {"subprocessorServices": ["Hosting", "Nyhedsbrev"]}


async def test_a_pending_subscription_takes_the_newest_choice_and_a_confirmed_one_keeps_its_own(seeded, settings):
    # Given one pending and one confirmed subscription, both of Hosting
    await announce_both_services(seeded)
    await request(seeded, settings, "ny@example.dk", ["Hosting"])
    await add_confirmed(seeded, ("fast@example.dk", "da"))
    await choose(seeded, "fast@example.dk", ["Hosting"])

    # When someone asks again for each address with Nyhedsbrev
    await request(seeded, settings, "ny@example.dk", ["Nyhedsbrev"])
    await request(seeded, settings, "fast@example.dk", ["Nyhedsbrev"])

    # Then the pending one takes it (its owner has not confirmed yet); a stranger cannot change a confirmed one
    assert (await subscription(seeded, "ny@example.dk")).services == ["Nyhedsbrev"]
    assert (await subscription(seeded, "fast@example.dk")).services == ["Hosting"]


async def test_the_form_sends_the_chosen_services_and_the_page_offers_them(seeded, client, settings):
    # Given the public page, which offers the services the list names
    await announce_both_services(seeded)
    html = (await client.get("/subprocessors?lang=en")).text
    assert re.findall(r'<input type="checkbox" name="services" value="([^"]+)">', html) == ["Hosting", "Nyhedsbrev"]
    token = re.search(r'<input type="hidden" name="token" value="([^"]+)">', html).group(1)

    # When a visitor ticks Nyhedsbrev and subscribes
    response = await client.post("/subscribe", data={"token": token, "lang": "en", "email": "kunde@example.dk",
                                                     "language": "en", "services": ["Nyhedsbrev"]})

    # Then the pending subscription holds that choice
    assert response.status_code == 200 and "Check your inbox" in response.text
    assert (await subscription(seeded, "kunde@example.dk")).services == ["Nyhedsbrev"]


async def test_the_form_shows_a_refused_service_with_the_visitors_choices_kept(seeded, client, settings):
    await announce_both_services(seeded)
    html = (await client.get("/subprocessors?lang=en")).text
    token = re.search(r'<input type="hidden" name="token" value="([^"]+)">', html).group(1)

    response = await client.post("/subscribe", data={"token": token, "lang": "en", "email": "kunde@example.dk",
                                                     "services": ["Hosting", "<b>Regnskab</b>"]})

    assert response.status_code == 422
    assert "names no such service: &#39;&lt;b&gt;Regnskab&lt;/b&gt;&#39;" in response.text
    assert 'value="Hosting" checked' in response.text and 'value="Nyhedsbrev">' in response.text
    assert await subscription(seeded, "kunde@example.dk") is None


async def choose(db, email: str, services: list[str]) -> None:
    """The subscriber's choice of services, as the subscribe form leaves it."""
    async with db.transaction() as session:
        found = await session.get(subscriptions.Subscription, (await subscription(db, email)).id)
        found.services = services


async def request(db, settings, email: str, services: list[str]) -> None:
    async with db.transaction() as session:
        await subscriptions.request_subscription(session=session, settings=settings, email=email, language="da",
                                                 client="127.0.0.1", services=services)


async def test_a_confirmed_subscriber_changes_services_by_unsubscribing_and_subscribing_again(seeded, gql, client,
                                                                                               smtp, mail_settings):
    # Given a confirmed subscriber of Hosting who asks again, now for Nyhedsbrev
    await announce_both_services(seeded)
    await subscribe_and_confirm(gql, client, smtp, seeded, mail_settings, "kunde@example.dk", ["Hosting"])
    await gql(SUBSCRIBE, {"input": {"email": "kunde@example.dk", "language": "EN", "services": ["Nyhedsbrev"]}})
    await deliver(seeded, mail_settings)

    # Then the manage email says how to change the choice, which stays as the owner confirmed it
    manage = smtp.sink.to("kunde@example.dk")[-1]
    text = manage.get_body(preferencelist=("plain",)).get_content()
    assert "To hear about other services than now, unsubscribe below and subscribe again at " \
           "https://registry.example.test/subprocessors?lang=en" in text
    assert (await subscription(seeded, "kunde@example.dk")).services == ["Hosting"]

    # When they follow it: unsubscribe, subscribe with Nyhedsbrev, confirm
    unsubscribed = await client.post("/subscriptions/unsubscribe", data={
        "token": token_of(link(manage, "/subscriptions/unsubscribe"))})
    assert unsubscribed.status_code == 200
    await subscribe_and_confirm(gql, client, smtp, seeded, mail_settings, "kunde@example.dk", ["Nyhedsbrev"],
                                messages_before=2)

    # Then the subscription holds the new choice
    assert (await subscription(seeded, "kunde@example.dk")).services == ["Nyhedsbrev"]
