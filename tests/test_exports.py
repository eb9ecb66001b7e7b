"""The machine-readable exports say what GraphQL says, field by field, and refuse bad parameters clearly."""

import csv
import hashlib
import io
import json
from datetime import datetime, timedelta

import httpx

from registry import labels
from registry.db import utcnow
from schema.app import create_app
from tests.support.graphql_documents import VERSION
from tests.support.publishing import HETZNER, publish
from tests.support.sql_statements import counting

FIELDS = ("slug name legalEntity purpose purposeDa purposeEn dataCategories countries transferMechanism "
          "thirdCountry services website countryNames")
LIST = (f"query List($asOf: DateTime, $language: Language!) "
        f"{{ subprocessors(asOf: $asOf, language: $language) {{ {FIELDS} }} }}")
CSV_COLUMNS = ["slug", "name", "legal_entity", "purpose", "purpose_da", "purpose_en", "data_categories", "countries",
               "transfer_mechanism", "third_country", "services", "website", "country_names",
               "version_number", "effective_at", "content_hash"]
PAYROLL = {"slug": "dataloen", "name": "Dataløn", "purpose_da": "Lønudbetaling", "purpose_en": "Payroll",
           "countries": ["DK"], "transfer_mechanism": "EEA", "services": ["Løn"], "data_categories": ["CPR-nummer"]}


async def graphql_list(gql, *, as_of: str | None = None, language: str = "DA") -> list[dict]:
    answer = await gql(LIST, {"asOf": as_of, "language": language})
    assert "errors" not in answer, answer
    return answer["data"]["subprocessors"]


async def graphql_version(gql, number: int) -> dict:
    return (await gql(VERSION, {"number": number}))["data"]["registryVersion"]


