"""The public page and the agreement page, as a browser without JavaScript gets them over HTTP."""

import re
from datetime import UTC, datetime

from registry.agreement import service as agreements
from registry.seed.service import seed_demo
from tests.support.publishing import HETZNER, publish


def section(html: str, section_id: str) -> str:
    """The HTML of one <section> of the page, found by its heading's id."""
    start = html.index(f'<h2 id="{section_id}">')
    return html[start:html.index("</section>", start)]


def rows(html: str) -> list[str]:
    """The names of the sub-processors in the table of the list in effect."""
    table = section(html, "current")
    return [re.sub(r"<[^>]+>", "", name).strip().split("\n")[0]
            for name in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table, re.S)]


async def test_page_shows_the_demo_list_in_danish_with_unknowns_marked(seeded, client):
    response = await client.get("/subprocessors")

    assert response.status_code == 200
    html = response.text
    assert '<html lang="da">' in html
    names = rows(html)
    assert len(names) == 17 and "Dropbox" in names and "Power Media Group" in names
    assert "økonomisystem – opbevaring af kundedata og fakturaer" in html
    # The seed states no countries or transfer mechanism: the page says so rather than inventing any.
    current = section(html, "current")
    assert current.count('<span class="unknown">Ukendt</span>') == 2 * 17
    assert 'href="/feed.atom"' in html and 'href="/agreement?lang=da"' in html
    assert 'href="/subprocessors?lang=en" hreflang="en"' in html
    assert '<a class="skip-link" href="#main">Spring til indhold</a>' in html
    assert '<label for="subscribe-email">E-mailadresse</label>' in html
    assert "Ingen ændringer er varslet." in section(html, "pending")


async def test_english_page_shows_english_purposes(seeded, client):
    html = (await client.get("/subprocessors?lang=en")).text

    assert '<html lang="en">' in html
    assert "Accounting system – storage of customer data and invoices" in html
    assert "økonomisystem" not in html
    assert '<span class="unknown">Unknown</span>' in html and "Ukendt" not in html
    assert 'href="/subprocessors?lang=da" hreflang="da"' in html


async def test_unknown_language_falls_back_to_danish(seeded, client):
    html = (await client.get("/subprocessors?lang=fr")).text

    assert '<html lang="da">' in html and "Gældende liste" in html


async def test_empty_registry_says_nothing_is_published(db, client):
    html = (await client.get("/subprocessors")).text

    assert "Der er endnu ikke offentliggjort nogen liste." in html


async def test_published_change_is_announced_with_copenhagen_dates_and_diffed_in_history(seeded, client):
    await publish(seeded, note="Ny hostingleverandør; Dropbox flytter data til USA.", add=[HETZNER],
                  change={"dropbox": {"countries": ["US"], "transfer_mechanism": "DPF"}},
                  effective_at=datetime(2030, 7, 1, 10, 0, tzinfo=UTC))

    html = (await client.get("/subprocessors")).text

    pending = section(html, "pending")
    assert "Version 2" in pending and "Ny hostingleverandør" in pending
    # 10:00 UTC in July is noon in Copenhagen (summer time); the deadline to object is the effective date.
    assert pending.count('<time datetime="2030-07-01T10:00:00Z">1. juli 2030 kl. 12:00 dansk tid (CEST)</time>') == 2
    assert "<ins>Hetzner Online GmbH</ins>" in pending
    # Not in effect yet: the list still shows the 17 of version 1.
    assert "Hetzner Online GmbH" not in rows(html) and len(rows(html)) == 17
    history = section(html, "history")
    assert history.index("Version 2") < history.index("Version 1")
    dropbox_countries = re.search(r"Dropbox: <strong>Lande</strong>.*?</li>", history, re.S).group(0)
    assert "<del>Ikke oplyst</del>" in dropbox_countries and "<ins>USA</ins>" in dropbox_countries
    dropbox_transfer = re.search(r"Dropbox: <strong>Overførselsgrundlag</strong>.*?</li>", history, re.S).group(0)
    assert "<del>Ukendt</del>" in dropbox_transfer and "<ins>EU-US Data Privacy Framework</ins>" in dropbox_transfer


async def test_change_in_effect_shows_countries_mechanism_and_services(seeded, client):
    await publish(seeded, note="Hetzner tilføjet.", add=[HETZNER], min_notice_days=0, notice_days=0)

    html = (await client.get("/subprocessors?lang=en")).text

    current = section(html, "current")
    assert "Version 2, in effect since" in current
    row = re.search(r'<a href="https://www.hetzner.com"[^>]*>Hetzner Online GmbH</a>.*?</tr>', current, re.S).group(0)
    assert "Germany, Finland" in row and "Within the EU/EEA" in row and "Hosting" in row and "Unknown" not in row


