"""Four-eyes publishing: with REGISTRY_PUBLISH_APPROVALS, publishVersion asks and other admins approve before anything
is published; the approval that makes enough publishes through the one publish use case, notices and all."""

import asyncio

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from notifications import flows

from registry.auth.models import Role
from schema.settings import AppSettings
from tests.conftest import make_token
from tests.support.graphql_documents import AUDIT, NEW_SUBPROCESSOR, SAVE_DRAFT, WITHDRAW, nodes
from tests.support.notify_helpers import add_confirmed, notifications
from tests.support.publishing import HETZNER, publish
from tests.support.waiting import until

REQUEST_FIELDS = """id status requestedBy note noticeDays draftHash approvalsNeeded closedBy closeReason versionNumber
  approvals { by at }
  preview { versionNumber effectiveAt audiences { audience language recipients subject text } }"""
PUBLISH = f"""mutation($input: PublishVersionInput!) {{ publishVersion(input: $input) {{
  version {{ number status }} publishRequest {{ {REQUEST_FIELDS} }} userErrors {{ field message code }} }} }}"""
APPROVE = f"""mutation($id: Int!) {{ approveVersion(requestId: $id) {{
  version {{ number status note }} publishRequest {{ {REQUEST_FIELDS} }} userErrors {{ field message code }} }} }}"""
REJECT = f"""mutation($id: Int!, $reason: String!) {{ rejectPublishRequest(requestId: $id, reason: $reason) {{
  publishRequest {{ {REQUEST_FIELDS} }} userErrors {{ field message code }} }} }}"""
CANCEL = f"""mutation($id: Int!) {{ cancelPublishRequest(requestId: $id) {{
  publishRequest {{ {REQUEST_FIELDS} }} userErrors {{ field message code }} }} }}"""
OPEN_REQUESTS = f"{{ publishRequests {{ edges {{ node {{ {REQUEST_FIELDS} }} }} }} }}"
VERSIONS = "{ registryVersions { totalCount } }"
NOTE = "Mailgun sender vores e-mails"


@pytest.fixture
def approvals() -> int:
    return 1


@pytest.fixture
def settings(settings: AppSettings, approvals: int) -> AppSettings:
    return settings.model_copy(update={"publish_approvals": approvals})


@pytest.fixture
async def bob(seeded) -> str:
    return await make_token(seeded, Role.ADMIN, "bob@office2go.test")


@pytest.fixture
async def carol(seeded) -> str:
    return await make_token(seeded, Role.ADMIN, "carol@office2go.test")


async def request_publish(gql, token: str, note: str = NOTE) -> dict:
    """The admin adds Mailgun to the draft and asks to publish it; the request recorded."""
    saved = await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=token)
    assert saved["data"]["saveSubprocessorDraft"]["userErrors"] == []
    asked = (await gql(PUBLISH, {"input": {"note": note, "noticeDays": 30}}, token=token))["data"]["publishVersion"]
    assert asked["userErrors"] == [] and asked["version"] is None, asked
    return asked["publishRequest"]


async def published_versions(gql) -> int:
    return (await gql(VERSIONS))["data"]["registryVersions"]["totalCount"]


async def audit_trail(gql, token: str) -> list[tuple[str, str]]:
    """(actor, action) of the four-eyes steps and the publish, oldest first."""
    entries = nodes((await gql(AUDIT, token=token))["data"]["auditLog"])
    return [(e["actor"], e["action"]) for e in reversed(entries)
            if e["action"] != "saveSubprocessorDraft" and e["actor"] != "seed"]


