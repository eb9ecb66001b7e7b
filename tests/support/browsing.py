"""Debian's Chromium driven by Playwright: never a downloaded browser."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from registry.db import Database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Screenshots (git-ignored) a person can look at after a run.
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's browser: apt-get install -y chromium", pytrace=False)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    yield await context.new_page()
    await context.close()


async def write_and_send_by_keyboard(page: Page, *, field: str, text: str, button: str) -> None:
    """Type into the labelled field, Tab to the button (which must be next in the tab order), press Enter."""
    await page.get_by_label(field).focus()
    await page.keyboard.type(text)
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name=button)).to_be_focused()
    await page.keyboard.press("Enter")


def artifact(name: str, db: Database) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}-{db.dialect}.png"
