"""Choosing services in a real headless Chromium: the public page's form and the website embed.

Both offer the services the list names as checkboxes (none ticked: every change), pass axe-core, and leave
a pending subscription holding the choice.
"""

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from registry.db import Database
from schema.settings import AppSettings
from tests.support.live import HostPage, LiveRegistry, free_socket
from tests.support.notify_helpers import subscription
from tests.support.publishing import HETZNER, publish
from tests.support.validity import axe_violations

MAILGUN = {"slug": "mailgun", "name": "Mailgun Technologies", "purpose_da": "Afsendelse af nyhedsbreve",
           "purpose_en": "Sending newsletters", "countries": ["US"], "transfer_mechanism": "DPF",
           "services": ["Nyhedsbrev"]}
WEBSITE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Office2go – sub-processors</title></head>
<body><main><h1>Our sub-processors</h1><div id="subprocessors"></div></main>
<script src="{registry}/embed.js" data-target="#subprocessors" data-sections="subscribe" data-lang="en" async></script>
</body></html>"""


@pytest.fixture
def website() -> Iterator[HostPage]:
    with HostPage() as host:
        yield host


@pytest.fixture
async def registry(seeded: Database, settings: AppSettings, website: HostPage) -> Iterator[LiveRegistry]:
    # Given a list that names two services: Hosting (Hetzner) and Nyhedsbrev (Mailgun)
    await publish(seeded, note="Hetzner og Mailgun tilføjes.", add=[HETZNER, MAILGUN])
    with LiveRegistry(settings.model_copy(update={"cors_origins": [website.origin]}), free_socket()) as server:
        website.html = WEBSITE.format(registry=server.url)
        yield server


async def test_a_visitor_ticks_a_service_in_the_page_form_by_keyboard(seeded, registry, page):
    await page.goto(f"{registry.url}/subprocessors?lang=en")
    form = page.locator("form.subscribe")
    await form.get_by_label("Email address").fill("kunde@example.dk")

    # The services are a group named by its legend, described by its hint; reached and ticked by keyboard
    hosting = form.get_by_role("checkbox", name="Hosting")
    await expect(form.get_by_role("group", name="Services to hear about")).to_have_accessible_description(
        "Choose none to hear of every change. With services chosen you hear only of versions that add a "
        "sub-processor to them or change where, how or why one of their sub-processors processes data.")
    await hosting.focus()
    await page.keyboard.press("Space")
    await expect(hosting).to_be_checked()
    await expect(form.get_by_role("checkbox", name="Nyhedsbrev")).not_to_be_checked()
    await form.get_by_role("button", name="Subscribe").click()

    await expect(page.locator("h1")).to_have_text("Check your inbox")
    assert (await subscription(seeded, "kunde@example.dk")).services == ["Hosting"]


async def test_a_refused_choice_shows_the_form_again_with_the_choices_kept_and_passes_axe(
        seeded, registry, browser: Browser):
    # The Nu HTML checker reads this page, and the page with the form, in test_page_validity.py (one java run).
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{registry.url}/subprocessors?lang=en")
    # A service removed from the list while the visitor's page was open
    await page.locator("input[name=services][value=Nyhedsbrev]").evaluate("box => { box.value = 'Fjernet'; }")
    form = page.locator("form.subscribe")
    await form.get_by_role("checkbox", name="Hosting").check()
    await form.get_by_role("checkbox", name="Nyhedsbrev").check()
    await form.get_by_label("Email address").fill("kunde@example.dk")
    await form.get_by_role("button", name="Subscribe").click()

    await expect(page.locator(".errors")).to_contain_text("names no such service: 'Fjernet'")
    await expect(page.get_by_role("checkbox", name="Hosting")).to_be_checked()
    await expect(page.get_by_role("checkbox", name="Nyhedsbrev")).not_to_be_checked()
    violations = await axe_violations(page)
    await context.close()
    assert violations == []
    assert await subscription(seeded, "kunde@example.dk") is None


async def test_the_embed_offers_the_services_and_subscribes_with_the_choice(seeded, registry, website,
                                                                           browser: Browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = await context.new_page()
    await page.goto(website.origin)
    form = page.locator("#subprocessors .spr-embed[data-state=ready] form")
    group = form.get_by_role("group", name="Services to hear about")
    await expect(group.get_by_role("checkbox")).to_have_count(2)

    violations = await axe_violations(page)
    await form.get_by_label("Email address").fill("kunde@example.dk")
    await group.get_by_role("checkbox", name="Nyhedsbrev").check()
    await form.get_by_role("button", name="Subscribe").click()

    await expect(form.get_by_role("status")).to_contain_text("Check your inbox")
    await context.close()
    assert violations == []
    assert (await subscription(seeded, "kunde@example.dk")).services == ["Nyhedsbrev"]
