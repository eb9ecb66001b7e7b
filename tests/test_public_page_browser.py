"""The public page and the website embed in a real headless Chromium (Debian's), against a live server.

Screenshots land in test-artifacts/ (git-ignored), one per engine.
"""

import asyncio
import importlib.util
import json
import re
from collections.abc import Iterator

import pytest
from playwright.async_api import Page, expect

from registry.db import Database
from schema.settings import AppSettings
from schema.schema import build_schema
from tests.support.browsing import artifact
from tests.support.live import HostPage, LiveRegistry, free_socket
from tests.support.publishing import HETZNER, publish
from tests.support.stand_ins import subscriptions  # noqa: F401 - the fixture

HOSTILE_NAME = '<img src=x onerror="window.pwned=1">Evil & Co'

EMBEDDING_PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Office2go – underdatabehandlere</title>
<style>body{{font-family:Georgia,serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222}}
header{{border-bottom:4px solid #e4572e;margin-bottom:1rem}}</style></head>
<body><header><p>Office2go ApS – the company's own website</p></header>
<main><h1>Our sub-processors</h1><div id="subprocessors"></div>
<h2>Kun listen, på dansk</h2><div id="list-only"></div>
<aside id="no-target"><script src="{registry}/embed.js" data-sections="pending" data-lang="en"></script></aside></main>
<script src="{registry}/embed.js" data-target="#subprocessors" data-lang="en" async></script>
<script src="{registry}/embed.js" data-target="#list-only" data-sections="list" data-heading-level="3" async></script>
</body></html>"""


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


NOTIFICATIONS = installed("notifications.subscriptions")


def offers_subscribe() -> bool:
    """Whether the GraphQL schema has Mutation.subscribe, which the embed's form uses when it is there."""
    return re.search(r"^\s+subscribe\(", build_schema(AppSettings()).as_str(), re.M) is not None


@pytest.fixture
def website() -> Iterator[HostPage]:
    """The operator's own website, on an origin of its own that the registry is configured to allow."""
    with HostPage() as host:
        yield host


@pytest.fixture
def registry(db: Database, settings: AppSettings, website: HostPage) -> Iterator[LiveRegistry]:
    with LiveRegistry(settings.model_copy(update={"cors_origins": [website.origin]}), free_socket()) as server:
        website.html = EMBEDDING_PAGE.format(registry=server.url)
        yield server


def row(page: Page, scope, name: str):
    """The table row whose row header is exactly that sub-processor's name."""
    return scope.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))


async def test_page_renders_the_demo_list(seeded, registry, page):
    await page.goto(f"{registry.url}/subprocessors")

    await expect(page.locator("h1")).to_have_text("Underdatabehandlere")
    await expect(page.locator("table.subprocessors tbody tr")).to_have_count(17)
    await expect(row(page, page, "Dropbox")).to_contain_text("Arkivering af fakturaer")
    await page.screenshot(path=artifact("subprocessors-page", seeded), full_page=True)


async def test_page_fits_a_phone_screen(seeded, registry, browser):
    context = await browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone = await context.new_page()
    await phone.goto(f"{registry.url}/subprocessors")

    overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    label = await phone.locator("table.subprocessors td").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content")
    await phone.screenshot(path=artifact("subprocessors-page-phone", seeded))
    await context.close()

    assert overflow <= 0, "the page scrolls sideways on a phone"
    assert label == '"Formål: "'  # each cell names its column once the table is stacked