def csv_cell(value: object) -> str:
    """A GraphQL value as the CSV writes it: lists joined by '; ', booleans in lower case, null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "; ".join(value) if isinstance(value, list) else str(value)


async def two_versions(seeded) -> tuple[object, str]:
    """Version 2 adds Hetzner (Hosting) and Dataløn (Løn) in 30 days; returns it and an instant after that."""
    version = await publish(seeded, note="Hetzner og Dataløn tilføjes.", add=[HETZNER, PAYROLL])
    return version, (version.effective_at + timedelta(days=1)).isoformat()


async def test_the_json_list_is_the_graphql_list_field_by_field_now_later_and_in_english(seeded, client, gql):
    version, later = await two_versions(seeded)
    first = await graphql_version(gql, 1)

    for params, as_of, language, shown in [({}, None, "DA", first), ({"lang": "en"}, None, "EN", first),
                                           ({"asOf": later, "lang": "en"}, later, "EN", version),
                                           ({"asOf": later}, later, "DA", version)]:
        response = await client.get("/subprocessors.json", params=params)

        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        document = response.json()
        assert document["subprocessors"] == await graphql_list(gql, as_of=as_of, language=language)
        expected = (await graphql_version(gql, 2)) if shown is version else first
        assert (document["versionNumber"], document["effectiveAt"], document["contentHash"]) == (
            expected["number"], expected["effectiveAt"], expected["contentHash"])
        assert document["language"] == language.lower()
    assert [entry["slug"] for entry in document["subprocessors"]].count("hetzner") == 1


async def test_a_service_keeps_the_entries_used_for_it_and_those_used_for_every_service(seeded, client, gql):
    _, later = await two_versions(seeded)
    everything = await graphql_list(gql, as_of=later)

    document = (await client.get("/subprocessors.json", params={"asOf": later, "service": "Hosting"})).json()

    # Given the seed names no services (used for every service), Hetzner serves Hosting and Dataløn only Løn.
    assert document["service"] == "Hosting"
    assert document["subprocessors"] == [entry for entry in everything if entry["slug"] != "dataloen"]
    rows = list(csv.DictReader(io.StringIO((await client.get(
        "/subprocessors.csv", params={"asOf": later, "service": "Løn", "lang": "en"})).text)))
    assert [row["Key"] for row in rows] == [entry["slug"] for entry in everything if entry["slug"] != "hetzner"]


async def test_the_csv_is_the_graphql_list_cell_by_cell_headed_in_the_language(seeded, client, gql):
    version, later = await two_versions(seeded)
    shown = await graphql_version(gql, 2)

    for language in ("da", "en"):
        response = await client.get("/subprocessors.csv", params={"asOf": later, "lang": language})

        assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == f'attachment; filename="subprocessors-v2-{language}.csv"'
        header, *rows = list(csv.reader(io.StringIO(response.text)))
        assert header == [labels.field_label(column, language) for column in CSV_COLUMNS]
        assert len(set(header)) == len(header)
        expected = await graphql_list(gql, as_of=later, language=language.upper())
        assert len(rows) == len(expected) == 19
        for row, entry in zip(rows, expected, strict=True):
            assert row == [csv_cell(entry[name]) for name in FIELDS.split()] + [
                "2", shown["effectiveAt"], version.content_hash]
    hetzner = next(row for row in rows if row[0] == "hetzner")
    assert hetzner[7:11] == ["DE; FI", "EEA", "false", "Hosting"] and hetzner[12] == "Germany; Finland"


async def test_a_cell_a_spreadsheet_would_run_as_a_formula_stays_text(seeded, client, gql):
    await publish(seeded, note="Et navn med et lighedstegn.",
                  add=[HETZNER | {"name": "=HYPERLINK(\"https://evil.example\")", "legal_entity": "-1+2"}])
    later = (utcnow() + timedelta(days=60)).isoformat()

    rows = list(csv.reader(io.StringIO((await client.get("/subprocessors.csv", params={"asOf": later})).text)))

    hetzner = next(row for row in rows if row[0] == "hetzner")
    assert hetzner[1] == "'=HYPERLINK(\"https://evil.example\")" and hetzner[2] == "'-1+2"
    assert (await client.get("/subprocessors.json", params={"asOf": later})).json()["subprocessors"] == \
        await graphql_list(gql, as_of=later)


async def test_bad_parameters_get_a_clear_400_naming_the_parameter(seeded, client):
    cases = [({"asOf": "next tuesday"}, "asOf", "time zone offset"),
             ({"asOf": "2026-01-01T00:00:00"}, "asOf", "offset"),
             ({"asOf": "2026-01-01T00:00:00 01:00"}, "asOf", "%2B"),  # a + left unencoded reads as a space
             ({"asOf": "0001-01-01T00:00:00Z"}, "asOf", "between"),
             ({"lang": "fr"}, "lang", "da, en"), ({"lang": "EN"}, "lang", "da, en"),
             ({"service": "Bogføring"}, "service", "names the service 'Bogføring'"),
             ({"service": " "}, "service", "1 to"), ({"service": "x" * 101}, "service", "1 to 100"),
             ({"service": "a\x00"}, "service", "control"),
             ({"asof": "2026-01-01T00:00:00Z"}, "asof", "asOf, lang and service"),
             ([("lang", "da"), ("lang", "en")], "lang", "once")]
    for params, parameter, words in cases:
        response = await client.get("/subprocessors.json", params=params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["parameter"] == parameter and words in error["message"], (params, error)

        as_csv = await client.get("/subprocessors.csv", params=params)
        assert as_csv.status_code == 400 and as_csv.text.startswith(f"{parameter}: ") and words in as_csv.text


async def test_answers_revalidate_by_etag_and_are_kept_no_longer_than_until_the_next_version(seeded, db, settings):
    version, _ = await two_versions(seeded)
    app = create_app(settings.model_copy(update={"http_max_age": 10**9}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        for path in ("/subprocessors.json", "/subprocessors.csv?lang=en", "/subprocessors/versions/2.json"):
            first = await http.get(path)
            again = await http.get(path, headers={"If-None-Match": first.headers["etag"]})

            assert first.status_code == 200 and again.status_code == 304 and again.content == b""
            assert again.headers["etag"] == first.headers["etag"]
            max_age = int(first.headers["cache-control"].removeprefix("public, max-age="))
            assert 0 < max_age <= (version.effective_at - utcnow()).total_seconds()
        other = await http.get("/subprocessors.json?lang=en", headers={"If-None-Match": first.headers["etag"]})
    assert other.status_code == 200


async def test_a_version_json_is_the_graphql_version_plus_the_exact_bytes_its_hash_covers(seeded, client, gql):
    await two_versions(seeded)

    for number in (1, 2):
        document = (await client.get(f"/subprocessors/versions/{number}.json")).json()
        canonical = document.pop("canonicalContent").encode("utf-8")

        assert document.pop("hashAlgorithm") == "SHA-256"
        assert document == await graphql_version(gql, number)
        assert hashlib.sha256(canonical).hexdigest() == document["contentHash"]
        content = json.loads(canonical)
        assert content["number"] == number and content["previous_hash"] == document["previousHash"]
        assert content["note"] == document["note"]
        assert datetime.fromisoformat(content["effective_at"]) == datetime.fromisoformat(document["effectiveAt"])
    assert [entry["slug"] for entry in content["entries"]] == sorted(entry["slug"] for entry in content["entries"])
    assert (await client.get("/subprocessors/versions/3.json")).status_code == 404
    assert (await client.get("/subprocessors/versions/99999999999.json")).status_code == 404
    assert (await client.get("/subprocessors/versions/1.json?lang=en")).status_code == 400


async def test_a_repeated_read_of_the_list_or_a_version_sends_no_sql(seeded, db, client):
    _, later = await two_versions(seeded)
    paths = ["/subprocessors.json", f"/subprocessors.csv?asOf={later.replace('+', '%2B')}&lang=en",
             "/subprocessors/versions/2.json"]
    for _ in range(2):  # the first read after the timeline is loaded asks the database (schema/published.py)
        for path in paths:
            assert (await client.get(path)).status_code == 200

    for path in paths:
        with counting(db) as statements:
            assert (await client.get(path)).status_code == 200
        assert statements == [], path
