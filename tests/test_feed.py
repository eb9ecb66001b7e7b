"""Feed readers get one Atom entry per published version with a summary of its changes."""

from xml.etree import ElementTree as ET

from tests.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT

ATOM = "{http://www.w3.org/2005/Atom}"


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
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "https://registry.example.test/subprocessors/versions/2"


async def test_feed_link_opens_the_version(seeded, client):
    feed = ET.fromstring((await client.get("/feed.atom")).content)
    link = feed.find(f"{ATOM}entry").find(f"{ATOM}link").get("href")

    response = await client.get(link.removeprefix("https://registry.example.test"))

    assert response.json()["data"]["registryVersion"]["number"] == 1
