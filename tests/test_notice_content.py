"""A privacy officer reads a change notice: every fact about an added or changed sub-processor, in words,
in their own language, and every link opens a page in that language (SCCs Clause 9(a)).

Mail goes through a real SMTP server; the links are opened over HTTP against the app under uvicorn,
and the English set also in Debian's Chromium, which saves the two notices as rendered HTML.
"""

import re
from datetime import datetime, timedelta
from html import unescape

import httpx
import pytest
from playwright.async_api import expect

from registry import labels
from tests.conftest import make_customer
from tests.support.browsing import ARTIFACTS
from tests.support.graphql_documents import PUBLISH, SAVE_DRAFT, nodes
from tests.support.live import LiveRegistry, free_socket
from tests.support.notify_helpers import add_confirmed, deliver


MAILCHIMP = {"slug": "mailchimp", "name": "Mailchimp", "legalEntity": "The Rocket Science Group LLC",
             "purposeDa": "Udsendelse af nyhedsbreve", "purposeEn": "Sending newsletters",
             "dataCategories": ["Navn", "E-mailadresse"], "countries": ["US"], "transferMechanism": "DPF",
             "services": ["Nyhedsbrev"], "website": "https://mailchimp.com"}
DROPBOX = {"slug": "dropbox", "name": "Dropbox", "purposeDa": "Arkivering af fakturaer",
           "purposeEn": "Archiving of invoices", "countries": ["IE", "US"], "transferMechanism": "SCC"}

# What each reader must find, as (label, value) in their language: the label and its value both appear.
FACTS = {
    "da": [("Juridisk enhed", "The Rocket Science Group LLC"), ("Formål", "Udsendelse af nyhedsbreve"),
           ("Lande", "USA"), ("Uden for EU/EØS", "Ja (USA)"),
           ("Overførselsgrundlag", "EU-US Data Privacy Framework"),
           ("Kategorier af personoplysninger", "Navn, E-mailadresse"), ("Ydelser", "Nyhedsbrev"),
           ("Websted", "https://mailchimp.com"),
           ("Lande", "Ikke oplyst → Irland, USA"),
           ("Overførselsgrundlag", "Ukendt → Standardkontraktbestemmelser (SCC)"),
           ("Uden for EU/EØS", "Ukendt → Ja (USA)")],
    "en": [("Legal entity", "The Rocket Science Group LLC"), ("Purpose", "Sending newsletters"),
           ("Countries", "United States"), ("Outside the EU/EEA", "Yes (United States)"),
           ("Transfer mechanism", "EU-US Data Privacy Framework"),
           ("Categories of personal data", "Navn, E-mailadresse"), ("Services", "Nyhedsbrev"),
           ("Website", "https://mailchimp.com"),
           ("Countries", "Not stated → Ireland, United States"),
           ("Transfer mechanism", "Unknown → Standard contractual clauses (SCC)"),
           ("Outside the EU/EEA", "Unknown → Yes (United States)")],
}
CUSTOMER = {
    "da": ("Ændringerne berører de ydelser, jeres aftale omfatter (Nyhedsbrev).", "Jeres frist for indsigelse"),
    "en": ("The changes touch the services your agreement covers (All services).", "Your deadline for objections"),
}
# Raw values a person must never read: enum values, ISO codes, field names.
RAW = re.compile(r"\b(UNKNOWN|DPF|ADDED|CHANGED|REMOVED|PENDING|transfer_mechanism|legal_entity|purpose_[a-z]{2}|"
                 r"data_categories|IE, US)\b|(?<!\()\bSCC\b|(?<!-)\bUS\b")
URL = re.compile(r"https?://[^\s<>\"]+")


def visible(html: str) -> str:
    """What a reader sees of an HTML part: tags dropped, entities read, cells and lines joined by spaces."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<head>.*?</head>", "", html))))


def parts(message) -> tuple[str, str, str]:
    html = message.get_body(preferencelist=("html",)).get_content()
    return message.get_body(preferencelist=("plain",)).get_content(), html, visible(html)


def links(text: str, html: str) -> set[str]:
    hrefs = {unescape(href) for href in re.findall(r'href="([^"]+)"', html)}
    found = set(URL.findall(text))
    assert hrefs <= found, hrefs - found  # the HTML part links nowhere the text part does not
    return {url for url in found if not url.startswith("https://mailchimp.com")}


def without_links(text: str) -> str:
    return URL.sub(" ", text)


@pytest.fixture
def live(db, mail_settings):
    """The app under uvicorn; this test's worker delivers, not one inside the server."""
    with LiveRegistry(mail_settings.model_copy(update={"inprocess_worker": False}), free_socket()) as server:
        yield server


