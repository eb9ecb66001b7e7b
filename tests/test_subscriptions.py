"""Subscribing with double opt-in: a stranger can ask, only the mailbox owner can confirm."""

import time

import pytest

from notifications.outbox.models import NotificationKind
from notifications.subscriptions import service as subscriptions
from notifications.subscriptions.models import SubscriptionStatus
from notifications.subscriptions.tokens import TokenPurpose, make_token
from registry.errors import ErrorCode, RegistryError
from tests.support.notify_helpers import (
    SUBSCRIBE,
    add_confirmed,
    deliver,
    link,
    notifications,
    subscription,
    token_of,
)
from tests.support.tokens import forged

CONFIRM = "mutation($t: String!) { confirmSubscription(token: $t) { ok userErrors { code message } } }"
UNSUBSCRIBE = "mutation($t: String!) { unsubscribe(token: $t) { ok userErrors { code message } } }"


async def test_subscribing_sends_a_confirmation_link_that_confirms_only_on_post(db, gql, client, smtp, mail_settings):
    # Given a visitor who subscribes in English
    answer = await gql(SUBSCRIBE, {"email": "Kunde@Example.DK", "language": "EN"})
    assert answer["data"]["subscribe"] == {"ok": True, "userErrors": []}

    # When the worker delivers the outbox
    await deliver(db, mail_settings)

    # Then one English confirmation email arrived, and the address is pending until confirmed
    [message] = smtp.sink.to("kunde@example.dk")
    assert "Confirm" in message["Subject"]
    url = link(message, "/subscriptions/confirm")
    assert (await subscription(db, "kunde@example.dk")).status == SubscriptionStatus.PENDING

    # A link scanner's GET shows a button and changes nothing
    page = await client.get(url.replace(mail_settings.public_url, ""))
    assert page.status_code == 200 and "<form method=\"post\"" in page.text
    assert (await subscription(db, "kunde@example.dk")).status == SubscriptionStatus.PENDING

    # The reader's POST confirms
    done = await client.post("/subscriptions/confirm?lang=en", data={"token": token_of(url)})
    assert done.status_code == 200 and "confirmed" in done.text
    assert (await subscription(db, "kunde@example.dk")).status == SubscriptionStatus.CONFIRMED


async def test_a_danish_visitor_gets_a_danish_confirmation_with_its_subject_encoded(db, gql, smtp, mail_settings):
    await gql(SUBSCRIBE, {"email": "kunde@example.dk", "language": "DA"})

    await deliver(db, mail_settings)

    [message] = smtp.sink.to("kunde@example.dk")
    assert message["Subject"] == f"Bekræft dit abonnement på ændringer hos {mail_settings.organisation_name}"
    assert "Bekræft abonnementet her" in message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("state", ["new", "pending", "confirmed", "unsubscribed"])
async def test_subscribe_answers_the_same_whatever_the_address_state(db, gql, state):
    # Given an address in each state
    email = "someone@example.dk"
    if state == "pending":
        await gql(SUBSCRIBE, {"email": email, "language": "DA"})
    elif state in ("confirmed", "unsubscribed"):
        await add_confirmed(db, (email, "da"))
    if state == "unsubscribed":
        async with db.transaction() as session:
            sub = await subscription(db, email)
            await subscriptions.unsubscribe(session=session, settings=_settings(db),
                                            token=make_token(secret_key=SECRET, purpose=TokenPurpose.UNSUBSCRIBE,
                                                             subscription_id=sub.id))
    before = len(await notifications(db))

    # When someone subscribes it
    answer = await gql(SUBSCRIBE, {"email": email, "language": "DA"})

    # Then the answer reveals nothing, and the mailbox owner gets the fitting email
    assert answer["data"]["subscribe"] == {"ok": True, "userErrors": []}
    queued = (await notifications(db))[before:]
    expected = NotificationKind.MANAGE if state == "confirmed" else NotificationKind.CONFIRM
    assert [n.kind for n in queued] == [expected]


SECRET = "test-secret-key-not-for-production"


def _settings(db):
    from schema.settings import AppSettings

    return AppSettings(database_url=db.url, secret_key=SECRET)


@pytest.mark.parametrize("email", ["not-an-address", "victim@example.dk\r\nBcc: many@example.dk",
                                   "victim@example.dk\nSubject: hi", "a@b", "x" * 250 + "@example.dk"])
async def test_invalid_addresses_and_header_injection_are_refused_and_nothing_is_kept(db, gql, email):
    answer = await gql(SUBSCRIBE, {"email": email, "language": "DA"})

    [error] = answer["data"]["subscribe"]["userErrors"]
    assert error["code"] == "INVALID" and error["field"] == "email"
    assert await notifications(db) == []
    assert await subscription(db, email.lower()) is None


