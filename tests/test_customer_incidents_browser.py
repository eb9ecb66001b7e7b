"""The incidents section of the customer's page in Debian's Chromium: opened from the breach notice's link,
read in words, confirmed, downloaded; valid HTML (Nu checker) and no axe-core violation once filled in."""

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import make_customer
from tests.support.browsing import artifact
from tests.support.incidents import recorded_incident
from tests.support.live import LiveRegistry, free_socket
from tests.support.notify_helpers import deliver
from tests.support.validity import axe_violations, nu_errors

NATURE = 'Uautoriseret adgang <img src=x onerror="document.title=1"> til backup'
OTHERS = "Phishing hos en anden kunde"
UPDATE = "Angrebet er stoppet, og adgangen er lukket."


@pytest.fixture
def registry(db, settings) -> Iterator[LiveRegistry]:
    """The live app; its own worker stays off so the test's worker sends the notices to the SMTP sink."""
    with LiveRegistry(settings.model_copy(update={"inprocess_worker": False}), free_socket()) as server:
        yield server


@pytest.fixture
async def notified(seeded, smtp, mail_settings) -> dict:
    """Customer A told of a breach with one update, another customer of another breach; the mail delivered."""
    a = await make_customer(seeded, "Kunde A ApS", contacts=[("dpo@kunde-a.dk", "da")])
    b = await make_customer(seeded, "Kunde B ApS", contacts=[("dpo@kunde-b.dk", "en")])
    seen = await recorded_incident(seeded, nature=NATURE, customer_ids=[a], updates=(UPDATE,))
    await recorded_incident(seeded, nature=OTHERS, customer_ids=[b])
    await deliver(seeded, mail_settings)
    notice = smtp.sink.to("dpo@kunde-a.dk")[0].get_body(preferencelist=("plain",)).get_content()
    # The link as mailed, pointed at the live server instead of the configured public URL
    path = re.search(r"https://registry\.example\.test(/customer\?lang=da#access_token=\S+)", notice).group(1)
    return {"id": seen, "path": path}


async def test_the_notice_link_opens_the_incident_in_words_to_confirm_and_download(
        seeded, notified, registry, browser: Browser, tmp_path):
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    seen = notified["id"]

    # When customer A opens the link in the breach notice
    await page.goto(registry.url + notified["path"])

    # Then the incident's section is shown at its anchor, the token gone from the address bar
    section = page.locator(f"#incident-{seen}")
    await expect(section).to_be_focused()
    assert page.url.endswith(f"/customer?lang=da#incident-{seen}") and "access_token" not in page.url
    # every fact in words, in Danish, the times in Copenhagen time with the zone, text typed shown as text
    await expect(section.get_by_role("heading", level=3)).to_have_text(f"Brud på persondatasikkerheden nr. {seen}")
    for words in ("Bruddets karakter", NATURE, "Omtrentligt antal registrerede", "ca. 1.200",
                  "Omtrentligt antal registreringer af personoplysninger", "Ukendt", "Medarbejdere, Kunder",
                  "Underretningen blev sendt til jer", "I bekræftede modtagelsen", "Ikke endnu", UPDATE):
        await expect(section).to_contain_text(words)
    assert await section.locator("dd", has_text="dansk tid (CE").count() == 2  # aware, and their notice sent
    assert await page.title() != "1" and OTHERS not in await page.content()
    await page.screenshot(path=artifact("customer-incident", seeded), full_page=True)
    rendered = {"customer-incidents-da": await page.content()}

    # When they confirm receipt with the section's form, by keyboard
    button = section.get_by_role("button", name=f"Bekræft, at vi har modtaget underretningen om brud nr. {seen}")
    await button.focus()
    await page.keyboard.press("Enter")

    # Then it is recorded, and the page says so in place of the form
    await expect(page.get_by_role("status")).to_have_text("Gemt.")
    await expect(section).to_contain_text("I har bekræftet, at I har modtaget underretningen.")
    await expect(button).to_have_count(0)

    # When they download their record as JSON and as CSV
    files = {}
    for name in ("Hent som JSON", "Hent som CSV (regneark)"):
        async with page.expect_download() as started:
            await page.get_by_role("button", name=name).click()
        download = await started.value
        files[download.suggested_filename] = (await download.path()).read_text(encoding="utf-8")

    # Then both hold their incident with the confirmation, and nothing of the other customer's
    [entry] = json.loads(files["incidents.json"])["incidents"]
    assert entry["id"] == seen and entry["nature"] == NATURE
    assert entry["notices"][0]["acknowledged_at"] and [u["text"] for u in entry["updates"]] == [UPDATE]
    rows = list(csv.DictReader(io.StringIO(files["incidents.csv"])))
    assert {row["nature"] for row in rows} == {NATURE} and rows[0]["acknowledged_at"]
    assert all(OTHERS not in text and "Kunde B ApS" not in text for text in files.values())

    # And in English the same section reads in English
    await page.goto(f"{registry.url}/customer?lang=en#incident-{seen}")
    await expect(section).to_contain_text("Approximate number of data subjects")
    await expect(section).to_contain_text("You have confirmed that you received the notice.")
    await expect(section).to_contain_text("Copenhagen time (CE")
    rendered["customer-incidents-en"] = await page.content()
    await context.close()

    # And the page as filled in is valid HTML and has no axe-core violation, in both languages
    assert nu_errors(rendered, tmp_path) == {}
    # axe-core is the test's own script, which the page's CSP would refuse; the context lets it in.
    checking = await browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = await checking.new_page()
    found = {}
    for lang in ("da", "en"):
        await page.goto(registry.url + notified["path"].replace("lang=da", f"lang={lang}"))
        await expect(page.locator(f"#incident-{seen}")).to_be_visible()
        if violations := await axe_violations(page):
            found[lang] = violations
    await checking.close()
    assert found == {}