async def test_the_history_names_an_added_sub_processors_facts_in_place_in_effect_or_announced(seeded, client):
    # Given Hetzner added in effect, then Stripe added and announced
    await publish(seeded, note="Hetzner tilføjet.", add=[HETZNER], min_notice_days=0, notice_days=0)
    await publish(seeded, note="Stripe tilføjet.", add=[{"slug": "stripe", "name": "Stripe", "countries": ["IE", "US"],
                                                         "purpose_da": "Betalinger", "purpose_en": "Payments",
                                                         "legal_entity": "Stripe Payments Europe Ltd"}])

    # When a reader opens the page in English twice (the second from what the server remembers)
    pages = [(await client.get("/subprocessors?lang=en")).text for _ in range(2)]

    # Then the history gives each addition's facts (from the version's list), not only its name
    for html in pages:
        history = section(html, "history")
        stripe, hetzner = history.split("Version 2", 1)
        assert "Stripe Payments Europe Ltd" in stripe and "Payments" in stripe and "Ireland, United States" in stripe
        assert "Server hosting" in hetzner and "Germany, Finland" in hetzner


async def test_removal_alone_opens_no_objection_window(seeded, client):
    await publish(seeded, note="Kaspersky udfases.", remove=["kaspersky"])

    pending = section((await client.get("/subprocessors?lang=en")).text, "pending")

    assert "<del>Kaspersky</del>" in pending
    assert "None – the change adds no sub-processor" in pending


async def test_text_typed_by_an_admin_is_escaped(seeded, client):
    hostile = {**HETZNER, "name": '<img src=x onerror="alert(1)">Evil & Co'}
    await publish(seeded, note="<script>alert('note')</script>", add=[hostile])

    html = (await client.get("/subprocessors")).text

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Evil &amp; Co" in html


async def test_agreement_page_in_danish(seeded, client):
    response = await client.get("/agreement")

    assert response.status_code == 200
    html = response.text
    assert '<html lang="da">' in html and "<h1>Databehandleraftale</h1>" in html
    assert '<span class="clause-number" lang="da">Punkt 2:</span> Databehandleraftale</h2>' in html
    assert "Dette afsnit findes kun på dansk." not in html and "convenience" not in html


async def test_agreement_sections_sharing_a_heading_get_distinct_names_and_danish_stays_as_written(seeded, client):
    html = (await client.get("/agreement")).text

    # The seed's words are kept, the heading twice; the landmark of each is named by its heading with its number.
    heading = "Bistand og dokumentation for overholdelse af forpligtelser"
    names = re.findall(r'<section aria-labelledby="([^"]+)"', html)
    labels = [re.sub(r"<[^>]+>", "", re.search(rf'<h2 id="{name}">(.*?)</h2>', html).group(1)) for name in names]
    assert len(labels) == 11 and len(set(labels)) == 11
    assert f"Punkt 6: {heading}" in labels and f"Punkt 7: {heading}" in labels
    assert "den anførte <a href=\"/subprocessors?lang=da\">fortegnelse over underdatabehandlere</a> på" in html
    assert '<a href="/subprocessors?lang=da">Se liste over underdatabehandlere</a></p>' in html


async def test_agreement_in_english_is_a_labelled_convenience_translation_with_the_danish_governing(seeded, client):
    html = (await client.get("/agreement?lang=en")).text

    assert '<html lang="en">' in html and "<h1>Data processing agreement</h1>" in html
    assert "is a convenience translation. The Danish text governs" in html
    assert "This section is available in Danish only." not in html
    assert "Clause 7:</span> Assistance and documentation of compliance with obligations</h2>" in html
    assert '<a href="/subprocessors?lang=en">See the list of sub-processors</a>' in html
    # Every clause keeps its Danish text as written, marked as Danish and as the one that governs.
    assert html.count('<details class="original" lang="da">') == 11
    assert html.count("The Danish text, which governs") == 11
    assert "Office2go må kun gøre brug af en tredjepart til behandlingen af personoplysninger" in html


async def test_a_template_seeded_before_the_translation_gets_it_and_keeps_its_danish(seeded, settings, client):
    async with seeded.transaction() as session:
        template = await agreements.get_template(session=session)
        danish = [dict(section) for section in template.sections]
        template.sections = [{**section, "heading_en": None, "body_en": None} for section in template.sections]
    assert "This section is available in Danish only." in (await client.get("/agreement?lang=en")).text

    async with seeded.transaction() as session:
        done = await seed_demo(session=session, min_notice_days=settings.min_notice_days)

    assert done == ["added the English convenience translation to agreement template 1"]
    async with seeded.session() as session:
        template = await agreements.get_template(session=session)
    assert [(s["heading_da"], s["body_da"]) for s in template.sections] == [(s["heading_da"], s["body_da"])
                                                                            for s in danish]
    assert "This section is available in Danish only." not in (await client.get("/agreement?lang=en")).text


async def test_stylesheet_and_embed_script_are_served(db, client):
    css = await client.get("/static/registry.css")
    script = await client.get("/embed.js")

    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == "public, max-age=300"
    assert "/graphql?query=" in script.text


async def test_the_site_root_leads_to_the_public_page(db, client):
    response = await client.get("/", follow_redirects=False)

    assert response.status_code in (302, 307) and response.headers["location"] == "/subprocessors"
