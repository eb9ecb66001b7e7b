"""Bad input gets a clear error naming the field, and changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.graphql_documents import (
    AUDIT,
    NEW_SUBPROCESSOR,
    PUBLISH,
    SAVE_DRAFT,
    WITHDRAW,
)

DRAFT = "{ draft { subprocessors { slug name countries } } }"


async def _state(gql, token):
    return (await gql(DRAFT, token=token))["data"], (await gql(AUDIT, token=token))["data"], \
        (await gql("{ registryVersions { totalCount } }"))["data"]


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"countries": ["DK", "XX"]}, "countries", "INVALID"),
    ({"countries": ["Denmark"]}, "countries", "INVALID"),
    ({"name": "   "}, "name", "REQUIRED"),
    ({"name": "x" * 201}, "name", "TOO_LONG"),
    ({"purposeDa": ""}, "purposeDa", "REQUIRED"),
    ({"slug": "Not A Slug"}, "slug", "INVALID"),
    ({"website": "javascript:alert(1)"}, "website", "INVALID"),
    ({"name": "dropbox"}, "name", "DUPLICATE"),
    ({"slug": "e-conomic", "previousSlug": "webcrm"}, "slug", "DUPLICATE"),
    ({"previousSlug": "no-such-thing"}, "previousSlug", "NOT_FOUND"),
])
async def test_invalid_draft_entry_is_refused_and_nothing_is_written(seeded, gql, admin_token, change, field, code):
    before = await _state(gql, admin_token)

    result = await gql(SAVE_DRAFT, {"input": {**NEW_SUBPROCESSOR, **change}}, token=admin_token)

    payload = result["data"]["saveSubprocessorDraft"]
    assert payload["subprocessor"] is None
    assert (payload["userErrors"][0]["field"], payload["userErrors"][0]["code"]) == (field, code)
    assert payload["userErrors"][0]["message"]
    assert await _state(gql, admin_token) == before


@pytest.mark.parametrize(("publish_input", "field", "code"), [
    ({"note": "n", "noticeDays": 5}, "noticeDays", "NOTICE_TOO_SHORT"),
    ({"note": "n", "noticeDays": 100000}, "noticeDays", "INVALID"),
    ({"note": "n", "effectiveAt": "EARLY"}, "effectiveAt", "NOTICE_TOO_SHORT"),
    ({"note": "n", "noticeDays": 30, "effectiveAt": "LATE"}, "noticeDays", "INVALID"),
    ({"note": "n", "effectiveAt": "DECADE_AHEAD"}, "effectiveAt", "INVALID"),
    ({"note": "  "}, "note", "REQUIRED"),
    ({"note": "n" * 2001}, "note", "TOO_LONG"),
])
async def test_publishing_with_bad_notice_or_note_is_refused(seeded, gql, admin_token, publish_input, field, code):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    moments = {"EARLY": datetime.now(UTC) + timedelta(days=29), "LATE": datetime.now(UTC) + timedelta(days=60),
               "DECADE_AHEAD": datetime.now(UTC) + timedelta(days=3652)}
    if publish_input.get("effectiveAt") in moments:
        publish_input = {**publish_input, "effectiveAt": moments[publish_input["effectiveAt"]].isoformat()}
    before = await _state(gql, admin_token)

    result = await gql(PUBLISH, {"input": publish_input}, token=admin_token)

    payload = result["data"]["publishVersion"]
    assert payload["version"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await _state(gql, admin_token) == before


async def test_publishing_an_unchanged_draft_is_refused(seeded, gql, admin_token):
    result = await gql(PUBLISH, {"input": {"note": "nothing new"}}, token=admin_token)

    assert result["data"]["publishVersion"]["userErrors"][0]["code"] == "NO_CHANGES"
    assert (await gql("{ registryVersions { totalCount } }"))["data"]["registryVersions"]["totalCount"] == 1


async def test_withdrawing_an_effective_or_unknown_version_is_refused(seeded, gql, admin_token):
    effective = await gql(WITHDRAW, {"number": 1, "reason": "oops"}, token=admin_token)
    unknown = await gql(WITHDRAW, {"number": 99, "reason": "oops"}, token=admin_token)

    assert effective["data"]["withdrawVersion"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert unknown["data"]["withdrawVersion"]["userErrors"][0]["code"] == "NOT_FOUND"
    version = await gql("{ registryVersion(number: 1) { status } }")
    assert version["data"]["registryVersion"]["status"] == "EFFECTIVE"


async def test_a_version_with_a_later_one_on_top_cannot_be_withdrawn(seeded, gql, admin_token):
    for slug in ("first-new", "second-new"):
        await gql(SAVE_DRAFT, {"input": {**NEW_SUBPROCESSOR, "slug": slug, "name": slug}}, token=admin_token)
        await gql(PUBLISH, {"input": {"note": slug}}, token=admin_token)

    result = await gql(WITHDRAW, {"number": 2, "reason": "r"}, token=admin_token)

    assert result["data"]["withdrawVersion"]["userErrors"][0]["code"] == "INVALID_STATE"


@pytest.mark.parametrize("query", [
    '{ registryVersions(after: "not-a-cursor") { totalCount } }',
    '{ registryVersions(after: "dmVyc2lvbjp4") { totalCount } }',
    "{ registryVersions(first: 0) { totalCount } }",
    "{ registryVersions(first: 101) { totalCount } }",
    "{ registryDiff(fromVersion: 1, toVersion: 7) { changes { kind } } }",
    '{ subprocessors(asOf: "2026-01-01T00:00:00") { slug } }',
    '{ subprocessors(asOf: "yesterday") { slug } }',
])
async def test_malformed_arguments_get_a_clear_top_level_error(seeded, gql, query):
    result = await gql(query)

    assert result["errors"] and result["errors"][0]["message"] != "Unexpected error."
