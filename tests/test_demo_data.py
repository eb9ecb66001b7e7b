"""Given the embedded demo data, the website reads what the seed document states."""

import json
from pathlib import Path

SEED = Path(__file__).parents[1] / "registry" / "seed" / "office2go.json"


async def test_demo_list_has_the_seeds_seventeen_subprocessors(seeded, gql):
    result = await gql("{ subprocessors { slug name purpose countries transferMechanism thirdCountry } }")

    names = [s["name"] for s in result["data"]["subprocessors"]]
    assert len(names) == 17
    assert "Dropbox" in names and "Power Media Group" in names
    economic = next(s for s in result["data"]["subprocessors"] if s["slug"] == "e-conomic")
    assert economic["purpose"] == "økonomisystem – opbevaring af kundedata og fakturaer"
    # The seed states no countries or transfer tools: unknown, not invented.
    assert {s["transferMechanism"] for s in result["data"]["subprocessors"]} == {"UNKNOWN"}
    assert all(s["countries"] == [] and s["thirdCountry"] is None for s in result["data"]["subprocessors"])


async def test_english_purposes_are_served_when_asked(seeded, gql):
    result = await gql('{ subprocessor(slug: "teamviewer", language: EN) { purpose purposeDa } }')

    assert result["data"]["subprocessor"] == {"purpose": "Software for remote support on computers",
                                              "purposeDa": "Software til fjernsupport på computere"}


def test_seed_file_carries_no_invented_facts():
    data = json.loads(SEED.read_text(encoding="utf-8"))
    for entry in data["subprocessors"]:
        assert not entry.get("countries") and not entry.get("website") and not entry.get("transfer_mechanism")
