"""A long list on the public page is shown one initial letter at a time; a short one whole (tests/test_page_validity.py
checks the letters' markup with the Nu checker and axe)."""

from bench.large_list import entries as long_list
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from schema.pages.public import LETTERS_FROM
from tests.test_public_page import rows, section

COUNT = LETTERS_FROM + 20


async def publish_long_list(db) -> None:
    async with db.transaction() as session:
        await drafts.replace_draft(session=session, actor="test", entries=long_list(COUNT))
        await versions.publish_version(session=session, actor="test", note="Den lange liste.", min_notice_days=30)


async def test_a_long_list_is_shown_by_initial_letter_with_every_letter_a_link(db, client):
    # Given a list of 120 sub-processors in effect: the demo's 17 and 103 whose names begin with every letter
    await publish_long_list(db)

    # When a reader opens the page, then asks for D in English
    first = (await client.get("/subprocessors")).text
    d = (await client.get("/subprocessors?lang=en&letter=D")).text

    # Then the page names every initial as a link that keeps the language, shows only the first letter's
    # entries by default, and says how many of how many it shows
    letters = section(first, "current")
    assert 'href="?lang=da&amp;letter=L#current"' in letters and 'aria-current="page">A</a>' in letters
    assert rows(first) and all(name.upper().startswith("A") for name in rows(first))
    assert f"af {COUNT} underdatabehandlere" in letters
    assert rows(d) and all(name.upper().startswith("D") for name in rows(d))
    assert f"Showing {len(rows(d))} of {COUNT} sub-processors: those whose name begins with D." in d


async def test_a_short_list_is_shown_whole_unless_the_reader_picks_a_letter(seeded, client):
    # Given the demo list of 17
    whole = (await client.get("/subprocessors")).text
    d = (await client.get("/subprocessors?letter=D")).text
    unknown = (await client.get("/subprocessors?letter=%3Cb%3E")).text

    # Then it shows every entry and no letters, unless a letter is asked for; one it does not hold shows the first
    assert 'class="letters"' not in whole and len(rows(whole)) == 17
    assert 'class="letters"' in d and rows(d) and all(name.upper().startswith("D") for name in rows(d))
    assert rows(unknown) and all(name.upper().startswith("A") for name in rows(unknown)) and "<b>" not in unknown


async def test_a_first_version_of_many_entries_is_one_link_in_the_history(db, client):
    # Given a first version adding 120 sub-processors
    await publish_long_list(db)

    # When a reader opens the page in English
    history = section((await client.get("/subprocessors?lang=en")).text, "history")

    # Then its history links to the version's own page for the 120 changes instead of listing them
    assert f"{COUNT} changes: see them all on the page of version 1." in history
    assert 'href="/subprocessors/versions/1?lang=en"' in history and "Leverandør 0050" not in history