async def test_announced_change_and_history_appear_and_english_shows_english_purposes(seeded, registry, page):
    await publish(seeded, note="Ny hostingleverandør; Dropbox flytter data til USA.", add=[HETZNER],
                  change={"dropbox": {"countries": ["US"], "transfer_mechanism": "DPF"}})
    await page.goto(f"{registry.url}/subprocessors")

    pending = page.locator("section[aria-labelledby=pending]")
    await expect(pending.get_by_role("heading", name="Version 2")).to_be_visible()
    await expect(pending.locator("ins", has_text="Hetzner Online GmbH")).to_be_visible()
    await expect(pending).to_contain_text("Frist for indsigelse")
    await expect(page.locator("section[aria-labelledby=history] article")).to_have_count(2)

    await page.get_by_role("link", name="English").click()

    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", name="Announced changes")).to_be_visible()
    await expect(row(page, page, "E-conomic")).to_contain_text(
        "Accounting system – storage of customer data and invoices")
    await expect(pending.locator("li", has_text="Dropbox: Transfer mechanism")).to_contain_text(
        "Unknown → After: EU-US Data Privacy Framework")


async def test_keyboard_reaches_and_submits_the_subscribe_form(seeded, registry, page, subscriptions):
    await page.goto(f"{registry.url}/subprocessors")

    await page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    await expect(skip).to_be_focused()
    assert await skip.evaluate("link => getComputedStyle(link).outlineStyle") != "none"
    assert (await skip.bounding_box())["x"] >= 0  # on screen while focused
    await page.keyboard.press("Enter")
    await expect(page.locator("main")).to_be_focused()
    for _ in range(100):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "subscribe-email":
            break
    await expect(page.get_by_label("E-mailadresse")).to_be_focused()
    await page.keyboard.type("kunde@example.dk")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("radio", name="Dansk")).to_be_focused()
    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Tilmeld")).to_be_focused()
    await page.keyboard.press("Enter")

    await expect(page.locator("h1")).to_have_text("Tjek din indbakke")
    assert [(c["email"], c["language"]) for c in subscriptions.calls] == [("kunde@example.dk", "en")]


async def test_embed_renders_inside_a_page_of_an_allowed_origin(seeded, registry, website, page):
    await publish(seeded, note="Evil & Co tilføjet.", add=[{**HETZNER, "slug": "evil-co", "name": HOSTILE_NAME,
                                                           "website": None}],
                  min_notice_days=0, notice_days=0)
    await publish(seeded, note="Hetzner tilføjes.", add=[HETZNER])
    graphql_reads = []
    page.on("request", lambda request: graphql_reads.append((request.method, request.url))
            if "/graphql" in request.url else None)

    await page.goto(website.origin)

    embed = page.locator("#subprocessors .spr-embed[data-state=ready]")
    await expect(embed.locator("tbody tr")).to_have_count(18)
    await expect(embed).to_have_attribute("lang", "en")
    await expect(row(page, embed, "E-conomic")).to_contain_text("Accounting system")
    await expect(row(page, embed, "E-conomic")).to_contain_text("Unknown")
    pending = embed.locator(".spr-pending")
    await expect(pending.get_by_role("heading", name="Version 3 – Announced")).to_be_visible()
    await expect(pending.locator("ins", has_text="Hetzner Online GmbH")).to_be_visible()
    await expect(pending).to_contain_text("Deadline for objections")
    await expect(embed.locator(".spr-history article")).to_have_count(3)
    subscribe = embed.locator(".spr-subscribe")
    if offers_subscribe():
        await expect(subscribe.get_by_label("Email address")).to_be_visible()
    else:
        await expect(subscribe.get_by_role("link")).to_have_attribute(
            "href", f"{registry.url}/subprocessors?lang=en#subscribe")
    # The sub-processor's name is shown as text: no element, no script ran.
    await expect(row(page, embed, HOSTILE_NAME)).to_be_visible()
    assert await page.locator("#subprocessors img").count() == 0
    assert await page.evaluate("window.pwned") is None
    # The second embed shows only the list, in Danish, with the heading level it was given.
    only_list = page.locator("#list-only .spr-embed[data-state=ready]")
    await expect(only_list.locator("section")).to_have_count(1)
    await expect(only_list.get_by_role("heading", level=3, name="Underdatabehandlere")).to_be_visible()
    await expect(only_list).to_contain_text("økonomisystem")
    # Without data-target the embed renders right after its script tag.
    await expect(page.locator("#no-target script + div > .spr-embed[data-state=ready] .spr-pending")).to_contain_text(
        "Version 3")
    assert ("GET", f"{registry.url}/graphql") in [(method, url.split("?")[0]) for method, url in graphql_reads]
    assert all(method == "GET" for method, _ in graphql_reads), "reads go by GET, so caches can keep them"
    await page.screenshot(path=artifact("embed", seeded), full_page=True)


