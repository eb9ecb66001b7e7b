"""Reads of the public list are open; every write and every admin read needs an admin token."""

import pytest
from sqlmodel import select

from registry.auth.models import ApiToken, Role
from tests.conftest import make_customer, make_token
from tests.support.graphql_documents import (
    AUDIT,
    NEW_SUBPROCESSOR,
    PUBLISH,
    REMOVE_DRAFT,
    SAVE_DRAFT,
    WITHDRAW,
)

ADMIN_OPERATIONS = [
    (SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}),
    (REMOVE_DRAFT, {"slug": "iex"}),
    (PUBLISH, {"input": {"note": "n"}}),
    (WITHDRAW, {"number": 1, "reason": "r"}),
    (AUDIT, None),
    ("{ draft { subprocessors { slug } } }", None),
    ("{ verifyRegistry { intact } }", None),
    ('{ draftNoticePreview(note: "n") { audiences { text } } }', None),
    ("mutation { approveVersion(requestId: 1) { userErrors { code } } }", None),
    ('mutation { rejectPublishRequest(requestId: 1, reason: "r") { userErrors { code } } }', None),
    ("mutation { cancelPublishRequest(requestId: 1) { userErrors { code } } }", None),
    ("{ publishRequests { edges { node { id preview { audiences { text } } } } } }", None),
]


@pytest.mark.parametrize(("document", "variables"), ADMIN_OPERATIONS)
@pytest.mark.parametrize("caller", ["anonymous", "wrong-token", "customer", "revoked-admin"])
async def test_admin_operations_refuse_everyone_but_admins(seeded, gql, caller, document, variables):
    token = {"anonymous": None, "wrong-token": "rgt_not-a-real-token"}.get(caller)
    if caller == "customer":
        token = await make_token(seeded, Role.CUSTOMER, "customer-a", await make_customer(seeded, "Customer A"))
    if caller == "revoked-admin":
        token = await make_token(seeded, Role.ADMIN, "former-admin")
        async with seeded.transaction() as session:
            for row in (await session.exec(select(ApiToken))).all():
                row.revoked_at = row.created_at

    result = await gql(document, variables, token=token)

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    draft_size = await gql("{ subprocessors { slug } }")
    assert len(draft_size["data"]["subprocessors"]) == 17


async def test_public_reads_need_no_token(seeded, gql):
    result = await gql("{ subprocessors { slug } registryVersions { totalCount } agreementTemplate { version } }")

    assert "errors" not in result and result["data"]["registryVersions"]["totalCount"] == 1


async def test_tokens_are_stored_only_as_hashes(seeded, admin_token):
    async with seeded.session() as session:
        rows = (await session.exec(select(ApiToken))).all()

    assert rows and all(admin_token not in (row.token_hash + row.name) for row in rows)
    assert all(len(row.token_hash) == 64 for row in rows)


async def test_mutations_are_refused_over_get(seeded, client, gql, admin_token):
    response = await client.get("/graphql", params={"query": "mutation { removeSubprocessorDraft(slug: \"iex\") "
                                                             "{ userErrors { code } } }"},
                                headers={"Authorization": f"Bearer {admin_token}"})

    assert response.status_code == 405  # GraphQL over HTTP: a mutation by GET is Method Not Allowed
    draft = await gql("{ draft { subprocessors { slug } } }", token=admin_token)
    assert "iex" in {s["slug"] for s in draft["data"]["draft"]["subprocessors"]}
