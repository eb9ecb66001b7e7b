"""A customer registers a webhook on their own page in Debian's Chromium, and sees its secret once."""

from playwright.async_api import expect

from registry.auth.service import customer_access_token
from tests.conftest import notified_customer
from tests.support.live import registry  # noqa: F401 - fixture
from tests.support.stand_ins import public_dns


async def test_customer_adds_a_slack_webhook_and_sees_its_secret_once(seeded, registry, page, gql, admin_token,
                                                                      settings, monkeypatch):
    # Given a customer on their own page (and, with no internet here, a DNS answering public addresses)
    public_dns(monkeypatch)
    customer = await notified_customer(seeded, gql, admin_token, "Kunde A/S")
    token = customer_access_token(secret_key=settings.secret_key, customer_id=customer, email="dpo@kunde-a.dk")
    await page.goto(f"{registry.url}/customer?lang=en#access_token={token}")
    await expect(page.locator("#customer-webhooks")).to_have_text("No webhooks yet.")

    # When they add a Slack webhook for published versions only
    await page.get_by_label("Address (https)").fill("https://hooks.slack.example/services/T0/B0/x")
    for other in ("Version took effect", "Version withdrawn", "Objection updated", "Incident notified",
                  "Incident updated"):
        await page.get_by_label(other).uncheck()
    await page.get_by_label("Format").select_option("SLACK")
    await page.get_by_role("button", name="Add webhook").click()

    # Then the secret is shown once, and the endpoint is listed waiting for the code its first message carries
    await expect(page.locator("#webhook-secret")).to_contain_text("shown only this once: whsec_")
    listed = page.locator("#customer-webhooks")
    await expect(listed).to_contain_text("https://hooks.slack.example/services/T0/B0/x")
    await expect(listed).to_contain_text("Version published")
    await expect(listed).to_contain_text("Waiting for verification")
    await expect(listed.get_by_label("The code from the verification message")).to_be_visible()
    endpoints = await gql("{ webhookEndpoints { edges { node { customerId format eventTypes } } } }", token=admin_token)
    assert endpoints["data"]["webhookEndpoints"]["edges"] == [
        {"node": {"customerId": customer, "format": "SLACK", "eventTypes": ["VERSION_PUBLISHED"]}}]

    # When they reload, the secret is gone from the page
    await page.reload()
    await expect(listed).to_contain_text("Waiting for verification")
    await expect(page.locator("#webhook-secret")).to_be_hidden()
