"""Every customer operation against every caller: anonymous, customer A, customer B and an admin."""

from datetime import timedelta

import pytest

from registry.auth.models import Role
from registry.auth.service import customer_access_token
from registry.customers import service as customers
from registry.db import utcnow
from registry.objections.links import objection_link_token
from tests.conftest import make_customer, make_token
from tests.support.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT, nodes
from tests.support.tokens import forged

ME = """{ me { customer { id name } authorisedVersion authorisedSubprocessors { slug }
  pendingChanges { version { number status } deadline notifiedAt canObject changes { kind slug } objection { id } }
  notices { versionNumber messageId } objections { id customerId versionNumber status } } }"""
FILE = """mutation($input: FileObjectionInput!) { fileObjection(input: $input) {
  objection { id customerId versionNumber status } userErrors { field code message } } }"""
WITHDRAW = "mutation($id: Int!) { withdrawObjection(id: $id) { objection { status } userErrors { code } } }"
ADMIN_ONLY = {
    "createCustomer": ('mutation { createCustomer(input: {name: "Kunde C", cvr: "22756214"}) '
                       "{ customer { id } userErrors { code } } }"),
    "createAgreement": ("mutation { createAgreement(input: {customerId: 1, templateVersion: 1}) "
                        "{ agreement { id } userErrors { code } } }"),
    "terminateAgreement": "mutation { terminateAgreement(id: 1, choice: DELETE) { agreement { id } } }",
    "documentDeletion": 'mutation { documentDeletion(id: 1, documentation: "x") { agreement { id } } }',
    "acknowledgeObjection": "mutation { acknowledgeObjection(id: 1) { objection { id } } }",
    "resolveObjection": ('mutation { resolveObjection(input: {id: 1, outcome: REJECTED, note: "n"}) '
                         "{ objection { id } } }"),
    "customers": "{ customers { edges { node { id name } } } }",
    "objections": "{ objections { edges { node { id } } } }",
    "versionAudience": "{ versionAudience(number: 2) { edges { node { customer { id } } } } }",
}


@pytest.fixture
async def world(seeded, gql, admin_token):
    """Customers A and B, each with a token; version 2 adds a sub-processor; both were notified."""
    a = await make_customer(seeded, "Kunde A", contacts=[("dpo@kunde-a.dk", "da")])
    b = await make_customer(seeded, "Kunde B", contacts=[("dpo@kunde-b.dk", "en")])
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Mailgun"}}, token=admin_token)
    async with seeded.transaction() as session:
        for customer_id in (a, b):
            await customers.record_notice(session=session, customer_id=customer_id, version_number=2,
                                          sent_at=utcnow(), message_id=f"<v2.c{customer_id}@registry>",
                                          recipient="dpo@kunde.dk")
    return {"a": a, "b": b, "admin": admin_token,
            "token_a": await make_token(seeded, Role.CUSTOMER, "a-portal", a),
            "token_b": await make_token(seeded, Role.CUSTOMER, "b-portal", b)}


@pytest.mark.parametrize("operation", sorted(ADMIN_ONLY))
@pytest.mark.parametrize("caller", ["anonymous", "customer-a", "customer-b"])
async def test_admin_operations_refuse_customers_and_strangers(world, gql, operation, caller):
    token = {"anonymous": None, "customer-a": world["token_a"], "customer-b": world["token_b"]}[caller]

    result = await gql(ADMIN_ONLY[operation], token=token)

    assert result["data"] is None and result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("operation", sorted(ADMIN_ONLY))
async def test_admin_operations_work_for_admins(world, gql, operation):
    result = await gql(ADMIN_ONLY[operation], token=world["admin"])

    assert "errors" not in result, result


@pytest.mark.parametrize("caller", ["anonymous", "admin"])
async def test_me_is_for_customers_only(world, gql, caller):
    result = await gql(ME, token=world.get(caller))

    assert result["data"] is None and result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_each_customer_sees_only_their_own_notices_and_objections(world, gql):
    await gql(FILE, {"input": {"reason": "No US transfers", "versionNumber": 2}}, token=world["token_a"])

    me_a = (await gql(ME, token=world["token_a"]))["data"]["me"]
    me_b = (await gql(ME, token=world["token_b"]))["data"]["me"]

    assert me_a["customer"]["name"] == "Kunde A" and me_b["customer"]["name"] == "Kunde B"
    assert [n["messageId"] for n in me_a["notices"]] == [f"<v2.c{world['a']}@registry>"]
    assert [n["messageId"] for n in me_b["notices"]] == [f"<v2.c{world['b']}@registry>"]
    assert [o["customerId"] for o in me_a["objections"]] == [world["a"]] and me_b["objections"] == []
    pending = me_a["pendingChanges"][0]
    assert pending["version"] == {"number": 2, "status": "PENDING"} and pending["canObject"]
    assert pending["changes"] == [{"kind": "ADDED", "slug": "mailgun"}] and pending["objection"]
    assert me_a["authorisedVersion"] == 1 and len(me_a["authorisedSubprocessors"]) == 17