async def test_embed_subscribe_form_sends_the_subscribe_mutation_and_shows_the_answer(seeded, registry, website,
                                                                                    page):
    # The registry's answers about Mutation.subscribe come from the notifications package; here the browser is
    # handed them, so this pins down what the embed asks and how it shows the replies.
    sent: list[dict] = []
    cors = {"Access-Control-Allow-Origin": website.origin, "Content-Type": "application/json"}

    async def answer(route):
        request = route.request
        if request.method == "GET" and "RegistryEmbedMutations" in request.url:
            await route.fulfill(headers=cors, body=json.dumps({"data": {"__type": {"fields": [
                {"name": "subscribe", "args": [{"name": "input", "type": {"name": None,
                                                                           "ofType": {"name": "SubscribeInput"}}}]}]}}}))
        elif request.method == "POST":
            sent.append(request.post_data_json)
            problems = [{"field": "email", "message": "Not a valid email address.", "code": "INVALID"}]
            await route.fulfill(headers=cors, body=json.dumps(
                {"data": {"subscribe": {"userErrors": problems if len(sent) == 1 else []}}}))
        else:
            await route.continue_()

    await page.route(f"{registry.url}/graphql*", answer)
    await page.goto(website.origin)
    form = page.locator("#subprocessors .spr-subscribe form")

    await form.get_by_label("Email address").fill("not-an-address@x")
    await form.get_by_role("radio", name="Dansk").check()
    await form.get_by_role("button", name="Subscribe").click()
    await expect(form.get_by_role("alert")).to_contain_text("The subscription was not completed.")
    await expect(form).to_contain_text("Not a valid email address.")
    await form.get_by_label("Email address").fill("kunde@example.dk")
    await form.get_by_role("button", name="Subscribe").click()

    await expect(form.get_by_role("status")).to_contain_text("Check your inbox")
    assert "subscribe(input: $input)" in sent[0]["query"] and "$input: SubscribeInput!" in sent[0]["query"]
    assert [request["variables"] for request in sent] == [
        {"input": {"email": "not-an-address@x", "language": "DA"}},
        {"input": {"email": "kunde@example.dk", "language": "DA"}}]


async def test_embed_on_a_page_of_another_origin_is_refused_by_cors(seeded, registry, page):
    with HostPage(EMBEDDING_PAGE.format(registry=registry.url)) as stranger:
        await page.goto(stranger.origin)

        refused = page.locator("#subprocessors .spr-embed[data-state=error]")
        await expect(refused).to_contain_text("The list could not be loaded here")
        await expect(refused.get_by_role("link")).to_have_attribute("href", f"{registry.url}/subprocessors?lang=en")
        assert await page.locator("#subprocessors table").count() == 0


@pytest.mark.skipif(not NOTIFICATIONS, reason="enabled when the notifications branch is merged "
                                              "(needs notifications.subscriptions.service)")