async def opens_in(url: str, language: str) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert f'<html lang="{language}">' in response.text, url
    other = "da" if language == "en" else "en"
    assert f'hreflang="{other}"' in response.text, url  # the page offers the other language


async def test_every_reader_gets_every_fact_in_words_and_links_in_their_language(
        seeded, gql, admin_token, smtp, mail_settings, live, browser):
    # Given a subscriber and a customer's notice contact in each language
    await add_confirmed(seeded, ("abonnent@example.dk", "da"), ("subscriber@example.com", "en"),
                        ("dpo@kunde.dk", "da"), ("dpo@customer.example", "en"))
    await make_customer(seeded, "Kunde ApS", contacts=[("dpo@kunde.dk", "da")], services=["Nyhedsbrev"])
    await make_customer(seeded, "Customer Ltd", contacts=[("dpo@customer.example", "en")], notice_days=45)
    # ...and a version that adds Mailchimp (US, DPF) and moves Dropbox to Ireland and the US under SCCs
    for entry in (MAILCHIMP, DROPBOX):
        saved = await gql(SAVE_DRAFT, {"input": entry}, token=admin_token)
        assert saved["data"]["saveSubprocessorDraft"]["userErrors"] == []
    published = await gql(PUBLISH, {"input": {"note": "Nyhedsbreve og arkiv", "noticeDays": 45}}, token=admin_token)
    assert published["data"]["publishVersion"]["userErrors"] == [], published
    version = published["data"]["publishVersion"]["version"]
    effective = datetime.fromisoformat(version["effectiveAt"])

    # When the worker sends the notices through the SMTP server, with links to the running app
    await deliver(seeded, mail_settings.model_copy(update={"public_url": live.url}))

    audience = await gql("""query($n: Int!) { versionAudience(number: $n) { edges { node { customer { name } deadline } } } }""",
                         {"n": version["number"]}, token=admin_token)
    deadlines = {entry["customer"]["name"]: datetime.fromisoformat(entry["deadline"])
                 for entry in nodes(audience["data"]["versionAudience"])}
    readers = {"abonnent@example.dk": ("da", None), "subscriber@example.com": ("en", None),
               "dpo@kunde.dk": ("da", "Kunde ApS"), "dpo@customer.example": ("en", "Customer Ltd")}
    english_links: set[str] = set()
    version_links: dict[str, str] = {}  # opened last: the version pages are the newest part of the app
    for address, (language, customer) in readers.items():
        [notice] = smtp.sink.to(address)
        text, html, seen = parts(notice)
        for part in (text, seen):
            # Then every fact about the new and the changed sub-processor is there, in words, in their language
            assert "Mailchimp" in part and "Dropbox" in part
            for label, value in FACTS[language]:
                assert label in part and value in part, (address, label, value)
            # ...with the effective time in Copenhagen time and its zone
            assert labels.local_time(effective, language) in part
            # ...and no raw enum value, country code or field name anywhere a person reads
            assert not RAW.search(without_links(part)), (address, RAW.search(without_links(part)))
            if customer:
                # ...and a customer reads whether it touches their services, and their own deadline
                touches, deadline_label = CUSTOMER[language]
                deadline = deadlines[customer]
                shown = {labels.local_time(deadline, language),
                         labels.local_time(deadline - timedelta(minutes=1), language)}
                assert touches in part and deadline_label in part and any(d in part for d in shown), address
        assert f'<html lang="{language}">' in html
        urls = links(text, html)
        assert any("/objections/new?" in url for url in urls) == bool(customer)
        assert any(f"/subprocessors/versions/{version['number']}" in url for url in urls)
        assert notice["List-Unsubscribe"].startswith(f"<{live.url}/subscriptions/unsubscribe?token=")
        # ...and every link opens a page in their language that answers 200
        for url in urls:
            if language == "en":
                assert "lang=en" in url, url
            if "/subprocessors/versions/" in url:
                version_links[url] = language
                continue
            english_links |= {url} if language == "en" else set()
            await opens_in(url, language)
        if customer:
            await save_screenshot(browser, html, f"notice-email-{language}")

    # ...also in Chromium, as the English reader clicks them
    context = await browser.new_context()
    page = await context.new_page()
    for url in sorted(english_links):
        response = await page.goto(url)
        assert response.status == 200, url
        assert await page.get_attribute("html", "lang") == "en", url

    # ...and the English customer's own page, opened from their access link, shows the same facts in English
    await gql('mutation { requestCustomerAccess(email: "dpo@customer.example") { ok } }')
    await deliver(seeded, mail_settings.model_copy(update={"public_url": live.url}))
    access = smtp.sink.to("dpo@customer.example")[-1]
    [url] = [u for u in URL.findall(parts(access)[0]) if "/customer?" in u]
    await page.goto(url)
    pending = page.get_by_role("region", name=f"Version {version['number']}")
    await expect(pending).to_contain_text("Your deadline")
    shown = await pending.inner_text()
    for label, value in FACTS["en"]:
        assert label in shown and value in shown, (label, value)
    assert not RAW.search(shown) and await page.get_attribute("html", "lang") == "en"

    # ...and the version pages the notices link to open in the reader's language too
    for url, language in version_links.items():
        await opens_in(url, language)
        if language == "en":
            assert (await page.goto(url)).status == 200 and await page.get_attribute("html", "lang") == "en"
    await context.close()


