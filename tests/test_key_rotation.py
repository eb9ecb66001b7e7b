"""Rotating REGISTRY_SECRET_KEY: links mailed before keep working while the old key is a fallback."""

from contextlib import asynccontextmanager

import httpx

from notifications.subscriptions.models import SubscriptionStatus
from schema.settings import AppSettings
from schema.app import create_app
from tests.conftest import GraphQLClient
from tests.support.notify_helpers import add_confirmed, deliver, link, publish_change, subscription
from tests.test_customer_notices import ACCESS, customer_with_confirmed_contact

NEW_KEY = "new-key-after-the-rotation-0123456789abcdef"
ME = "{ me { customer { name } } }"


@asynccontextmanager
async def registry_with(db, settings: AppSettings):
    """The real app over HTTP, run with these keys."""
    app = create_app(settings, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield GraphQLClient(http)


def rotated(settings: AppSettings, *fallbacks: str) -> AppSettings:
    return settings.model_copy(update={"secret_key": NEW_KEY, "secret_key_fallbacks": list(fallbacks)})


def access_token(smtp, address: str) -> str:
    text = smtp.sink.to(address)[-1].get_body(preferencelist=("plain",)).get_content()
    return text.split("access_token=", 1)[1].split()[0]


async def customer_name(db, settings: AppSettings, token: str) -> str | None:
    async with registry_with(db, settings) as gql:
        answer = await gql(ME, token=token)
    return answer["data"]["me"]["customer"]["name"] if answer.get("data") else None


async def test_an_access_link_mailed_before_a_rotation_opens_only_while_the_old_key_is_a_fallback(
        seeded, gql, admin_token, smtp, mail_settings):
    # Given a customer's contact who was mailed an access link under the old key
    await customer_with_confirmed_contact(seeded, gql, admin_token, smtp, mail_settings)
    await gql(ACCESS, {"email": "dpo@kunde-a.dk"})
    await deliver(seeded, mail_settings)
    before = access_token(smtp, "dpo@kunde-a.dk")
    old_key = mail_settings.secret_key

    # When the key is rotated, the old one kept as a fallback, then dropped
    kept = await customer_name(seeded, rotated(mail_settings, old_key), before)
    dropped = await customer_name(seeded, rotated(mail_settings), before)

    # Then the link opens the customer's view only while the fallback is listed
    assert kept == "Kunde A ApS"
    assert dropped is None


async def test_links_mailed_after_a_rotation_are_signed_with_the_new_key(seeded, gql, admin_token, smtp, mail_settings):
    await customer_with_confirmed_contact(seeded, gql, admin_token, smtp, mail_settings)
    after_rotation = rotated(mail_settings, mail_settings.secret_key)

    async with registry_with(seeded, after_rotation) as rotated_gql:
        await rotated_gql(ACCESS, {"email": "dpo@kunde-a.dk"})
    await deliver(seeded, after_rotation)
    token = access_token(smtp, "dpo@kunde-a.dk")

    # The new key alone opens it; the old key alone does not
    assert await customer_name(seeded, rotated(mail_settings), token) == "Kunde A ApS"
    assert await customer_name(seeded, mail_settings, token) is None


async def test_an_unsubscribe_link_from_before_a_rotation_works_only_with_the_old_key_as_fallback(
        seeded, gql, admin_token, smtp, mail_settings):
    # Given a subscriber who got a notice, with its unsubscribe link, under the old key
    await add_confirmed(seeded, ("reader@example.dk", "da"))
    await publish_change(gql, admin_token)
    await deliver(seeded, mail_settings)
    unsubscribe = link(smtp.sink.to("reader@example.dk")[-1], "/subscriptions/unsubscribe")
    path = unsubscribe.split("://", 1)[1].split("/", 1)[1]
    one_click = {"List-Unsubscribe": "One-Click"}

    # When the key was rotated without keeping the old one, the click changes nothing
    async with registry_with(seeded, rotated(mail_settings)) as without_fallback:
        assert (await without_fallback.http.post(f"/{path}", data=one_click)).status_code == 200
    assert (await subscription(seeded, "reader@example.dk")).status == SubscriptionStatus.CONFIRMED

    # With the old key listed as a fallback, the same click unsubscribes
    async with registry_with(seeded, rotated(mail_settings, mail_settings.secret_key)) as with_fallback:
        assert (await with_fallback.http.post(f"/{path}", data=one_click)).status_code == 200
    assert (await subscription(seeded, "reader@example.dk")).status == SubscriptionStatus.UNSUBSCRIBED