async def test_one_address_cannot_be_bombed(db, gql, settings):
    # Given the per-address limit is reached
    for _ in range(settings.subscribe_per_address_per_hour):
        assert (await gql(SUBSCRIBE, {"email": "target@example.dk", "language": "DA"}))["data"]["subscribe"]["ok"]

    # When one more request comes for the same address
    answer = await gql(SUBSCRIBE, {"email": "TARGET@example.dk", "language": "DA"})

    # Then it is refused and no further email is queued
    assert answer["data"]["subscribe"]["userErrors"][0]["code"] == "RATE_LIMITED"
    assert len(await notifications(db)) == settings.subscribe_per_address_per_hour


async def test_one_client_and_the_whole_form_are_capped(db, settings):
    tight = settings.model_copy(update={"subscribe_per_client_per_hour": 2, "confirmation_emails_per_hour": 3,
                                        "confirmation_share_per_network": 1})  # one network may use all three

    async def ask(email: str, client: str) -> None:
        async with db.transaction() as session:
            await subscriptions.request_subscription(session=session, settings=tight, email=email, language="da",
                                                     client=client)

    await ask("a@example.dk", "10.0.0.1")
    await ask("b@example.dk", "10.0.0.1")
    with pytest.raises(RegistryError) as per_client:
        await ask("c@example.dk", "10.0.0.1")
    assert per_client.value.problems[0].code is ErrorCode.RATE_LIMITED

    await ask("d@example.dk", "10.0.0.2")  # the third confirmation email this hour
    with pytest.raises(RegistryError) as global_cap:
        await ask("e@example.dk", "10.0.0.3")
    assert global_cap.value.problems[0].code is ErrorCode.RATE_LIMITED
    assert len(await notifications(db)) == 3


async def test_tokens_only_open_what_they_were_made_for(db, gql, settings):
    await add_confirmed(db, ("reader@example.dk", "da"))
    sub = await subscription(db, "reader@example.dk")
    unsubscribe_token = make_token(secret_key=settings.secret_key, purpose=TokenPurpose.UNSUBSCRIBE,
                                   subscription_id=sub.id)

    # An unsubscribe token is no confirmation token, and a forged one is nothing at all
    wrong = await gql(CONFIRM, {"t": unsubscribe_token})
    assert wrong["data"]["confirmSubscription"]["userErrors"][0]["code"] == "INVALID"
    with_forged_signature = await gql(UNSUBSCRIBE, {"t": forged(unsubscribe_token)})
    assert with_forged_signature["data"]["unsubscribe"]["userErrors"][0]["code"] == "INVALID"

    # The right token unsubscribes
    assert (await gql(UNSUBSCRIBE, {"t": unsubscribe_token}))["data"]["unsubscribe"]["ok"]
    assert (await subscription(db, "reader@example.dk")).status == SubscriptionStatus.UNSUBSCRIBED


async def test_confirmation_links_expire_after_seven_days(db, gql, settings, monkeypatch):
    await gql(SUBSCRIBE, {"email": "late@example.dk", "language": "DA"})
    sub = await subscription(db, "late@example.dk")
    eight_days_ago = time.time() - 8 * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: eight_days_ago)
    old = make_token(secret_key=settings.secret_key, purpose=TokenPurpose.CONFIRM, subscription_id=sub.id)
    monkeypatch.undo()

    answer = await gql(CONFIRM, {"t": old})

    assert answer["data"]["confirmSubscription"]["userErrors"][0]["code"] == "INVALID"
    assert (await subscription(db, "late@example.dk")).status == SubscriptionStatus.PENDING


async def test_one_click_unsubscribe_answers_200_for_any_token(db, client, settings):
    await add_confirmed(db, ("leaver@example.dk", "en"))
    sub = await subscription(db, "leaver@example.dk")
    token = make_token(secret_key=settings.secret_key, purpose=TokenPurpose.UNSUBSCRIBE, subscription_id=sub.id)

    # A mail client's RFC 8058 one-click POST: token in the URL, List-Unsubscribe=One-Click in the body
    valid = await client.post(f"/subscriptions/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    invalid = await client.post("/subscriptions/unsubscribe?token=nonsense", data={"List-Unsubscribe": "One-Click"})

    assert valid.status_code == invalid.status_code == 200
    assert (await subscription(db, "leaver@example.dk")).status == SubscriptionStatus.UNSUBSCRIBED
    shown = await client.get(f"/subscriptions/unsubscribe?token={token}&lang=da")
    assert shown.status_code == 200 and "Afmeld" in shown.text