async def test_a_customer_cannot_withdraw_another_customers_objection(world, gql):
    filed = await gql(FILE, {"input": {"reason": "No", "versionNumber": 2}}, token=world["token_a"])
    objection_id = filed["data"]["fileObjection"]["objection"]["id"]

    by_b = await gql(WITHDRAW, {"id": objection_id}, token=world["token_b"])
    missing = await gql(WITHDRAW, {"id": objection_id + 1000}, token=world["token_b"])
    by_admin = await gql(WITHDRAW, {"id": objection_id}, token=world["admin"])
    by_anonymous = await gql(WITHDRAW, {"id": objection_id})
    by_a = await gql(WITHDRAW, {"id": objection_id}, token=world["token_a"])

    # Someone else's objection looks exactly like one that does not exist.
    assert by_b["data"]["withdrawObjection"] == missing["data"]["withdrawObjection"] == {
        "objection": None, "userErrors": [{"code": "NOT_FOUND"}]}
    assert by_admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_a["data"]["withdrawObjection"]["objection"]["status"] == "WITHDRAWN"


async def test_object_link_files_for_the_customer_it_was_sent_to(world, gql, settings):
    token = objection_link_token(secret_key=settings.secret_key, customer_id=world["b"], version_number=2)

    result = await gql(FILE, {"input": {"reason": "Vi gør indsigelse", "token": token}})
    tampered = await gql(FILE, {"input": {"reason": "x", "token": forged(token)}})

    objection = result["data"]["fileObjection"]["objection"]
    assert (objection["customerId"], objection["versionNumber"]) == (world["b"], 2)
    assert tampered["data"]["fileObjection"]["userErrors"][0]["code"] == "INVALID"


async def test_filing_needs_a_link_or_a_customer_token(world, gql):
    anonymous = await gql(FILE, {"input": {"reason": "x", "versionNumber": 2}})
    admin = await gql(FILE, {"input": {"reason": "x", "versionNumber": 2}}, token=world["admin"])

    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_repeat_objection_is_reported_and_not_stored_twice(world, gql):
    first = await gql(FILE, {"input": {"reason": "No", "versionNumber": 2}}, token=world["token_a"])
    again = await gql(FILE, {"input": {"reason": "Still no", "versionNumber": 2}}, token=world["token_a"])

    assert again["data"]["fileObjection"]["objection"]["id"] == first["data"]["fileObjection"]["objection"]["id"]
    assert again["data"]["fileObjection"]["userErrors"][0]["code"] == "DUPLICATE"
    listed = await gql("{ objections(versionNumber: 2) { edges { node { id reason } } } }", token=world["admin"])
    assert [o["reason"] for o in nodes(listed["data"]["objections"])] == ["No"]


async def test_magic_link_access_token_opens_the_customers_own_view(world, gql, settings):
    token = customer_access_token(secret_key=settings.secret_key, customer_id=world["b"], email="dpo@kunde-b.dk")

    result = await gql(ME, token=token)

    assert result["data"]["me"]["customer"]["name"] == "Kunde B"


async def test_version_audience_shows_who_holds_the_change_back(world, gql):
    await gql(FILE, {"input": {"reason": "No", "versionNumber": 2}}, token=world["token_a"])
    c = await make_customer_without_notice(world, gql)

    result = await gql("{ versionAudience(number: 2) { edges { node { customer { name } notifiedAt deadline "
                       "holdsBack objection { status } } } } }", token=world["admin"])

    rows = {r["customer"]["name"]: r for r in nodes(result["data"]["versionAudience"])}
    assert rows["Kunde A"]["holdsBack"] and rows["Kunde A"]["objection"]["status"] == "RECEIVED"
    assert rows["Kunde B"]["holdsBack"] and rows["Kunde B"]["objection"] is None
    assert rows[c]["notifiedAt"] is None and rows[c]["deadline"] is None and rows[c]["holdsBack"]


async def make_customer_without_notice(world, gql) -> str:
    created = await gql('mutation { createCustomer(input: {name: "Kunde C", contacts: [{email: "dpo@kunde-c.dk"}]}) '
                        "{ customer { id } } }", token=world["admin"])
    customer_id = created["data"]["createCustomer"]["customer"]["id"]
    await gql(f"mutation {{ createAgreement(input: {{customerId: {customer_id}, templateVersion: 1, "
              f'acceptedAt: "{(utcnow() - timedelta(days=400)).isoformat()}"}}) {{ agreement {{ id }} }} }}',
              token=world["admin"])
    return "Kunde C"


async def test_customer_page_runs_only_its_own_script_and_is_never_stored(client):
    page = await client.get("/customer?lang=en")
    script = await client.get("/static/customer.js")

    policy = page.headers["content-security-policy"]
    assert page.status_code == 200 and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store" and page.headers["x-robots-tag"] == "noindex"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<script src="/static/customer.js" defer></script>' in page.text and "Your sub-processors" in page.text
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
