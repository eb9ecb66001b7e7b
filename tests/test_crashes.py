"""Input that used to crash the server ("Unexpected error." and a traceback) gets a clear error and changes nothing."""

import base64

import pytest

from notifications.subscriptions.tokens import TokenPurpose, make_token
from registry.auth.links import LinkPurpose, make_link_token
from tests.conftest import make_customer
from tests.support.graphql_documents import AUDIT, NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT
from tests.support.app_process import run

ME = "{ me { customer { id name } } }"
CREATE_AGREEMENT = """mutation($input: CreateAgreementInput!) { createAgreement(input: $input) {
  agreement { id } userErrors { field code message } } }"""


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


async def _written(gql, admin_token) -> tuple:
    """Everything an admin can see that a write would change."""
    return ((await gql(AUDIT, token=admin_token))["data"],
            (await gql("{ registryVersions { totalCount } customers { edges { node { agreements { id } } } } }",
                       token=admin_token))["data"])


@pytest.mark.parametrize(("query", "message"), [
    (f'{{ registryVersions(after: "{_cursor("version:2147483648")}") {{ totalCount }} }}', "Malformed cursor"),
    (f'{{ registryVersions(after: "{_cursor("version:99999999999999999999")}") {{ totalCount }} }}',
     "Malformed cursor"),
    (f'{{ registryVersions(after: "{_cursor("version:0")}") {{ totalCount }} }}', "Malformed cursor"),
    ("{ registryVersions(first: -1) { totalCount } }", "first"),
])
async def test_out_of_range_arguments_get_bad_user_input(seeded, gql, query, message):
    result = await gql(query)

    assert all(answer is None for answer in (result["data"] or {}).values())
    error = result["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert message in error["message"]


@pytest.mark.parametrize(("query", "code", "field"), [
    ('{ subprocessors(asOf: "9999-12-31T23:59:59-00:01") { slug } }', "INVALID", "asOf"),
    ('{ subprocessors(asOf: "0001-01-01T00:00:00+00:01") { slug } }', "INVALID", "asOf"),
    ('{ subprocessor(slug: "dropbox", asOf: "9999-12-31T23:59:59-00:01") { slug } }', "INVALID", "asOf"),
    ('{ subprocessors(asOf: "9999-12-31T23:59:59Z") { slug } }', "INVALID", "asOf"),
    ("{ registryDiff(fromVersion: -1, toVersion: 1) { changes { kind } } }", "NOT_FOUND", "fromVersion"),
    ("{ registryDiff(fromVersion: 1, toVersion: 2147483647) { changes { kind } } }", "NOT_FOUND", "toVersion"),
])
async def test_a_query_argument_the_registry_refuses_gets_its_code_and_field(seeded, gql, query, code, field):
    # Given the seeded list, when a query asks for an instant or a version the registry refuses
    result = await gql(query)

    # Then the answer is no data and one error naming the argument with the registry's own code
    assert all(answer is None for answer in (result["data"] or {}).values())
    [error] = result["errors"]
    assert error["extensions"] == {"code": code, "field": field}, error
    assert error["message"] != "Unexpected error."


@pytest.mark.parametrize("query", [
    '{ auditLog(after: "CURSOR") { edges { cursor } } }',
    '{ versionAudience(number: 1, after: "CURSOR") { edges { cursor } } }',
    '{ noticeReport(versionNumber: 1) { recipients(after: "CURSOR") { edges { cursor } } } }',
])
@pytest.mark.parametrize("cursor", [_cursor("version:1"), _cursor("audit:0"), "not a cursor", _cursor("audit:-1")])
async def test_an_admin_list_refuses_a_cursor_it_did_not_hand_out_naming_the_argument(seeded, gql, admin_token,
                                                                                      query, cursor):
    result = await gql(query.replace("CURSOR", cursor), token=admin_token)

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "Malformed cursor in after" in error["message"]


# GraphQL's Int is 32-bit signed, as PostgreSQL's INTEGER: an Int argument needs no range check of
# its own, only numbers decoded from strings (cursors, signed links) do. These two tests guard that.
@pytest.mark.parametrize("query", [
    "{ registryVersion(number: 2147483648) { number } }",
    "{ registryDiff(fromVersion: 1, toVersion: 2147483648) { changes { kind } } }",
    "{ registryVersions(first: 2147483648) { totalCount } }",
])
async def test_integers_beyond_32_bits_are_refused_by_graphql_itself(seeded, gql, query):
    result = await gql(query)

    assert "32-bit" in result["errors"][0]["message"]


@pytest.mark.parametrize("number", [-1, 0, 2147483647])
async def test_a_version_number_that_cannot_exist_is_simply_not_found(seeded, gql, number):
    result = await gql("query($n: Int!) { registryVersion(number: $n) { number } }", {"n": number})

    assert result == {"data": {"registryVersion": None}}


async def test_an_instant_far_ahead_still_reads_the_list(seeded, gql):
    result = await gql('{ subprocessors(asOf: "9000-12-31T23:59:59+14:00") { slug } }')

    assert len(result["data"]["subprocessors"]) == 17


@pytest.mark.parametrize("effective_at", ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59-00:01",
                                          "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01"])
