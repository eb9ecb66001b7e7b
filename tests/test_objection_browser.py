"""The objection landing page in Debian's Chromium: read the deadline, type a reason, send, by keyboard."""

from playwright.async_api import expect

from registry.objections.links import objection_link_token
from tests.support.graphql_documents import nodes
from tests.conftest import notified_customer
from tests.support.browsing import artifact, write_and_send_by_keyboard
from tests.support.live import registry  # noqa: F401 - fixture


async def test_customer_objects_from_the_link_in_their_notice(seeded, registry, page, gql, admin_token, settings):
    customer = await notified_customer(seeded, gql, admin_token, "Kunde A ApS")
    token = objection_link_token(secret_key=settings.secret_key, customer_id=customer, version_number=2)

    await page.goto(f"{registry.url}/objections/new?token={token}")
    await expect(page.locator("h1")).to_have_text("Indsigelse mod version 2")
    await expect(page.locator("dl.facts")).to_contain_text("Jeres frist for indsigelse")
    await page.screenshot(path=artifact("objection-page", seeded), full_page=True)
    await write_and_send_by_keyboard(page, field="Begrundelse for indsigelsen",
                                     text="Vi accepterer ikke overførsel til USA.", button="Send indsigelse")

    await expect(page.locator("h1")).to_have_text("Indsigelsen er modtaget")
    listed = await gql("{ objections(versionNumber: 2) { edges { node { reason customerId } } } }", token=admin_token)
    assert nodes(listed["data"]["objections"]) == [{"reason": "Vi accepterer ikke overførsel til USA.",
                                             "customerId": customer}]