async def test_publishing_records_a_request_with_the_notice_preview_and_publishes_nothing(
        seeded, gql, admin_token):
    # Given a confirmed subscriber
    await add_confirmed(seeded, ("dpo@kunde.dk", "da"))

    # When an admin publishes a draft while one approval is required
    request = await request_publish(gql, admin_token)

    # Then a request waits, by that admin, with the notices as they would go out
    assert request["status"] == "OPEN" and request["requestedBy"] == "alice@office2go.test"
    assert request["note"] == NOTE and request["noticeDays"] == 30 and request["approvalsNeeded"] == 1
    assert request["approvals"] == [] and len(request["draftHash"]) == 64
    preview = request["preview"]
    assert preview["versionNumber"] == 2
    danish = next(a for a in preview["audiences"] if a["language"] == "DA" and a["audience"] == "SUBSCRIBER")
    assert danish["recipients"] == 1 and "Mailgun Technologies" in danish["text"]
    # and nothing is published or queued
    assert await published_versions(gql) == 1
    assert await notifications(seeded) == []
    # and the admins' query of open requests shows it with its preview
    listed = nodes((await gql(OPEN_REQUESTS, token=admin_token))["data"]["publishRequests"])
    assert listed == [request]


async def test_another_admins_approval_publishes_it_with_its_notices(seeded, gql, admin_token, bob):
    # Given a subscriber and alice's request
    await add_confirmed(seeded, ("dpo@kunde.dk", "da"))
    request = await request_publish(gql, admin_token)

    # When bob approves it
    approved = (await gql(APPROVE, {"id": request["id"]}, token=bob))["data"]["approveVersion"]

    # Then version 2 is published as requested, and its notice is queued
    assert approved["userErrors"] == []
    assert approved["version"] == {"number": 2, "status": "PENDING", "note": NOTE}
    assert [n.version_number for n in await notifications(seeded)] == [2]
    done = approved["publishRequest"]
    assert done["status"] == "PUBLISHED" and done["versionNumber"] == 2 and done["closedBy"] == "bob@office2go.test"
    assert [a["by"] for a in done["approvals"]] == ["bob@office2go.test"]
    # and no request is open any more
    assert nodes((await gql(OPEN_REQUESTS, token=bob))["data"]["publishRequests"]) == []
    # and the audit log shows who asked, who approved and who published
    assert await audit_trail(gql, bob) == [("alice@office2go.test", "requestPublish"),
                                           ("bob@office2go.test", "approvePublishRequest"),
                                           ("bob@office2go.test", "publishVersion")]


async def test_the_requester_cannot_approve_their_own_request_with_any_of_their_tokens(seeded, gql, admin_token):
    # Given alice's request, and a second token of hers (admins are known by their token's name)
    request = await request_publish(gql, admin_token)
    second = await make_token(seeded, Role.ADMIN, "alice@office2go.test")

    for token in (admin_token, second):
        # When she approves it herself
        approved = (await gql(APPROVE, {"id": request["id"]}, token=token))["data"]["approveVersion"]

        # Then she is refused, and nothing is published or approved
        assert approved["publishRequest"] is None and approved["version"] is None
        assert [e["code"] for e in approved["userErrors"]] == ["NOT_ALLOWED"]
        assert "another admin" in approved["userErrors"][0]["message"]
    assert await published_versions(gql) == 1
    assert nodes((await gql(OPEN_REQUESTS, token=admin_token))["data"]["publishRequests"])[0]["approvals"] == []


@pytest.mark.parametrize("approvals", [2])
async def test_with_two_approvals_needed_one_is_not_enough(seeded, gql, admin_token, bob, carol):
    request = await request_publish(gql, admin_token)
    assert request["approvalsNeeded"] == 2

    # When bob approves, then nothing is published yet
    first = (await gql(APPROVE, {"id": request["id"]}, token=bob))["data"]["approveVersion"]
    assert first["userErrors"] == [] and first["version"] is None
    assert first["publishRequest"]["status"] == "OPEN"
    assert [a["by"] for a in first["publishRequest"]["approvals"]] == ["bob@office2go.test"]
    assert await published_versions(gql) == 1
    # and bob approving again does not count twice
    again = (await gql(APPROVE, {"id": request["id"]}, token=bob))["data"]["approveVersion"]
    assert [e["code"] for e in again["userErrors"]] == ["DUPLICATE"]
    assert await published_versions(gql) == 1

    # When carol approves too, then it is published
    second = (await gql(APPROVE, {"id": request["id"]}, token=carol))["data"]["approveVersion"]
    assert second["userErrors"] == [] and second["version"]["number"] == 2
    assert [a["by"] for a in second["publishRequest"]["approvals"]] == ["bob@office2go.test", "carol@office2go.test"]
    assert await published_versions(gql) == 2


