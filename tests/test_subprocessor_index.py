"""subprocessorIndex: the list in effect as the public page and the embed show it, a long one a letter at a time."""

from dataclasses import dataclass

from registry.subprocessors import index as letters
from registry.subprocessors.index import LETTERS_FROM, reading_order
from tests.test_public_page import rows
from tests.test_public_page_letters import COUNT, long_list, publish_long_list

INDEX = """query($letter: String, $language: Language! = DA) { subprocessorIndex(letter: $letter, language: $language) {
  total letters letter subprocessors { name purpose } } }"""


@dataclass
class Entry:
    name: str


def by_name(names: list[str]) -> list[str]:
    return sorted(names, key=reading_order)


async def index(gql, **variables) -> dict:
    answer = await gql(INDEX, variables)
    assert "errors" not in answer, answer
    return answer["data"]["subprocessorIndex"]


async def test_a_short_list_is_given_whole_unless_a_letter_is_asked_for(seeded, gql):
    # Given the demo list of 17 in effect
    whole, danish = await index(gql, language="EN"), await index(gql)
    d = await index(gql, letter="D")

    # Then it comes whole, sorted by name, with no letters, in the language asked for; a letter gives its entries
    names = [entry["name"] for entry in whole["subprocessors"]]
    assert (whole["total"], whole["letters"], whole["letter"], len(names)) == (17, [], None, 17)
    assert names == by_name(names) and "Dropbox" in names
    assert whole["subprocessors"] != danish["subprocessors"] and len(danish["subprocessors"]) == 17
    assert d["letter"] == "D" and "D" in d["letters"] and d["total"] == 17
    assert d["subprocessors"] and all(entry["name"].startswith("D") for entry in d["subprocessors"])


async def test_a_long_list_gives_one_letter_and_every_initial(db, gql, client):
    # Given a list of 120 sub-processors in effect, whose names begin with every letter
    await publish_long_list(db)
    names = [entry.name for entry in long_list(COUNT)]

    # When the embed asks without a letter, then for L
    first = await index(gql)
    lima = await index(gql, letter="L")

    # Then it names every initial, gives the first letter's entries by default and L's when asked, as the page does
    assert first["letters"] == sorted({name[0].upper() for name in names}) and len(first["letters"]) == 26
    assert first["letter"] == "A" and first["total"] == COUNT
    assert [e["name"] for e in first["subprocessors"]] == by_name([n for n in names if n.upper().startswith("A")])
    assert [e["name"] for e in lima["subprocessors"]] == by_name([n for n in names if n.upper().startswith("L")])
    page = (await client.get("/subprocessors?letter=L")).text
    assert lima["letter"] == "L" and len(rows(page)) == len(lima["subprocessors"])
    assert all(row.startswith(entry["name"]) for row, entry in zip(rows(page), lima["subprocessors"]))


async def test_a_letter_the_list_does_not_hold_gives_the_first_as_on_the_page(db, gql):
    # Given a long list in effect
    await publish_long_list(db)

    # When the embed asks for a lower-case letter, text that is no letter, and an empty string
    lower, unknown, empty = [await index(gql, letter=asked) for asked in ("l", "<b>", "")]

    # Then a lower-case initial counts as its capital; anything else gives the first letter
    assert lower["letter"] == "L"
    assert unknown["letter"] == empty["letter"] == "A" and unknown["subprocessors"] == empty["subprocessors"]


async def test_a_letter_with_a_control_character_is_refused(seeded, gql):
    answer = await gql(INDEX, {"letter": "D\x00"})

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"] == {"code": "INVALID", "field": "letter"}


async def test_no_list_in_effect_is_an_empty_index(db, gql):
    assert await index(gql, letter="A") == {"total": 0, "letters": [], "letter": None, "subprocessors": []}


def test_letters_and_names_follow_the_danish_alphabet_with_ae_oe_aa_after_z():
    # Given a long list whose names start with A, Z, Æ, Ø and Å, in no order
    names = ["Åbo Data", "Zendesk", "Ørsted IT", "Ærø Hosting", "Atlassian", "ålborg sky", "Ærlig Mail"]
    entries = [Entry(name) for name in names * (LETTERS_FROM // len(names) + 1)]

    # When it is put in reading order and a reader asks for Æ
    ordered = letters.by_name(entries)
    shown = letters.index(ordered, "æ")

    # Then the letters run A, Z, Æ, Ø, Å as a Danish reader looks them up (code points would put Å before Æ),
    # the names in that order too, case ignored, and Æ shows its two names
    assert shown.letters == ["A", "Z", "Æ", "Ø", "Å"]
    assert list(dict.fromkeys(entry.name for entry in ordered)) == [
        "Atlassian", "Zendesk", "Ærlig Mail", "Ærø Hosting", "Ørsted IT", "Åbo Data", "ålborg sky"]
    assert shown.letter == "Æ" and {entry.name for entry in shown.entries} == {"Ærlig Mail", "Ærø Hosting"}


def test_a_list_is_whole_up_to_its_hundredth_entry_and_a_letter_at_a_time_from_the_hundred_and_first():
    # Given lists of exactly LETTERS_FROM entries and of one more, under the initials A and B
    names = [f"{'AB'[number % 2]}-service {number:03}" for number in range(LETTERS_FROM + 1)]
    at_the_bound = letters.by_name([Entry(name) for name in names[:-1]])
    past_it = letters.by_name([Entry(name) for name in names])

    # When a reader asks for no letter
    whole, lettered = letters.index(at_the_bound, None), letters.index(past_it, None)

    # Then the list at the bound is shown whole; the one past it shows its first letter and names both initials
    assert (len(whole.entries), whole.letter, whole.letters, whole.total) == (LETTERS_FROM, None, [], LETTERS_FROM)
    assert (lettered.letter, lettered.letters, lettered.total) == ("A", ["A", "B"], LETTERS_FROM + 1)
    assert {entry.name[0] for entry in lettered.entries} == {"A"} and len(lettered.entries) == (LETTERS_FROM + 2) // 2


def test_services_are_offered_in_the_order_a_danish_reader_looks_them_up():
    from registry.versions.models import RegistryVersion
    from registry.versions.service import services_named

    # Given a list whose entries name services starting with Å, Z, Ø, a and Æ
    named = ["Åbningstider", "Zoom-møder", "Økonomi", "abonnement", "Ærindekørsel"]
    current = RegistryVersion(number=1, entries=[{"slug": f"s{i}", "services": [name]} for i, name in enumerate(named)])

    # When the known services are listed (the subscribe form and the embed offer them in this order)
    offered = services_named(current=current, pending=[])

    # Then they run A to Z, then Æ, Ø, Å, case ignored (code points would put Å before Æ and Ø)
    assert offered == ["abonnement", "Zoom-møder", "Ærindekørsel", "Økonomi", "Åbningstider"]
