"""Text with characters XML cannot carry is refused at every door, and old text holding them breaks nothing.

A NUL in a published name used to make /feed.atom malformed XML for good (versions are immutable), and
crashed PostgreSQL, which cannot store it, with "Unexpected error.".
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import func
from sqlmodel import select

from registry.models import load_all
from registry.objections.links import objection_link_token
from registry.versions.diff import diff_entries, is_material
from registry.versions.hashing import content_hash
from registry.versions.models import RegistryVersion
from tests.conftest import notified_customer
from tests.support.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, REMOVE_DRAFT, SAVE_DRAFT

ROOT = Path(__file__).parents[1]
DRAFT = "{ draft { subprocessors { slug name purpose } } }"
CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id } userErrors { field message code } } }"""
SUBSCRIBE = """mutation($input: SubscribeInput!) { subscribe(input: $input) { ok userErrors { field message code } } }"""
FILE_OBJECTION = """mutation($input: FileObjectionInput!) {
  fileObjection(input: $input) { objection { id } userErrors { field message code } } }"""


async def _rows(db) -> dict[str, int]:
    """How many rows every table holds: a refused request must not change one of them."""
    async with db.session() as session:
        return {table.name: (await session.exec(select(func.count()).select_from(table))).one()
                for table in load_all().sorted_tables}


async def _post(client, query: str, variables: dict, token: str | None = None):
    # json.dumps writes a lone surrogate as the escape "\ud800", as a browser's JSON.stringify does.
    headers = {"content-type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    return await client.post("/graphql", content=json.dumps({"query": query, "variables": variables}),
                             headers=headers)


@pytest.fixture
async def objection_link(seeded, gql, admin_token, settings) -> str:
    customer = await notified_customer(seeded, gql, admin_token, "Kunde A")
    return objection_link_token(secret_key=settings.secret_key, customer_id=customer, version_number=2)


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\ud800", "\uffff"], ids=["NUL", "ESC", "lone-surrogate", "FFFF"])
@pytest.mark.parametrize(("mutation", "payload", "variables", "field"), [
    (SAVE_DRAFT, "saveSubprocessorDraft", lambda bad: {"input": {**NEW_SUBPROCESSOR, "name": f"Mail{bad}gun"}},
     "name"),
    (SAVE_DRAFT, "saveSubprocessorDraft", lambda bad: {"input": {**NEW_SUBPROCESSOR, "purposeEn": f"Mail{bad}"}},
     "purposeEn"),
    (SAVE_DRAFT, "saveSubprocessorDraft", lambda bad: {"input": {**NEW_SUBPROCESSOR, "countries": ["DK", bad]}},
     "countries.1"),
    (PUBLISH, "publishVersion", lambda bad: {"input": {"note": f"Mailgun{bad}"}}, "note"),
    (CREATE_CUSTOMER, "createCustomer", lambda bad: {"input": {"name": f"Kunde{bad} ApS"}}, "name"),
    (CREATE_CUSTOMER, "createCustomer",
     lambda bad: {"input": {"name": "Kunde ApS", "contacts": [{"email": f"dpo{bad}@kunde.dk"}]}}, "contacts.0.email"),
    (REMOVE_DRAFT, "removeSubprocessorDraft", lambda bad: {"slug": f"dropbox{bad}"}, "slug"),
    (SUBSCRIBE, "subscribe", lambda bad: {"input": {"email": f"anne{bad}@example.dk"}}, "email"),
])
async def test_a_mutation_with_such_a_character_answers_invalid_on_the_field_and_writes_nothing(
        seeded, client, gql, admin_token, mutation, payload, variables, field, bad):
    # Given a draft that could be published
    await gql(SAVE_DRAFT, {"input": {**NEW_SUBPROCESSOR, "slug": "other", "name": "Other"}}, token=admin_token)
    before = await _rows(seeded), await gql(DRAFT, token=admin_token)

    # When an admin sends text holding the character
    response = await _post(client, mutation, variables(bad), admin_token)

    # Then the payload says INVALID on that field, and nothing was written
    assert response.status_code == 200
    answer = response.json()["data"][payload]
    assert [(e["field"], e["code"]) for e in answer["userErrors"]] == [(field, "INVALID")]
    assert "U+" in answer["userErrors"][0]["message"]
    assert (await _rows(seeded), await gql(DRAFT, token=admin_token)) == before


