"""Admins register customers and agreements, terminate them, and see objections through to an outcome."""

import pytest

from tests.support.graphql_documents import nodes

CREATE = """mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
  customer { id name cvr contacts { email language } } userErrors { field code message } } }"""
AGREE = """mutation($input: CreateAgreementInput!) { createAgreement(input: $input) {
  agreement { id status noticeDays services templateVersion } userErrors { field code } } }"""


async def test_customer_with_contacts_and_agreement(seeded, gql, admin_token):
    created = await gql(CREATE, {"input": {"name": "Kunde A/S", "cvr": "DK 22756214", "contacts": [
        {"email": "DPO@Kunde-A.dk", "language": "EN"}, {"email": "it@kunde-a.dk"}]}}, token=admin_token)
    customer = created["data"]["createCustomer"]["customer"]

    agreed = await gql(AGREE, {"input": {"customerId": customer["id"], "templateVersion": 1,
                                         "services": ["Telefoni", "Telefoni"], "noticeDays": 45}}, token=admin_token)

    assert customer["cvr"] == "22756214"
    assert customer["contacts"] == [{"email": "DPO@kunde-a.dk", "language": "EN"},
                                    {"email": "it@kunde-a.dk", "language": "DA"}]
    assert agreed["data"]["createAgreement"]["agreement"] == {
        "id": agreed["data"]["createAgreement"]["agreement"]["id"], "status": "ACTIVE", "noticeDays": 45,
        "services": ["Telefoni"], "templateVersion": 1}


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"cvr": "1234567"}, "cvr", "INVALID"),
    ({"cvr": "22756215"}, "cvr", "INVALID"),
    ({"name": ""}, "name", "REQUIRED"),
    ({"contacts": [{"email": "not-an-address"}]}, "contacts.0.email", "INVALID"),
    ({"contacts": [{"email": "a@kunde.dk\r\nBcc: victim@example.com"}]}, "contacts.0.email", "INVALID"),
])
async def test_bad_customer_input_is_refused_and_nothing_stored(seeded, gql, admin_token, change, field, code):
    result = await gql(CREATE, {"input": {"name": "Kunde", **change}}, token=admin_token)

    assert [(e["field"], e["code"]) for e in result["data"]["createCustomer"]["userErrors"]] == [(field, code)]
    assert (await gql("{ customers { edges { node { id } } } }", token=admin_token))["data"]["customers"]["edges"] == []


async def test_duplicate_cvr_and_short_notice_are_refused(seeded, gql, admin_token):
    first = await gql(CREATE, {"input": {"name": "A", "cvr": "22756214"}}, token=admin_token)
    second = await gql(CREATE, {"input": {"name": "B", "cvr": "22756214"}}, token=admin_token)
    short = await gql(AGREE, {"input": {"customerId": first["data"]["createCustomer"]["customer"]["id"],
                                        "templateVersion": 1, "noticeDays": 7}}, token=admin_token)
    unknown = await gql(AGREE, {"input": {"customerId": 999, "templateVersion": 1}}, token=admin_token)

    assert second["data"]["createCustomer"]["userErrors"][0]["code"] == "DUPLICATE"
    assert short["data"]["createAgreement"]["userErrors"][0] == {"field": "noticeDays", "code": "NOTICE_TOO_SHORT"}
    assert unknown["data"]["createAgreement"]["userErrors"][0] == {"field": "customerId", "code": "NOT_FOUND"}


async def test_termination_records_the_choice_then_the_deletion(seeded, gql, admin_token):
    customer = (await gql(CREATE, {"input": {"name": "A"}}, token=admin_token))["data"]["createCustomer"]["customer"]
    agreement = (await gql(AGREE, {"input": {"customerId": customer["id"], "templateVersion": 1}},
                           token=admin_token))["data"]["createAgreement"]["agreement"]
    fields = "agreement { status terminationChoice deletionDocumentation deletionDocumentedAt } userErrors { code }"

    early = await gql(f'mutation {{ documentDeletion(id: {agreement["id"]}, documentation: "x") {{ {fields} }} }}',
                      token=admin_token)
    ended = await gql(f'mutation {{ terminateAgreement(id: {agreement["id"]}, choice: DELETE) {{ {fields} }} }}',
                      token=admin_token)
    again = await gql(f'mutation {{ terminateAgreement(id: {agreement["id"]}, choice: RETURN) {{ {fields} }} }}',
                      token=admin_token)
    documented = await gql(f'mutation {{ documentDeletion(id: {agreement["id"]}, '
                           f'documentation: "Sletning bekræftet af Dropbox og E-conomic") {{ {fields} }} }}',
                           token=admin_token)

    assert early["data"]["documentDeletion"]["userErrors"] == [{"code": "INVALID_STATE"}]
    assert ended["data"]["terminateAgreement"]["agreement"]["terminationChoice"] == "DELETE"
    assert again["data"]["terminateAgreement"]["userErrors"] == [{"code": "INVALID_STATE"}]
    final = documented["data"]["documentDeletion"]["agreement"]
    assert final["status"] == "TERMINATED" and final["deletionDocumentedAt"]
    assert final["deletionDocumentation"] == "Sletning bekræftet af Dropbox og E-conomic"
    log = nodes((await gql("{ auditLog { edges { node { action } } } }", token=admin_token))["data"]["auditLog"])
    assert [e["action"] for e in log][:3] == ["documentDeletion", "terminateAgreement", "createAgreement"]