async def test_subscription_submitted_in_the_form_arrives_at_an_smtp_sink_as_a_confirmation(seeded, settings,
                                                                                           page):
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.messages.append(envelope)
            return "250 OK"

    sink = Sink()
    with free_socket() as probe:
        smtp_port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        # The server drains the outbox itself (the default only on SQLite), so no separate worker is needed.
        live_settings = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{smtp_port}",
                                                    "inprocess_worker": True, "worker_poll_seconds": 0.1})
        with LiveRegistry(live_settings, free_socket()) as live:
            await page.goto(f"{live.url}/subprocessors?lang=en")
            await page.get_by_label("Email address").fill("kunde@example.dk")
            await page.get_by_role("radio", name="English").check()
            await page.get_by_role("button", name="Subscribe").click()
            await expect(page.locator("h1")).to_have_text("Check your inbox")
            for _ in range(300):  # the confirmation may go through the outbox: wait for it, bounded
                if sink.messages:
                    break
                await asyncio.sleep(0.1)
    finally:
        controller.stop()

    [envelope] = sink.messages
    assert envelope.rcpt_tos == ["kunde@example.dk"]
    assert "token=" in envelope.content.decode("utf-8", errors="replace")


ACCESSIBILITY_AUDIT = """() => {
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
  const background = element => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (rgb(colour)[3] !== 0) { return rgb(colour).slice(0, 3); }
    }
    return [255, 255, 255];
  };
  const lowContrast = [];
  for (const element of document.querySelectorAll("body *")) {
    const ownText = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!ownText || !element.getClientRects().length) { continue; }
    const style = getComputedStyle(element);
    const [a, b] = [luminance(rgb(style.color).slice(0, 3)), luminance(background(element))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && style.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) { lowContrast.push(element.tagName + ": " + element.textContent.trim().slice(0, 40)); }
  }
  const unlabelled = [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
    .filter(field => !field.labels.length).map(field => field.name);
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => Number(h.tagName[1]));
  const skipped = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  return {lowContrast, unlabelled, h1: levels.filter(level => level === 1).length, firstLevel: levels[0], skipped};
}"""


@pytest.mark.parametrize("path", ["/subprocessors", "/subprocessors?lang=en", "/agreement?lang=en"])
async def test_pages_pass_basic_accessibility_checks(seeded, registry, page, path):
    await publish(seeded, note="Kaspersky udfases; Hetzner tilføjes.", add=[HETZNER], remove=["kaspersky"])
    await page.goto(registry.url + path)

    audit = await page.evaluate(ACCESSIBILITY_AUDIT)

    assert audit == {"lowContrast": [], "unlabelled": [], "h1": 1, "firstLevel": 1, "skipped": []}


async def test_the_embed_shows_a_long_list_one_initial_letter_at_a_time(db, registry, website, page):
    # Given a list of 120 sub-processors in effect: the demo's 17 and 103 whose names begin with every letter
    from tests.test_public_page_letters import COUNT, long_list, publish_long_list

    await publish_long_list(db)

    # When a reader opens the website with the embed, then picks L
    answers = []
    page.on("response", lambda response: answers.append(response) if "/graphql" in response.url else None)
    await page.goto(website.origin)
    embed = page.locator("#subprocessors .spr-embed[data-state=ready]")
    letters = embed.get_by_role("navigation", name="Sub-processors by initial letter")
    await expect(letters.get_by_role("button", name="A")).to_have_attribute("aria-pressed", "true")
    first = await embed.locator(".spr-list tbody tr th").all_inner_texts()
    lists = [data["subprocessorIndex"]["subprocessors"] if "subprocessorIndex" in data else data["subprocessors"]
             for data in [(await answer.json())["data"] for answer in answers] if "__type" not in data]
    await letters.get_by_role("button", name="L").click()

    # Then each view (L's once the registry has answered for it) holds only that letter's entries and says how
    # many of how many it shows
    assert first and all(name.upper().startswith("A") for name in first)
    assert lists and {len(entries) for entries in lists} == {len(first)}  # only that letter travelled
    await expect(letters.get_by_role("button", name="L")).to_have_attribute("aria-pressed", "true")
    shown = await embed.locator(".spr-list tbody tr th").all_inner_texts()
    assert sorted(shown) == sorted(e.name for e in long_list(COUNT) if e.name.upper().startswith("L"))
    await expect(embed.locator(".spr-showing")).to_have_text(
        f"Showing {len(shown)} of {COUNT} sub-processors: those whose name begins with L.")