async def test_an_objection_reason_with_a_nul_is_invalid_and_files_nothing(objection_link, client, seeded):
    before = await _rows(seeded)

    response = await _post(client, FILE_OBJECTION, {"input": {"token": objection_link, "reason": "Nej\x00"}})

    answer = response.json()["data"]["fileObjection"]
    assert response.status_code == 200 and answer["objection"] is None
    assert [(e["field"], e["code"]) for e in answer["userErrors"]] == [("reason", "INVALID")]
    assert await _rows(seeded) == before


async def test_a_query_argument_with_a_nul_gets_a_top_level_invalid_error_naming_it(seeded, client, admin_token):
    response = await _post(client, "query($action: String) { auditLog(action: $action) { edges { node { action } } } }",
                           {"action": "publishVersion\x00"}, admin_token)

    [error] = response.json()["errors"]
    assert response.status_code == 200 and error["message"] != "Unexpected error."
    assert error["extensions"] == {"code": "INVALID", "field": "action"}


async def test_an_escape_in_a_string_literal_of_the_query_is_caught_the_same_way(seeded, client, admin_token):
    before = await _rows(seeded)

    response = await _post(client, 'mutation { removeSubprocessorDraft(slug: "dropbox\\u0000") '
                                   "{ subprocessor { slug } userErrors { field code } } }", {}, admin_token)

    assert response.json()["data"]["removeSubprocessorDraft"] == {
        "subprocessor": None, "userErrors": [{"field": "slug", "code": "INVALID"}]}
    assert await _rows(seeded) == before


async def test_a_stranger_still_gets_forbidden_not_a_verdict_on_the_text(seeded, client):
    response = await _post(client, REMOVE_DRAFT, {"slug": "dropbox\x00"})

    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_tab_and_line_breaks_are_still_accepted(seeded, gql, admin_token):
    purpose = "Sending e-mail:\n\tnewsletters\r\n\treceipts"

    saved = await gql(SAVE_DRAFT, {"input": {**NEW_SUBPROCESSOR, "purposeEn": purpose}}, token=admin_token)
    published = await gql(PUBLISH, {"input": {"note": "Mailgun\n\tadded"}}, token=admin_token)

    assert saved["data"]["saveSubprocessorDraft"]["userErrors"] == []
    assert published["data"]["publishVersion"]["version"]["note"] == "Mailgun\n\tadded"
    listed = await gql('{ subprocessor(slug: "mailgun", asOf: "2100-01-01T00:00:00Z", language: EN) { purpose } }')
    assert listed["data"]["subprocessor"]["purpose"] == purpose


async def test_the_objection_form_refuses_a_nul_and_keeps_the_form(objection_link, client, seeded):
    before = await _rows(seeded)

    response = await client.post("/objections/new", data={"token": objection_link, "reason": "Nej\x00tak",
                                                           "lang": "en"})

    assert response.status_code == 422 and 'role="alert"' in response.text
    assert "reason contains U+0000" in response.text and "<textarea" in response.text
    assert "\x00" not in response.text  # the reason is shown back without it
    assert await _rows(seeded) == before


async def test_the_subscribe_form_refuses_a_control_character(seeded, client):
    page = (await client.get("/subprocessors?lang=en")).text
    token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
    before = await _rows(seeded)

    response = await client.post("/subscribe", data={"token": token, "lang": "en", "email": "anne\x1b@example.dk"})

    assert response.status_code == 422 and "email contains U+001B" in response.text
    assert await _rows(seeded) == before


