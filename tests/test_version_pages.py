"""A page per version and a page listing them all, as a browser without JavaScript gets them over HTTP."""

import hashlib
import json
import re

from registry.versions import service as versions
from tests.support.publishing import ADMIN, HETZNER, publish


def times(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', html)


async def withdraw(db, number: int, reason: str) -> None:
    async with db.transaction() as session:
        await versions.withdraw_version(session=session, actor=ADMIN, number=number, reason=reason)


async def test_version_page_shows_status_times_note_changes_list_and_hashes(seeded, client):
    version = await publish(seeded, note="Hetzner tilføjes; Kaspersky udfases.", add=[HETZNER], remove=["kaspersky"])

    response = await client.get("/subprocessors/versions/2")

    assert response.status_code == 200
    html = response.text
    assert '<html lang="da">' in html and "<h1>Version 2 af listen over underdatabehandlere</h1>" in html
    assert "Varslet" in html and "Offentliggjort" in html and "Gældende fra" in html
    assert "Frist for indsigelse" in html and "Hetzner tilføjes; Kaspersky udfases." in html
    assert "<ins>Hetzner Online GmbH</ins>" in html and "<del>Kaspersky</del>" in html
    # The whole list of that version: the seed's 17, one added, one removed.
    table = html[html.index('<h2 id="list">'):html.index('<h2 id="hashes">')]
    assert table.count('<th scope="row"') == 17 and "Hetzner Online GmbH" in table and "Kaspersky" not in table
    assert f"<code>{version.content_hash}</code>" in html and f"<code>{version.previous_hash}</code>" in html
    assert "SHA-256 af versionens kanoniske JSON" in html and "python -m registry verify" in html
    assert '<a href="/subprocessors/versions/2.json" type="application/json">Versionen som JSON' in html
    assert 'href="/subprocessors/versions/1?lang=da" rel="prev"' in html
    assert 'href="/subprocessors/versions/2?lang=en" hreflang="en"' in html


async def test_the_hash_sentence_lets_a_reader_recompute_the_hash(seeded, client):
    # Given only what the version page and its sentence say, a reader gets the same SHA-256.
    version = await publish(seeded, note="Hetzner tilføjes.", add=[HETZNER])
    html = (await client.get("/subprocessors/versions/2?lang=en")).text
    assert "sorted by slug" in html and "with sorted keys, no spaces, in UTF-8" in html

    document = {"number": 2, "previous_hash": version.previous_hash, "note": version.note,
                "published_at": version.published_at.isoformat(timespec="microseconds"),
                "effective_at": version.effective_at.isoformat(timespec="microseconds"),
                "entries": sorted(version.entries, key=lambda entry: entry["slug"])}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    assert f"<code>{hashlib.sha256(canonical).hexdigest()}</code>" in html


async def test_first_version_says_it_has_no_previous_hash_and_english_reads_english(seeded, client):
    html = (await client.get("/subprocessors/versions/1?lang=en")).text

    assert '<html lang="en">' in html and "Version 1 of the list of sub-processors" in html
    assert "None – this is the first version." in html and "In effect" in html
    assert "Accounting system – storage of customer data and invoices" in html
    assert 'rel="prev"' not in html
    assert 'href="/subprocessors/versions/1?lang=da" hreflang="da"' in html


async def test_withdrawn_version_shows_when_and_why(seeded, client):
    await publish(seeded, note="Hetzner tilføjes.", add=[HETZNER])
    await withdraw(seeded, 2, "Aftalen med Hetzner blev ikke indgået.")

    html = (await client.get("/subprocessors/versions/2")).text

    assert "Trukket tilbage" in html and "Aftalen med Hetzner blev ikke indgået." in html
    withdrawn = html[html.index("<dt>Trukket tilbage</dt>"):]
    assert withdrawn.index("<time datetime=") < withdrawn.index("Begrundelse for tilbagetrækning")


async def test_unknown_version_is_a_404_page_in_the_language_asked_for(seeded, client):
    danish = await client.get("/subprocessors/versions/7")
    english = await client.get("/subprocessors/versions/99999999999?lang=en")
    elsewhere = await client.get("/subprocessors/nowhere?lang=en")

    assert danish.status_code == 404 and "Version 7 findes ikke." in danish.text
    assert '<html lang="da">' in danish.text
    assert english.status_code == 404 and "Version 99999999999 does not exist." in english.text
    assert elsewhere.status_code == 404 and '<html lang="en">' in elsewhere.text
    assert "Page not found" in elsewhere.text
    assert 'href="/subprocessors/nowhere?lang=da"' in elsewhere.text


async def test_versions_page_lists_every_version_newest_first_with_links(seeded, client):
    await publish(seeded, note="Hetzner tilføjes.", add=[HETZNER])
    await withdraw(seeded, 2, "Fortrudt.")
    await publish(seeded, note="Hetzner tilføjes igen.", add=[HETZNER])

    html = (await client.get("/subprocessors/versions?lang=en")).text

    links = re.findall(r'<a href="/subprocessors/versions/(\d+)\?lang=en">', html)
    assert links == ["3", "2", "1"]
    assert "Withdrawn" in html and "Announced" in html and "In effect" in html


async def test_time_elements_carry_at_most_three_fractional_digits(seeded, client):
    await publish(seeded, note="Hetzner tilføjes.", add=[HETZNER])

    for path in ("/subprocessors", "/subprocessors/versions", "/subprocessors/versions/2"):
        values = times((await client.get(path)).text)
        assert values and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value) for value in values), values


async def test_the_list_page_links_each_version_to_its_page(seeded, client):
    await publish(seeded, note="Hetzner tilføjes.", add=[HETZNER])

    html = (await client.get("/subprocessors?lang=en")).text

    assert '<a href="/subprocessors/versions/2?lang=en">Version 2</a>' in html
    assert '<a href="/subprocessors/versions?lang=en">All versions</a>' in html
