"""The confirmation link in a real headless Chromium: the page asks, the click confirms."""

import httpx
from playwright.async_api import expect

from notifications.subscriptions.models import SubscriptionStatus
from tests.support.live import LiveRegistry, free_socket
from tests.support.notify_helpers import SUBSCRIBE, link, subscription
from tests.support.waiting import until


async def test_a_reader_confirms_from_the_emailed_link_with_one_click(db, settings, smtp, page):
    live_settings = settings.model_copy(update={"smtp_url": smtp.url, "inprocess_worker": True,
                                                "worker_poll_seconds": 0.1})
    with LiveRegistry(live_settings, free_socket()) as live:
        # Given a reader who subscribed and got the confirmation email
        async with httpx.AsyncClient(base_url=live.url) as http:
            await http.post("/graphql", json={"query": SUBSCRIBE,
                                              "variables": {"email": "reader@example.dk", "language": "EN"}})

        async def arrived() -> bool:
            return bool(smtp.sink.to("reader@example.dk"))

        await until(arrived, limit_seconds=30)
        [message] = smtp.sink.to("reader@example.dk")

        # When they open the link: a page with a button, and nothing confirmed yet
        await page.goto(link(message, "/subscriptions/confirm") + "&lang=en")
        await expect(page.locator("h1")).to_have_text("Confirm your subscription")
        assert (await subscription(db, "reader@example.dk")).status == SubscriptionStatus.PENDING

        # And press it
        await page.get_by_role("button", name="Confirm").click()

        # Then the page thanks them and the subscription is confirmed
        await expect(page.locator("h1")).to_have_text("Thank you – your subscription is confirmed")
    assert (await subscription(db, "reader@example.dk")).status == SubscriptionStatus.CONFIRMED
