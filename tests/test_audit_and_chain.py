"""Every admin change is on record, and tampering with published history is detected."""

import os
import subprocess
import sys

from sqlalchemy import text

from tests.support.graphql_documents import (
    AUDIT,
    NEW_SUBPROCESSOR,
    PUBLISH,
    REMOVE_DRAFT,
    SAVE_DRAFT,
    WITHDRAW,
    nodes,
)

VERIFY = "{ verifyRegistry { intact versions problems } }"


async def test_every_admin_mutation_is_recorded_with_actor_before_and_after(seeded, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(REMOVE_DRAFT, {"slug": "iex"}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Mailgun in, IEX out"}}, token=admin_token)
    await gql(WITHDRAW, {"number": 2, "reason": "Postponed"}, token=admin_token)

    log = [e for e in nodes((await gql(AUDIT, token=admin_token))["data"]["auditLog"]) if e["actor"] != "seed"]

    assert [(e["action"], e["target"]) for e in log] == [
        ("withdrawVersion", "version 2"), ("publishVersion", "version 2"),
        ("removeSubprocessorDraft", "iex"), ("saveSubprocessorDraft", "mailgun")]
    assert {e["actor"] for e in log} == {"alice@office2go.test"}
    assert log[2]["before"]["name"] == "IEX" and log[2]["after"] is None
    assert log[3]["before"] is None and log[3]["after"]["countries"] == ["DE", "US"]
    assert log[0]["after"] == {"status": "WITHDRAWN", "reason": "Postponed"}


async def test_the_audit_log_pages_newest_first_from_where_the_last_page_ended(seeded, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(REMOVE_DRAFT, {"slug": "iex"}, token=admin_token)
    page = "query($after: String) { auditLog(first: 2, after: $after) { edges { node { action } } " \
           "pageInfo { hasNextPage endCursor } } }"

    first = (await gql(page, token=admin_token))["data"]["auditLog"]
    second = (await gql(page, {"after": first["pageInfo"]["endCursor"]}, token=admin_token))["data"]["auditLog"]

    assert [e["action"] for e in nodes(first)] == ["removeSubprocessorDraft", "saveSubprocessorDraft"]
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
    assert [e["action"] for e in nodes(second)] == ["publishVersion"]  # the seed's


async def test_refused_mutations_leave_no_audit_entry(seeded, gql, admin_token):
    await gql(PUBLISH, {"input": {"note": "nothing changed"}}, token=admin_token)

    log = nodes((await gql(AUDIT, token=admin_token))["data"]["auditLog"])
    assert [(e["actor"], e["action"]) for e in log] == [("seed", "publishVersion")]


async def test_intact_history_verifies(seeded, gql, admin_token):
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "n"}}, token=admin_token)
    v1, v2 = [(await gql(f"{{ registryVersion(number: {n}) {{ contentHash previousHash }} }}"))["data"]
              ["registryVersion"] for n in (1, 2)]

    result = (await gql(VERIFY, token=admin_token))["data"]["verifyRegistry"]

    assert result == {"intact": True, "versions": 2, "problems": []}
    assert v2["previousHash"] == v1["contentHash"] and v1["previousHash"] is None


async def test_a_quietly_edited_version_breaks_the_chain(seeded, gql, admin_token, database_url):
    # given someone edits version 1's stored list directly in the database
    async with seeded.transaction() as session:
        await session.exec(text("UPDATE registry_version SET note = 'rewritten' WHERE number = 1"))

    # then both the admin query and the operator's CLI report it
    result = (await gql(VERIFY, token=admin_token))["data"]["verifyRegistry"]
    cli = subprocess.run([sys.executable, "-m", "registry", "verify"], capture_output=True, text=True,
                         env={**os.environ, "REGISTRY_DATABASE_URL": database_url}, timeout=60)

    assert result["intact"] is False
    assert result["problems"] == ["version 1: content hash does not match its content"]
    assert cli.returncode == 1 and "BROKEN" in cli.stdout and "version 1" in cli.stderr