async def test_the_csv_import_rejects_a_row_with_a_control_character_and_imports_the_rest(db, settings, tmp_path):
    path = tmp_path / "subscribers.csv"
    path.write_text("email,language,consented_at,consent_source\n"
                    "anne@example.dk,da,2025-03-01T10:00:00+01:00,Mailchimp\n"
                    "bo@example.dk,da,2025-03-01T10:00:00+01:00,Mail\x00chimp\n", encoding="utf-8")

    result = subprocess.run([sys.executable, "-m", "registry", "subscribers", "import", str(path)], cwd=ROOT,
                            env={**os.environ, "REGISTRY_DATABASE_URL": settings.database_url},
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 1, result.stderr
    assert "imported 1, already subscribed 0, rejected 1" in result.stdout
    assert "line 3: consent_source contains U+0000" in result.stdout
    assert (await _rows(db))["subscription"] == 1


async def _publish_unchecked(db, *, name: str, note: str) -> None:
    """Version 2 adding an entry named `name`, written straight to the database as text stored before the check."""
    async with db.transaction() as session:
        previous = await session.get(RegistryVersion, 1)
        entries = sorted([*previous.entries, {**previous.entries[0], "slug": "nul-gmbh", "name": name}],
                         key=lambda entry: entry["slug"])
        changes = diff_entries(previous.entries, entries)
        published, effective = previous.published_at.replace(year=previous.published_at.year + 1), \
            previous.published_at.replace(year=previous.published_at.year + 2)
        session.add(RegistryVersion(
            number=2, published_at=published, effective_at=effective, note=note, published_by="old code",
            entries=entries, changes=[c.as_json() for c in changes], material=is_material(changes),
            previous_hash=previous.content_hash,
            content_hash=content_hash(number=2, previous_hash=previous.content_hash, published_at=published,
                                      effective_at=effective, note=note, entries=entries)))


async def test_old_text_with_a_nul_leaves_the_feed_well_formed_and_the_page_whole(seeded, client):
    # Given a version published before the check, its new entry's name holding a NUL (PostgreSQL keeps it
    # escaped in the JSON of the entries) and its note an escape character
    await _publish_unchecked(seeded, name="Nul\x00 GmbH", note="Tilføjer\x1b Nul GmbH")

    feed = await client.get("/feed.atom")
    page = await client.get("/subprocessors?lang=en")

    # Then the feed is well-formed XML carrying the text without those characters, and the page renders it
    assert feed.status_code == 200
    summaries = [e.text for e in ElementTree.fromstring(feed.content).iter("{http://www.w3.org/2005/Atom}summary")]
    assert "Tilføjet: Nul GmbH" in summaries[0] and summaries[0].startswith("Tilføjer Nul GmbH")
    assert page.status_code == 200 and "Nul GmbH" in page.text and "\x00" not in page.text


async def test_verify_names_the_version_and_the_field_holding_such_text(seeded, database_url):
    await _publish_unchecked(seeded, name="Nul\x00 GmbH", note="Tilføjer\x1b Nul GmbH")

    result = subprocess.run([sys.executable, "-m", "registry", "verify"], capture_output=True, text=True,
                            env={**os.environ, "REGISTRY_DATABASE_URL": database_url}, timeout=60)

    assert result.returncode == 1
    assert "hash chain intact: 2 version(s) checked" in result.stdout
    assert "stored text: 2 value(s) with characters XML cannot carry" in result.stdout
    assert "version 2: note holds U+001B" in result.stderr
    assert "version 2: entry 'nul-gmbh' name holds U+0000" in result.stderr



def test_every_field_taking_text_is_guarded():
    # A field added later with a String argument anywhere in the schema must not slip past the check.
    from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type

    from schema.settings import AppSettings
    from schema.schema import build_schema
    from schema.text_arguments import TextArguments

    def takes_text(graphql_type, seen=()) -> bool:
        named = get_named_type(graphql_type)
        if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
            return any(takes_text(f.type, (*seen, named.name)) for f in named.fields.values())
        return named.name == "String"

    schema = build_schema(AppSettings())._schema
    taking_text = [(type_.name, name, field) for type_ in schema.type_map.values()
                   if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
                   for name, field in type_.fields.items() if any(takes_text(a.type) for a in field.args.values())]

    assert len(taking_text) > 10
    unguarded = [(owner, name) for owner, name, field in taking_text
                 if not any(isinstance(e, TextArguments) for e in field.extensions["strawberry-definition"].extensions)]
    assert unguarded == []
