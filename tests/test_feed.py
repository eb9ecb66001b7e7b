"""Feed readers get one Atom entry per published version with a summary of its changes."""

from xml.etree import ElementTree as ET

from tests.support.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


async def test_feed_lists_versions_newest_first_with_their_changes(seeded, client, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Mailgun <b>&</b> friends"}}, token=admin_token)

    response = await client.get("/feed.atom")

    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Version 2", "Version 1"]
    summary = entries[0].findtext(f"{ATOM}summary")
    assert "Mailgun <b>&</b> friends" in summary and "Tilføjet: Mailgun Technologies" in summary
    assert "Status: Varslet" in summary and "Frist for indsigelse" in summary and "dansk tid (C" in summary
    link = entries[0].find(f"{ATOM}link")
    assert link.get("href") == "https://registry.example.test/subprocessors/versions/2"
    assert link.get("rel") == "alternate" and link.get("type") == "text/html"


async def test_feed_link_opens_the_version_page(seeded, client):
    feed = ET.fromstring((await client.get("/feed.atom")).content)
    link = feed.find(f"{ATOM}entry").find(f"{ATOM}link").get("href")

    response = await client.get(link.removeprefix("https://registry.example.test"))

    assert response.status_code == 200 and "<h1>Version 1 af listen over underdatabehandlere</h1>" in response.text


async def test_feed_comes_in_danish_by_default_and_in_english_on_request(seeded, client, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Mailgun sender vores e-mails"}}, token=admin_token)

    danish = ET.fromstring((await client.get("/feed.atom")).content)
    english = ET.fromstring((await client.get("/feed.atom?lang=en")).content)

    assert danish.get(XML_LANG) == "da" and english.get(XML_LANG) == "en"
    assert danish.findtext(f"{ATOM}title").endswith("liste over underdatabehandlere")
    assert english.findtext(f"{ATOM}title").endswith("sub-processor list")
    da_summary = danish.find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    en_summary = english.find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert "Træder i kraft" in da_summary and "Takes effect" not in da_summary and "Added:" not in da_summary
    assert "Takes effect" in en_summary and "Announced" in en_summary and "Added: Mailgun Technologies" in en_summary
    assert "Træder" not in en_summary and "Tilføjet" not in en_summary and "Varslet" not in en_summary
    assert english.find(f"{ATOM}entry").find(f"{ATOM}link").get("href") == (
        "https://registry.example.test/subprocessors/versions/2?lang=en")
    assert english.find(f"{ATOM}link[@rel='self']").get("href") == "https://registry.example.test/feed.atom?lang=en"