async def test_publishing_for_year_9999_or_0001_is_refused_on_the_field(seeded, gql, admin_token, effective_at):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    before = await _written(gql, admin_token)

    result = await gql(PUBLISH, {"input": {"note": "n", "effectiveAt": effective_at}}, token=admin_token)

    payload = result["data"]["publishVersion"]
    assert payload["version"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("effectiveAt", "INVALID")]
    assert await _written(gql, admin_token) == before


@pytest.mark.parametrize("accepted_at", ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59-00:01",
                                         "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01"])
async def test_an_agreement_accepted_in_year_9999_or_0001_is_refused_on_the_field(seeded, gql, admin_token,
                                                                                  accepted_at):
    customer = await make_customer(seeded, "Kunde A")
    before = await _written(gql, admin_token)

    result = await gql(CREATE_AGREEMENT, {"input": {"customerId": customer, "templateVersion": 1,
                                                    "acceptedAt": accepted_at}}, token=admin_token)

    payload = result["data"]["createAgreement"]
    assert payload["agreement"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("acceptedAt", "INVALID")]
    assert "between 0001-01-02 and 9989-01-01" in payload["userErrors"][0]["message"]
    assert await _written(gql, admin_token) == before


@pytest.mark.parametrize("customer", [987654, "x", [1], True, 2**31, 2**70, None, -1])
async def test_a_signed_customer_token_naming_no_real_customer_is_forbidden(seeded, gql, settings, customer):
    await make_customer(seeded, "Kunde A")
    token = make_link_token(secret_key=settings.secret_key, purpose=LinkPurpose.CUSTOMER_ACCESS,
                            payload={"c": customer, "e": "dpo@kunde-a.dk"})

    result = await gql(ME, token=token)

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert result["errors"][0]["message"] != "Unexpected error."


async def test_a_signed_customer_token_that_is_not_a_mapping_is_forbidden(seeded, gql, settings):
    token = make_link_token(secret_key=settings.secret_key, purpose=LinkPurpose.CUSTOMER_ACCESS, payload=[1, 2])

    result = await gql(ME, token=token)

    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("number", [2**31, 2**70, True, -1])
async def test_a_signed_object_link_holding_an_impossible_number_shows_the_invalid_link_page(seeded, client, settings,
                                                                                             number):
    await make_customer(seeded, "Kunde A")
    for payload in ({"c": number, "v": 1}, {"c": 1, "v": number}):
        token = make_link_token(secret_key=settings.secret_key, purpose=LinkPurpose.OBJECTION, payload=payload)

        page = await client.get("/objections/new", params={"token": token, "lang": "en"})
        filed = await client.post("/objections/new", data={"token": token, "reason": "r", "lang": "en"},
                                  headers={"Origin": "https://registry.example.test"})

        assert (page.status_code, filed.status_code) == (400, 400)
        assert "This link does not work" in page.text and "This link does not work" in filed.text


@pytest.mark.parametrize("number", [2**31, 2**70, True])
async def test_a_signed_unsubscribe_token_holding_an_impossible_number_is_an_invalid_link(seeded, gql, settings,
                                                                                          number):
    token = make_token(secret_key=settings.secret_key, purpose=TokenPurpose.UNSUBSCRIBE, subscription_id=number)

    result = await gql("mutation($t: String!) { unsubscribe(token: $t) { ok userErrors { code } } }", {"t": token})

    assert result["data"]["unsubscribe"] == {"ok": False, "userErrors": [{"code": "INVALID"}]}


@pytest.mark.parametrize("customer", ["987654", "2147483648", "-1"])
def test_a_customer_token_for_a_customer_that_does_not_exist_is_not_created(db, database_url, customer):
    result = run("token", "create", "--role", "customer", "--customer", customer, "--name", "portal",
                 database_url=database_url)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: No such customer.\n"
