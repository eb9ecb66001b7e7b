"""The admins' preview page in Debian's Chromium: opened with the token in the fragment, it shows each email."""

from playwright.async_api import expect

from tests.support.browsing import artifact
from tests.support.live import registry  # noqa: F401 - fixture
from tests.support.notify_helpers import add_confirmed
from tests.test_draft_preview import HETZNER_INPUT, SAVE

NOTE = 'Hetzner <img src=x onerror="document.title=1"> driver vores servere'


async def test_an_admin_previews_the_notices_in_the_browser(seeded, registry, page, gql, admin_token):
    # Given a draft that adds a sub-processor and subscribers in Danish and English
    await gql(SAVE, {"input": HETZNER_INPUT}, token=admin_token)
    await add_confirmed(seeded, ("a@example.dk", "da"), ("b@example.dk", "da"), ("c@example.com", "en"))
    versions_before = await gql("{ registryVersions { totalCount } }")

    # When the admin opens the page with their token in the fragment and asks for a preview
    await page.goto(f"{registry.url}/admin/preview#admin_token={admin_token}")
    assert "admin_token" not in page.url
    await page.get_by_label("Note").fill(NOTE)
    await page.get_by_role("button", name="Preview").click()

    # Then each audience's email shows, the note as text, the HTML in a frame that runs nothing
    await expect(page.locator(".preview-audience h2")).to_have_text(
        ["Subscribers · da · 2 recipient(s)", "Subscribers · en · 1 recipient(s)"])
    await expect(page.locator(".preview-text").first).to_contain_text(NOTE)
    await expect(page.locator(".preview-text").first).to_contain_text("Hetzner Online GmbH")
    frame = page.frame_locator("iframe.preview-html").first
    await expect(frame.locator("body")).to_contain_text("Hetzner Online GmbH")
    assert await page.title() != "1"
    await page.screenshot(path=artifact("admin-preview", seeded), full_page=True)
    assert await gql("{ registryVersions { totalCount } }") == versions_before


async def test_without_a_token_the_page_asks_for_one_and_shows_nothing(seeded, registry, page):
    # When someone opens the page without a token and asks for a preview
    await page.goto(f"{registry.url}/admin/preview")
    await expect(page.get_by_label("Admin token")).to_be_visible()
    await page.get_by_label("Note").fill("n")
    await page.get_by_role("button", name="Preview").click()

    # Then they are told an admin token is required, and no email shows
    await expect(page.get_by_role("status")).to_contain_text("An admin token is required")
    await expect(page.locator(".preview-audience")).to_have_count(0)
