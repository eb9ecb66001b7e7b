"""A customer reads a legal requirement they were told of on their own page, in Chromium, and objects by keyboard."""

from datetime import timedelta

from playwright.async_api import expect

from notifications import flows
from registry.auth.service import customer_access_token
from registry.db import utcnow
from registry.legal_requirements import service as legal_requirements
from tests.conftest import make_customer
from tests.support.browsing import artifact, write_and_send_by_keyboard
from tests.support.live import registry  # noqa: F401 - fixture

BASIS = 'Hvidvaskloven § 26 <img src=x onerror="document.title=1">'


async def test_customer_reads_a_legal_requirement_and_objects_on_their_page(seeded, registry, page, settings):
    # Given a requirement told to a customer, whose notice left a minute ago, and their access link
    customer = await make_customer(seeded, "Kunde A ApS", contacts=[("dpo@kunde-a.dk", "da")])
    async with seeded.transaction() as session:
        requirement = await legal_requirements.record_legal_requirement(
            session=session, actor="admin", legal_basis=BASIS, authority="Hvidvasksekretariatet",
            processing="Udlevering af kontoudtog", starts_at=utcnow() + timedelta(days=40), customer_ids=[customer])
        await flows.notify_legal_requirement(session=session, actor="admin", requirement_id=requirement.id)
        await legal_requirements.record_notice(session=session, legal_requirement_id=requirement.id,
                                               customer_id=customer, sent_at=utcnow() - timedelta(minutes=1),
                                               message_id="<legal@registry>", recipient="dpo@kunde-a.dk")
    token = customer_access_token(secret_key=settings.secret_key, customer_id=customer, email="dpo@kunde-a.dk")

    # When they open their page
    await page.goto(f"{registry.url}/customer?lang=da#access_token={token}")

    # Then the requirement shows with every fact as text and their deadline
    section = page.get_by_role("region", name=f"Lovkrav, sag {requirement.id}")
    await expect(section).to_contain_text(BASIS)
    await expect(section).to_contain_text("Hvidvasksekretariatet")
    await expect(section).to_contain_text("Jeres frist for indsigelse")
    assert await page.title() != "1"
    await page.screenshot(path=artifact("customer-legal-requirement", seeded), full_page=True)

    # When they object by keyboard
    await write_and_send_by_keyboard(page, field=f"Begrundelse for indsigelse mod lovkravet i sag {requirement.id}",
                                     text="Vi svarer selv myndigheden.", button="Send indsigelse")

    # Then it is recorded and shown among their objections
    await expect(page.get_by_role("status")).to_have_text("Gemt.")
    await expect(section).to_contain_text("I har gjort indsigelse. Status: Modtaget.")
    await expect(page.locator("#customer-objections")).to_contain_text(f"Lovkrav, sag {requirement.id}")
