"""/feed.atom?service=S: only the versions that concern S, each naming the changes that touch it."""

import re
from xml.etree import ElementTree as ET

from tests.support.publishing import HETZNER, publish

ATOM = "{http://www.w3.org/2005/Atom}"
MAILGUN = {"slug": "mailgun", "name": "Mailgun Technologies", "purpose_da": "Afsendelse af nyhedsbreve",
           "purpose_en": "Sending newsletters", "countries": ["US"], "transfer_mechanism": "DPF",
           "services": ["Nyhedsbrev"]}


async def given_three_versions(db) -> None:
    """Version 2 adds Hetzner (Hosting) and Mailgun (Nyhedsbrev); version 3 moves only Mailgun."""
    await publish(db, note="To nye leverandører.", add=[HETZNER, MAILGUN], min_notice_days=0, notice_days=0)
    await publish(db, note="Mailgun flytter til Irland.", change={"mailgun": {"countries": ["IE"],
                                                                            "transfer_mechanism": "EEA"}})


def entries(response) -> list[tuple[str, str]]:
    feed = ET.fromstring(response.content)
    return [(entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary")) for entry in feed.findall(f"{ATOM}entry")]


async def test_a_services_feed_holds_only_the_versions_that_concern_it_and_only_their_changes_to_it(seeded, client):
    await given_three_versions(seeded)

    hosting = await client.get("/feed.atom?service=Hosting&lang=en")
    newsletter = await client.get("/feed.atom?service=Nyhedsbrev")

    # Hosting: version 2 (Hetzner added) and version 1 (its entries name no services, so they serve every one)
    assert [title for title, _ in entries(hosting)] == ["Version 2", "Version 1"]
    summary = entries(hosting)[0][1]
    assert "Added: Hetzner Online GmbH" in summary and "Mailgun" not in summary
    assert ("The version holds 1 more change(s) concerning other services: "
            "https://registry.example.test/subprocessors/versions/2?lang=en") in summary
    feed = ET.fromstring(hosting.content)
    assert feed.findtext(f"{ATOM}title").endswith("sub-processor list – the service Hosting")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == (
        "https://registry.example.test/feed.atom?service=Hosting&lang=en")
    # Nyhedsbrev: also version 3, which moves Mailgun; in Danish by default
    assert [title for title, _ in entries(newsletter)] == ["Version 3", "Version 2", "Version 1"]
    assert "Ændret: Mailgun Technologies" in entries(newsletter)[0][1]
    assert "Versionen har" not in entries(newsletter)[0][1]  # every change of version 3 touches it


async def test_the_feed_of_all_versions_is_unchanged_by_services(seeded, client):
    await given_three_versions(seeded)

    everything = entries(await client.get("/feed.atom?lang=en"))

    assert [title for title, _ in everything] == ["Version 3", "Version 2", "Version 1"]
    assert "Hetzner" in everything[1][1] and "Mailgun" in everything[1][1] and "more change" not in everything[1][1]


async def test_an_unknown_service_is_a_400_that_says_which_services_there_are(seeded, client):
    await given_three_versions(seeded)

    response = await client.get("/feed.atom", params={"service": "Regnskab"})

    assert response.status_code == 400 and response.headers["content-type"].startswith("text/plain")
    assert response.text == ("The list of sub-processors names no such service: 'Regnskab'. "
                             "Choose among: Hosting, Nyhedsbrev.\n")


async def test_the_public_page_links_each_services_feed_in_its_language(seeded, client):
    await given_three_versions(seeded)

    danish = (await client.get("/subprocessors")).text
    english = (await client.get("/subprocessors?lang=en")).text

    assert re.findall(r'<a href="(/feed\.atom\?service=[^"]+)" type="application/atom\+xml">', danish) == [
        "/feed.atom?service=Hosting", "/feed.atom?service=Nyhedsbrev"]
    assert '<a href="/feed.atom?service=Nyhedsbrev&amp;lang=en" type="application/atom+xml">Atom feed for Nyhedsbrev' \
        in english
    linked = await client.get("/feed.atom?service=Nyhedsbrev&lang=en")
    assert linked.status_code == 200 and linked.headers["content-language"] == "en"