async def lock_waiters(db) -> int:
    """How many connections to this PostgreSQL database wait for a row lock."""
    async with db.session() as session:
        return (await session.exec(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND datname = current_database()"))).one()[0]


@pytest.mark.parametrize("approvals", [2])
async def test_two_admins_approving_at_once_publish_exactly_once(seeded, gql, settings, admin_token):
    request = await request_publish(gql, admin_token)

    async def approve(session, actor: str) -> flows.PublishOutcome:
        return await flows.approve_and_publish(session=session, settings=settings, actor=actor,
                                               request_id=request["id"])

    async def approve_alone(actor: str) -> flows.PublishOutcome:
        async with seeded.transaction() as session:
            return await approve(session, actor)

    # When carol approves while bob's approval has not committed yet
    async with seeded.transaction() as session:
        bobs = await approve(session, "bob@office2go.test")
        carols = asyncio.create_task(approve_alone("carol@office2go.test"))
        if seeded.dialect == "postgresql":  # SQLite's write lock makes her wait at BEGIN IMMEDIATE anyway
            await until(lambda: lock_waiters(seeded))
    carols = await carols

    # Then she saw bob's approval: both count, and hers publishes version 2, once
    assert bobs.version is None and carols.version.number == 2
    assert carols.request.approved_by() == ["bob@office2go.test", "carol@office2go.test"]
    assert await published_versions(gql) == 2


async def test_a_draft_changed_after_the_request_cannot_be_approved(seeded, gql, admin_token, bob):
    # Given alice's request, and then a further change to the draft
    request = await request_publish(gql, admin_token)
    changed = NEW_SUBPROCESSOR | {"countries": ["US", "CN"]}
    await gql(SAVE_DRAFT, {"input": changed}, token=admin_token)

    # When bob approves the request
    approved = (await gql(APPROVE, {"id": request["id"]}, token=bob))["data"]["approveVersion"]

    # Then he is told the request is stale, and nothing is published or approved
    assert approved["version"] is None and [e["code"] for e in approved["userErrors"]] == ["STALE"]
    assert "changed after publish request" in approved["userErrors"][0]["message"]
    assert await published_versions(gql) == 1
    waiting = nodes((await gql(OPEN_REQUESTS, token=bob))["data"]["publishRequests"])
    assert [(r["status"], r["approvals"]) for r in waiting] == [("OPEN", [])]

    # When the draft is put back exactly as requested, then the approval publishes it
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    approved = (await gql(APPROVE, {"id": request["id"]}, token=bob))["data"]["approveVersion"]
    assert approved["userErrors"] == [] and approved["version"]["number"] == 2


async def test_a_withdrawal_after_the_request_makes_it_stale(seeded, gql, admin_token, bob):
    # Given a pending version 2, and alice's request to publish version 3 on top of it
    await publish(seeded, note="Hetzner", add=[HETZNER])
    request = await request_publish(gql, admin_token)
    # When version 2 is withdrawn, so version 3 would now be compared with version 1
    withdrawn = await gql(WITHDRAW, {"number": 2, "reason": "Fortrudt"}, token=admin_token)
    assert withdrawn["data"]["withdrawVersion"]["userErrors"] == []

    # Then the changes the preview showed are not the ones publishing would make: approval is refused
    approved = (await gql(APPROVE, {"id": request["id"]}, token=bob))["data"]["approveVersion"]
    assert [e["code"] for e in approved["userErrors"]] == ["STALE"] and await published_versions(gql) == 2


async def test_one_open_request_at_a_time(seeded, gql, admin_token, bob):
    await request_publish(gql, admin_token)

    second = (await gql(PUBLISH, {"input": {"note": "Igen"}}, token=bob))["data"]["publishVersion"]

    assert second["publishRequest"] is None and [e["code"] for e in second["userErrors"]] == ["INVALID_STATE"]
    assert "waiting for approval" in second["userErrors"][0]["message"]
    assert len(nodes((await gql(OPEN_REQUESTS, token=bob))["data"]["publishRequests"])) == 1


async def test_another_admin_rejects_and_the_requester_cancels(seeded, gql, admin_token, bob):
    request = await request_publish(gql, admin_token)

    # The requester cannot reject her own request, nor can bob cancel it
    own = (await gql(REJECT, {"id": request["id"], "reason": "Nej"}, token=admin_token))["data"]
    assert [e["code"] for e in own["rejectPublishRequest"]["userErrors"]] == ["NOT_ALLOWED"]
    others = (await gql(CANCEL, {"id": request["id"]}, token=bob))["data"]
    assert [e["code"] for e in others["cancelPublishRequest"]["userErrors"]] == ["NOT_ALLOWED"]
    # and a rejection needs a reason
    blank = (await gql(REJECT, {"id": request["id"], "reason": "  "}, token=bob))["data"]["rejectPublishRequest"]
    assert [(e["field"], e["code"]) for e in blank["userErrors"]] == [("reason", "REQUIRED")]

    # When bob rejects it with a reason
    rejected = (await gql(REJECT, {"id": request["id"], "reason": "Mangler DPA"}, token=bob))["data"]
    closed = rejected["rejectPublishRequest"]["publishRequest"]
    assert closed["status"] == "REJECTED" and closed["closedBy"] == "bob@office2go.test"
    assert closed["closeReason"] == "Mangler DPA"
    # Then it can no longer be approved, and nothing was published
    late = (await gql(APPROVE, {"id": request["id"]}, token=bob))["data"]["approveVersion"]
    assert [e["code"] for e in late["userErrors"]] == ["INVALID_STATE"]
    assert await published_versions(gql) == 1

    # When alice asks again and cancels that request herself
    again = (await gql(PUBLISH, {"input": {"note": NOTE}}, token=admin_token))["data"]["publishVersion"]
    cancelled = (await gql(CANCEL, {"id": again["publishRequest"]["id"]}, token=admin_token))["data"]
    assert cancelled["cancelPublishRequest"]["publishRequest"]["status"] == "CANCELLED"
    # Then no request is open, and the audit log shows each step with its actor
    assert nodes((await gql(OPEN_REQUESTS, token=bob))["data"]["publishRequests"]) == []
    everything = await gql("{ publishRequests(status: null) { edges { node { status } } } }", token=bob)
    assert [n["status"] for n in nodes(everything["data"]["publishRequests"])] == ["CANCELLED", "REJECTED"]
    assert await audit_trail(gql, bob) == [("alice@office2go.test", "requestPublish"),
                                           ("bob@office2go.test", "rejectPublishRequest"),
                                           ("alice@office2go.test", "requestPublish"),
                                           ("alice@office2go.test", "cancelPublishRequest")]


async def test_bad_requests_are_refused_and_change_nothing(seeded, gql, admin_token, bob):
    # A request publishing would refuse is refused at once, with publishing's own code
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    short = (await gql(PUBLISH, {"input": {"note": NOTE, "noticeDays": 3}}, token=admin_token))["data"]
    assert [e["code"] for e in short["publishVersion"]["userErrors"]] == ["NOTICE_TOO_SHORT"]
    assert nodes((await gql(OPEN_REQUESTS, token=bob))["data"]["publishRequests"]) == []
    # and a request that does not exist cannot be approved, rejected or cancelled, whatever its number
    for number in (1, 2**31 - 1, 0, -1):
        for document, variables, token in ((APPROVE, {}, bob), (REJECT, {"reason": "r"}, bob),
                                           (CANCEL, {}, admin_token)):
            answer = (await gql(document, {"id": number, **variables}, token=token))["data"]
            errors = next(iter(answer.values()))["userErrors"]
            assert [(e["field"], e["code"]) for e in errors] == [("requestId", "NOT_FOUND")]


def test_the_setting_takes_zero_to_ten_approvals():
    assert AppSettings().publish_approvals == 0  # today's behaviour: publishVersion publishes at once
    for wrong in (-1, 11):
        with pytest.raises(ValidationError):
            AppSettings(publish_approvals=wrong)
