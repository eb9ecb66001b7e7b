"""The objection landing page in Debian's Chromium: read the deadline, type a reason, send, by keyboard."""

from collections.abc import Iterator

import pytest
from playwright.async_api import expect

from registry.customers import service as customers
from registry.db import utcnow
from registry.objections.links import objection_link_token
from tests.browsing import browser, page  # noqa: F401 - fixtures
from tests.conftest import make_customer
from tests.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT
from tests.live import LiveRegistry, free_socket
from tests.test_browser import artifact


@pytest.fixture
def registry(db, settings) -> Iterator[LiveRegistry]:
    with LiveRegistry(settings, free_socket()) as server:
        yield server


async def test_customer_objects_from_the_link_in_their_notice(seeded, registry, page, gql, admin_token, settings):
    customer = await make_customer(seeded, "Kunde A ApS", contacts=[("dpo@kunde-a.dk", "da")])
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Mailgun sender vores e-mails"}}, token=admin_token)
    async with seeded.transaction() as session:
        await customers.record_notice(session=session, customer_id=customer, version_number=2, sent_at=utcnow(),
                                      message_id="<v2@registry>", recipient="dpo@kunde-a.dk")
    token = objection_link_token(secret_key=settings.secret_key, customer_id=customer, version_number=2)

    await page.goto(f"{registry.url}/objections/new?token={token}")
    await expect(page.locator("h1")).to_have_text("Indsigelse mod version 2")
    await expect(page.locator("dl.facts")).to_contain_text("Jeres frist for indsigelse")
    await page.screenshot(path=artifact("objection-page", seeded), full_page=True)
    await page.get_by_label("Begrundelse for indsigelsen").focus()
    await page.keyboard.type("Vi accepterer ikke overførsel til USA.")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Send indsigelse")).to_be_focused()
    await page.keyboard.press("Enter")

    await expect(page.locator("h1")).to_have_text("Indsigelsen er modtaget")
    listed = await gql("{ objections(versionNumber: 2) { reason customerId } }", token=admin_token)
    assert listed["data"]["objections"] == [{"reason": "Vi accepterer ikke overførsel til USA.",
                                             "customerId": customer}]
