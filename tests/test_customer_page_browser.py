"""The customer's own page in Debian's Chromium: opened from the access link, used by keyboard."""

from playwright.async_api import expect

from registry.auth.service import customer_access_token
from tests.support.graphql_documents import nodes
from tests.conftest import notified_customer
from tests.support.browsing import artifact, write_and_send_by_keyboard
from tests.support.live import registry  # noqa: F401 - fixture
from tests.support.tokens import forged

NAME = 'Kunde <img src=x onerror="document.title=1"> ApS'


async def test_customer_reads_their_page_objects_and_withdraws(seeded, registry, page, gql, admin_token, settings):
    # Given a customer told of version 2, and the access link a contact of theirs was mailed
    customer = await notified_customer(seeded, gql, admin_token, NAME)
    token = customer_access_token(secret_key=settings.secret_key, customer_id=customer, email="dpo@kunde-a.dk")

    # When they open it
    await page.goto(f"{registry.url}/customer?lang=da#access_token={token}")

    # Then they see their own page, with the name an admin typed as text, and the token gone from the URL
    await expect(page.locator("#customer-name")).to_have_text(f"For {NAME}.")
    assert "access_token" not in page.url and await page.title() != "1"
    version = page.get_by_role("region", name="Version 2")
    await expect(version).to_contain_text("Jeres frist for indsigelse")
    await expect(version).to_contain_text("Mailgun")
    await expect(page.locator("#customer-notices")).to_contain_text("dpo@kunde-a.dk")
    await expect(page.locator("#customer-authorised tbody tr")).to_have_count(17)
    await page.screenshot(path=artifact("customer-page", seeded), full_page=True)

    # When they write a reason and send it by keyboard
    await write_and_send_by_keyboard(page, field="Begrundelse for indsigelse mod version 2",
                                     text="Ingen overførsel til USA.", button="Send indsigelse")

    # Then the objection is recorded for them and shown, with a way to withdraw it
    await expect(page.get_by_role("status")).to_have_text("Gemt.")
    await expect(version).to_contain_text("I har gjort indsigelse. Status: Modtaget.")
    listed = await gql("{ objections(versionNumber: 2) { edges { node { customerId reason status } } } }", token=admin_token)
    assert nodes(listed["data"]["objections"]) == [{"customerId": customer, "reason": "Ingen overførsel til USA.",
                                             "status": "RECEIVED"}]

    # When they reload (the token lives on in the tab) and withdraw it
    await page.reload()
    await page.get_by_role("button", name="Træk indsigelsen mod version 2 tilbage").click()

    # Then it is withdrawn, and the version can be acknowledged or objected to again
    await expect(page.locator("#customer-objections")).to_contain_text("Trukket tilbage")
    await expect(version.get_by_role("button", name="Send indsigelse")).to_be_visible()
    listed = await gql("{ objections(versionNumber: 2) { edges { node { status } } } }", token=admin_token)
    assert nodes(listed["data"]["objections"]) == [{"status": "WITHDRAWN"}]


async def test_acknowledging_and_signing_out(seeded, registry, page, gql, admin_token, settings):
    customer = await notified_customer(seeded, gql, admin_token, NAME)
    token = customer_access_token(secret_key=settings.secret_key, customer_id=customer, email="dpo@kunde-a.dk")
    await page.goto(f"{registry.url}/customer?lang=en#access_token={token}")

    await page.get_by_role("button", name="We have read the change and do not object").click()
    await expect(page.get_by_role("region", name="Version 2")).to_contain_text("You confirmed the change on")
    await page.get_by_role("button", name="Sign out").click()
    await page.reload()

    # Signed out, the page only offers to mail a new link
    await expect(page.get_by_label("Email address")).to_be_visible()
    await expect(page.locator("#customer-view")).to_be_hidden()
    me = await gql("{ me { notices { acknowledgedAt } } }", token=token)
    assert me["data"]["me"]["notices"][0]["acknowledgedAt"]


async def test_a_forged_link_shows_nothing_and_offers_a_new_one(seeded, registry, page, gql, admin_token, settings):
    # Given a link whose token was tampered with
    customer = await notified_customer(seeded, gql, admin_token, NAME)
    token = customer_access_token(secret_key=settings.secret_key, customer_id=customer, email="dpo@kunde-a.dk")

    # When it is opened
    await page.goto(f"{registry.url}/customer?lang=en#access_token={forged(token)}")

    # Then no customer data shows, and asking for a new link answers alike for any address
    await expect(page.get_by_role("status")).to_contain_text("The link has expired or is not valid")
    await expect(page.locator("#customer-view")).to_be_hidden()
    await page.get_by_label("Email address").fill("stranger@example.com")
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.get_by_role("status")).to_have_text(
        "If the address is a customer's contact, a link is on its way. It works for 24 hours.")
