"""Every page the registry serves is valid HTML (Nu HTML checker) and has no axe-core violation, in both languages.

The pages are read from a live server holding the demo data with an announced, a withdrawn and an in-effect
version, a customer told of a change, and a pending subscription, so each page shows what it can show.
"""

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from shutil import copyfile

import httpx
import pytest
from playwright.async_api import Browser

from notifications import flows
from notifications.subscriptions import service as subscriptions
from notifications.subscriptions.models import Subscription
from notifications.subscriptions.tokens import TokenPurpose, make_token
from registry.db import utcnow
from registry.legal_requirements import service as legal_requirements
from registry.objections.links import objection_link_token
from registry.versions import service as versions
from tests.conftest import notified_customer
from tests.support.browsing import artifact
from tests.support.live import LiveRegistry, free_socket
from tests.support.publishing import ADMIN, HETZNER, publish
from tests.support.validity import axe_violations, nu_errors

SCREENSHOT = Path(__file__).parents[1] / "docs" / "screenshots" / "version-page.png"


@pytest.fixture
async def pages(seeded, settings, gql, admin_token) -> dict[str, str]:
    """Name → path of every page, with the data each needs."""
    customer = await notified_customer(seeded, gql, admin_token, "Kunde A ApS")  # version 2, Mailgun added
    await publish(seeded, note="Hetzner tilføjes; Dropbox flytter til USA.", add=[HETZNER],
                  change={"dropbox": {"countries": ["US"], "transfer_mechanism": "DPF"}}, remove=["kaspersky"])
    async with seeded.transaction() as session:
        await versions.withdraw_version(session=session, actor=ADMIN, number=3, reason="Aftalen kom ikke i stand.")
        await subscriptions.request_subscription(session=session, settings=settings, email="laeser@example.dk",
                                                 language="da", client="127.0.0.1")
    async with seeded.session() as session:
        [subscription] = (await session.exec(Subscription.__table__.select())).all()
    keys = settings.signing_keys
    objection = objection_link_token(secret_key=keys, customer_id=customer, version_number=2)
    async with seeded.transaction() as session:
        requirement = await legal_requirements.record_legal_requirement(
            session=session, actor=ADMIN, legal_basis="Hvidvaskloven § 26", authority="Hvidvasksekretariatet",
            processing="Udlevering af kontoudtog", starts_at=utcnow() + timedelta(days=40), customer_ids=[customer])
        await flows.notify_legal_requirement(session=session, actor=ADMIN, requirement_id=requirement.id)
    legal_objection = objection_link_token(secret_key=keys, customer_id=customer, legal_requirement_id=requirement.id)
    confirm = make_token(secret_key=keys, purpose=TokenPurpose.CONFIRM, subscription_id=subscription.id)
    unsubscribe = make_token(secret_key=keys, purpose=TokenPurpose.UNSUBSCRIBE, subscription_id=subscription.id)
    paths = {}
    for lang in ("da", "en"):
        paths |= {
            f"subprocessors-{lang}": f"/subprocessors?lang={lang}",
            f"subprocessors-letter-{lang}": f"/subprocessors?lang={lang}&letter=D",
            f"versions-{lang}": f"/subprocessors/versions?lang={lang}",
            f"version-1-{lang}": f"/subprocessors/versions/1?lang={lang}",
            f"version-2-{lang}": f"/subprocessors/versions/2?lang={lang}",
            f"version-3-withdrawn-{lang}": f"/subprocessors/versions/3?lang={lang}",
            f"agreement-{lang}": f"/agreement?lang={lang}",
            f"customer-{lang}": f"/customer?lang={lang}",
            f"objection-{lang}": f"/objections/new?lang={lang}&token={objection}",
            f"objection-invalid-{lang}": f"/objections/new?lang={lang}&token=garbage",
            f"objection-legal-{lang}": f"/objections/new?lang={lang}&token={legal_objection}",
            f"confirm-{lang}": f"/subscriptions/confirm?lang={lang}&token={confirm}",
            f"confirm-invalid-{lang}": f"/subscriptions/confirm?lang={lang}&token=garbage",
            f"unsubscribe-{lang}": f"/subscriptions/unsubscribe?lang={lang}&token={unsubscribe}",
            f"unknown-version-{lang}": f"/subprocessors/versions/99?lang={lang}",
            f"not-found-{lang}": f"/nowhere?lang={lang}",
        }
    return paths


@pytest.fixture
def registry(pages, settings) -> Iterator[LiveRegistry]:
    with LiveRegistry(settings, free_socket()) as server:
        yield server


async def refused_subscription(http: httpx.AsyncClient, lang: str) -> str:
    """The subscribe form shown again after a refusal (a service the list does not name), the choices kept."""
    page = (await http.get(f"/subprocessors?lang={lang}")).text
    token = re.search(r'<input type="hidden" name="token" value="([^"]+)">', page).group(1)
    refused = await http.post("/subscribe", data={"token": token, "lang": lang, "email": "kunde@example.dk",
                                                  "services": ["Nyhedsbrev", "Fjernet"]})
    assert refused.status_code == 422 and 'value="Nyhedsbrev" checked' in refused.text
    return refused.text


async def test_every_page_passes_the_nu_html_checker(pages, registry, tmp_path):
    async with httpx.AsyncClient(base_url=registry.url) as http:
        html = {name: (await http.get(path)).text for name, path in pages.items()}
        html |= {f"subscribe-refused-{lang}": await refused_subscription(http, lang) for lang in ("da", "en")}

    assert nu_errors(html, tmp_path) == {}


async def test_every_page_has_no_axe_core_violation(pages, registry, browser: Browser):
    # The pages forbid every script (CSP); the test lets its own axe-core in, as a browser extension would.
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = await context.new_page()
    found = {}
    for name, path in pages.items():
        await page.goto(registry.url + path)  # waits for the load event: stylesheets and images are in
        if await page.locator("script[src]").count():  # only a script can fetch more after it; wait for that
            await page.wait_for_load_state("networkidle")  # (half a second of quiet, so not on script-free pages)
        if violations := await axe_violations(page):
            found[name] = violations
    await context.close()

    assert found == {}


async def test_version_page_in_the_browser_shows_its_facts_and_leads_to_its_neighbours(seeded, pages, registry,
                                                                                      browser: Browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(registry.url + "/subprocessors/versions/3?lang=en")

    assert await page.locator("h1").inner_text() == "Version 3 of the list of sub-processors"
    facts = await page.locator("dl.facts").first.inner_text()
    assert "Withdrawn" in facts and "Aftalen kom ikke i stand." in facts
    shot = artifact("version-page", seeded)
    await page.screenshot(path=shot, full_page=True)
    if seeded.dialect == "sqlite":  # one engine's copy in the docs: pytest-xdist may run the two at once
        copyfile(shot, SCREENSHOT)
    await page.get_by_role("link", name="Previous version (2)").click()
    assert await page.locator("h1").inner_text() == "Version 2 of the list of sub-processors"
    await page.get_by_role("link", name="Dansk").click()
    assert await page.locator("h1").inner_text() == "Version 2 af listen over underdatabehandlere"
    await context.close()
