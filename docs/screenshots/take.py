"""Re-take the README's screenshots: `.venv/bin/python docs/screenshots/take.py` (needs /usr/bin/chromium).

The demo data plus two versions about made-up companies (so no real company's facts are invented): one in
effect, one announced with a changed field, so the page shows every section.
"""

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).parents[2]))

from registry.db import Database  # noqa: E402
from registry.migrations import upgrade  # noqa: E402
from registry.seed.service import seed_demo  # noqa: E402
from schema.settings import AppSettings  # noqa: E402
from tests.support.live import HostPage, LiveRegistry, free_socket  # noqa: E402
from tests.support.publishing import publish  # noqa: E402
from tests.support.browsing import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

HERE = Path(__file__).parent
NORDLYS = {"slug": "nordlys-hosting", "name": "Nordlys Hosting ApS (example)", "purpose_da": "Drift af kundeportal",
           "purpose_en": "Hosting of the customer portal", "countries": ["DK"], "transfer_mechanism": "EEA",
           "services": ["Kundeportal"]}
POSTBUD = {"slug": "postbud", "name": "Postbud Mail Inc. (example)", "purpose_da": "Udsendelse af e-mails",
           "purpose_en": "Sending email", "countries": ["US"], "transfer_mechanism": "SCC"}
HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Office2go</title>
<style>body{{font-family:Georgia,serif;max-width:56rem;margin:0 auto;padding:1rem 2rem;color:#222}}
header{{border-bottom:4px solid #e4572e;margin-bottom:1rem;font-size:1.4rem}}</style></head>
<body><header><p>Office2go ApS — our website</p></header><main><h1>Data protection</h1>
<p>The sub-processors below are shown live from our registry.</p><div id="subprocessors"></div></main>
<script src="{registry}/embed.js" data-target="#subprocessors" data-lang="en"
        data-sections="pending,list,subscribe" async></script></body></html>"""


async def main() -> None:
    url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/registry.db"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    async with db.transaction() as session:
        await seed_demo(session=session, min_notice_days=30)
    await publish(db, note="Ny leverandør af kundeportalen.", add=[NORDLYS], min_notice_days=0, notice_days=0)
    await publish(db, note="Kundeportalen får en reserve i Sverige; e-mails sendes via Postbud.", add=[POSTBUD],
                  change={"nordlys-hosting": {"countries": ["DK", "SE"]}}, notice_days=30)
    await db.dispose()
    with HostPage() as website, LiveRegistry(AppSettings(database_url=url, cors_origins=[website.origin]),
                                              free_socket()) as registry:
        website.html = HOST_PAGE.format(registry=registry.url)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 1100, "height": 1960})
            await page.goto(f"{registry.url}/subprocessors?lang=en")
            await page.screenshot(path=HERE / "subprocessors-page.png")
            await page.set_viewport_size({"width": 1100, "height": 1400})
            await page.goto(website.origin)
            await page.locator(".spr-embed[data-state=ready]").wait_for()
            await page.screenshot(path=HERE / "embed.png")
            await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