async def test_a_customer_whose_services_it_does_not_touch_is_told_so_and_gets_no_object_link(
        seeded, gql, admin_token, smtp, mail_settings):
    # Given an English customer whose agreement covers only bookkeeping
    await add_confirmed(seeded, ("dpo@customer.example", "en"))
    await make_customer(seeded, "Customer Ltd", contacts=[("dpo@customer.example", "en")], services=["Bogføring"])
    # When a sub-processor used only for newsletters is added and the notice goes out
    await gql(SAVE_DRAFT, {"input": MAILCHIMP}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Nyhedsbreve", "noticeDays": 30}}, token=admin_token)
    await deliver(seeded, mail_settings)

    # Then they read that it does not touch their services, with the facts but without a deadline or object link
    text, _, seen = parts(smtp.sink.to("dpo@customer.example")[-1])
    for part in (text, seen):
        assert "The changes do not touch the services your agreement covers (Bogføring)" in part
        assert "Your deadline" not in part and "Sending newsletters" in part
    assert "/objections/new" not in text


async def test_confirmation_and_access_links_open_english_pages(seeded, gql, smtp, mail_settings, live):
    # Given an English reader who subscribes, and an English customer contact who asks for their page
    await make_customer(seeded, "Customer Ltd", contacts=[("dpo@customer.example", "en")])
    asked = await gql('mutation { subscribe(input: {email: "reader@example.com", language: EN}) { ok } }')
    assert asked["data"]["subscribe"]["ok"]
    await gql('mutation { requestCustomerAccess(email: "dpo@customer.example") { ok } }')

    # When the worker sends their emails
    await deliver(seeded, mail_settings.model_copy(update={"public_url": live.url}))

    # Then the confirm and customer page links carry English and open English pages
    for address, paths in (("reader@example.com", ("/subscriptions/confirm",)),
                           ("dpo@customer.example", ("/customer",))):
        [email] = smtp.sink.to(address)
        text, html, _ = parts(email)
        urls = links(text, html)
        assert {path for path in paths if any(path + "?" in url for url in urls)} == set(paths), urls
        for url in urls:
            assert "lang=en" in url, url
            await opens_in(url.split("#", 1)[0], "en")


async def save_screenshot(chromium, html: str, name: str) -> None:
    """The email's HTML part as a mail client shows it, kept as a test artifact (docs/screenshots has copies)."""
    context = await chromium.new_context(viewport={"width": 720, "height": 900})
    page = await context.new_page()
    await page.set_content(html)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    await context.close()
