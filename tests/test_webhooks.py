"""Signed webhooks to a real receiver: verification first, the same webhook-id on every retry, dead-letter,
redrive, a per-endpoint circuit breaker, secret rotation with an overlap, and who may do what."""

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlmodel import select
from standardwebhooks import Webhook, WebhookVerificationError

from notifications.webhooks import service
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint
from registry.auth.models import Role
from tests.conftest import make_customer, make_token
from tests.support.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT, WITHDRAW, nodes
from tests.support.notify_helpers import deliver
from tests.support.webhook_receiver import LOOPBACK, WebhookReceiver

ALL_VERSION_EVENTS = ["VERSION_PUBLISHED", "VERSION_EFFECTIVE", "VERSION_WITHDRAWN"]

REGISTER = """mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) {
  secret endpoint { id url eventTypes format verifiedAt } userErrors { field message code } } }"""
ROTATE = """mutation($id: Int!, $hours: Int!) { rotateWebhookSecret(id: $id, overlapHours: $hours) {
  secret endpoint { previousSecretUntil } userErrors { field message code } } }"""
VERIFY = """mutation($id: Int!, $code: String!) { verifyWebhook(id: $id, challenge: $code) {
  endpoint { verifiedAt } userErrors { field message code } } }"""
REDRIVE = """mutation($id: Int!) { redriveWebhookDelivery(endpointId: $id) { requeued userErrors { code } } }"""
ENDPOINTS = """{ webhookEndpoints { edges { node { id customerId url verifiedAt failures pausedUntil
  deliveries(first: 50) { edges { node { webhookId eventType status attempts responseCode latencyMs lastError
  deliveredAt } } } } } } }"""


@pytest.fixture
def settings(settings):
    """Webhooks may go to this host over http, and retry at once so the tests need not wait."""
    return settings.model_copy(update={"webhook_http_hosts": ["127.0.0.1"], "webhook_allow_networks": [LOOPBACK],
                                       "retry_base_seconds": 0.0001, "retry_cap_seconds": 0.0001,
                                       "delivery_max_attempts": 4, "webhook_circuit_failures": 100})


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
async def customer(seeded, db):
    """A customer using every service, and their token."""
    customer_id = await make_customer(db, "Kunde A/S", contacts=[("dpo@kunde-a.dk", "da")])
    return customer_id, await make_token(db, Role.CUSTOMER, "kunde-a", customer_id=customer_id)


async def register(gql, token, receiver, *, events=ALL_VERSION_EVENTS, format="STANDARD", language="EN",
                   customer_id=None):
    answer = await gql(REGISTER, {"input": {"url": receiver.url, "eventTypes": events, "format": format,
                                            "language": language, "customerId": customer_id}}, token=token)
    registered = answer["data"]["registerWebhook"]
    assert registered["userErrors"] == [], answer
    receiver.secret = registered["secret"]
    return registered


async def endpoints(gql, token) -> list[dict]:
    answer = await gql(ENDPOINTS, token=token)
    assert "errors" not in answer, answer
    return nodes(answer["data"]["webhookEndpoints"])


async def publish_mailgun(gql, admin_token) -> dict:
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    answer = await gql(PUBLISH, {"input": {"note": "Mailgun sender vores e-mails", "noticeDays": 30}}, token=admin_token)
    assert answer["data"]["publishVersion"]["userErrors"] == [], answer
    return answer["data"]["publishVersion"]["version"]


async def test_a_signed_event_is_retried_under_the_same_webhook_id_until_the_receiver_takes_it(
        db, settings, gql, admin_token, customer, receiver):
    # Given a customer's endpoint that answered its verification request
    _, token = customer
    registered = await register(gql, token, receiver)
    assert registered["secret"].startswith("whsec_") and registered["endpoint"]["verifiedAt"] is None
    await deliver(db, settings)
    assert [r.json["type"] for r in receiver.received] == ["webhook.verification"]
    assert (await endpoints(gql, token))[0]["verifiedAt"] is not None

    # When an admin publishes a version and the receiver fails the first two attempts
    receiver.fail_first = 2
    version = await publish_mailgun(gql, admin_token)
    await deliver(db, settings)

    # Then the event arrived three times under one webhook-id, each signed with the endpoint's secret
    published = receiver.of_type("version.published")
    assert [r.answered for r in published] == [503, 503, 200]
    assert len({r.webhook_id for r in published}) == 1 and all(r.verified for r in published)
    # carrying what GraphQL says of the version, and this customer's own deadline
    data = published[-1].json["data"]
    assert data["event"] == "version.published" and data["versionNumber"] == version["number"] == 2
    assert data["changes"] == version["changes"] and data["contentHash"] == version["contentHash"]
    assert data["effectiveAt"].replace("Z", "+00:00") == version["effectiveAt"].replace("Z", "+00:00")
    assert data["objectionDeadline"] == data["effectiveAt"]
    # and the delivery log shows it, with the attempts, the answer and how long it took
    log = nodes((await endpoints(gql, token))[0]["deliveries"])
    entry = next(d for d in log if d["eventType"] == "version.published")
    assert entry["webhookId"] == published[0].webhook_id
    assert (entry["status"], entry["attempts"], entry["responseCode"]) == ("DELIVERED", 3, 200)
    assert entry["latencyMs"] is not None and entry["deliveredAt"] is not None
    # version.effective waits for the version to take effect
    assert next(d for d in log if d["eventType"] == "version.effective")["status"] == "QUEUED"
    assert receiver.of_type("version.effective") == []


async def test_an_endpoint_that_does_not_echo_the_challenge_receives_nothing(
        db, settings, gql, admin_token, customer, receiver):
    # Given an endpoint that answers 200 but never echoes its verification challenge
    receiver.echo = False
    _, token = customer
    await register(gql, token, receiver)
    await deliver(db, settings)

    # When a version is published
    await publish_mailgun(gql, admin_token)
    await deliver(db, settings)

    # Then only verification requests reached it, until they were dead-lettered with the reason
    assert {r.json["type"] for r in receiver.received} == {"webhook.verification"}
    [endpoint] = await endpoints(gql, token)
    assert endpoint["verifiedAt"] is None
    [verification] = nodes(endpoint["deliveries"])
    assert (verification["status"], verification["attempts"]) == ("DEAD", settings.delivery_max_attempts)
    assert "challenge" in verification["lastError"]


async def test_a_dead_lettered_delivery_is_redriven_under_its_own_webhook_id(
        db, settings, gql, admin_token, customer, receiver):
    # Given a verified endpoint that then fails every attempt at an event until it is dead-lettered
    _, token = customer
    registered = await register(gql, token, receiver)
    await deliver(db, settings)
    receiver.always_fail = True
    await publish_mailgun(gql, admin_token)
    await deliver(db, settings)
    failed = receiver.of_type("version.published")
    assert len(failed) == settings.delivery_max_attempts
    log = nodes((await endpoints(gql, token))[0]["deliveries"])
    assert next(d for d in log if d["eventType"] == "version.published")["status"] == "DEAD"

    # When the customer redrives it and the receiver is back
    receiver.always_fail = False
    answer = await gql(REDRIVE, {"id": registered["endpoint"]["id"]}, token=token)
    assert answer["data"]["redriveWebhookDelivery"] == {"requeued": 1, "userErrors": []}
    await deliver(db, settings)

    # Then it arrived under the webhook-id it always had
    arrived = receiver.of_type("version.published")[-1]
    assert arrived.answered == 200 and arrived.webhook_id == failed[0].webhook_id


async def test_an_endpoint_that_keeps_failing_is_paused_not_hammered(
        db, settings, gql, admin_token, customer, receiver):
    # Given a verified endpoint whose circuit opens after two failures in a row
    settings = settings.model_copy(update={"webhook_circuit_failures": 2, "circuit_pause_seconds": 600})
    _, token = customer
    await register(gql, token, receiver)
    await deliver(db, settings)

    # When it fails while a version is published and then withdrawn (two events for it)
    receiver.always_fail = True
    version = await publish_mailgun(gql, admin_token)
    withdrawn = await gql(WITHDRAW, {"number": version["number"], "reason": "Fejl"}, token=admin_token)
    assert withdrawn["data"]["withdrawVersion"]["userErrors"] == []
    await deliver(db, settings)

    # Then it got one attempt at each and then nothing: the rest waits for the pause to end
    assert [r.json["type"] for r in receiver.received[1:]] == ["version.published", "version.withdrawn"]
    [endpoint] = await endpoints(gql, token)
    assert endpoint["failures"] == 2 and endpoint["pausedUntil"] is not None
    statuses = {d["eventType"]: d["status"] for d in nodes(endpoint["deliveries"])}
    # and the withdrawal cancelled the version.effective that was waiting for the version to take effect
    assert statuses == {"webhook.verification": "DELIVERED", "version.published": "RETRYING",
                        "version.withdrawn": "RETRYING", "version.effective": "CANCELLED"}


async def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(
        db, settings, gql, admin_token, customer, receiver):
    # Given a verified endpoint
    _, token = customer
    registered = await register(gql, token, receiver)
    old = registered["secret"]
    await deliver(db, settings)

    # When the customer rotates its secret keeping the old one for a day, and a version is published
    rotated = (await gql(ROTATE, {"id": registered["endpoint"]["id"], "hours": 24}, token=token))["data"]
    new = rotated["rotateWebhookSecret"]["secret"]
    assert new.startswith("whsec_") and new != old and rotated["rotateWebhookSecret"]["endpoint"]["previousSecretUntil"]
    receiver.secret = new
    await publish_mailgun(gql, admin_token)
    await deliver(db, settings)

    # Then the event carries two v1 signatures, and a receiver holding either secret accepts it
    arrived = receiver.of_type("version.published")[-1]
    assert arrived.headers["webhook-signature"].count("v1,") == 2
    Webhook(old).verify(arrived.body, arrived.headers)
    Webhook(new).verify(arrived.body, arrived.headers)

    # When it rotates again with no overlap, the secret before is refused at once
    newest = (await gql(ROTATE, {"id": registered["endpoint"]["id"], "hours": 0}, token=token))["data"]
    receiver.secret = newest["rotateWebhookSecret"]["secret"]
    await gql(WITHDRAW, {"number": 2, "reason": "Fejl"}, token=admin_token)
    await deliver(db, settings)
    arrived = receiver.of_type("version.withdrawn")[-1]
    assert arrived.verified and arrived.headers["webhook-signature"].count("v1,") == 1
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(arrived.body, arrived.headers)


async def test_version_effective_is_due_when_the_version_takes_effect_and_not_before(
        db, settings, gql, admin_token, customer, receiver):
    # Given a verified endpoint for version.effective only, and a version published with 30 days' notice
    _, token = customer
    await register(gql, token, receiver, events=["VERSION_EFFECTIVE"])
    await deliver(db, settings)
    version = await publish_mailgun(gql, admin_token)
    effective_at = datetime.fromisoformat(version["effectiveAt"].replace("Z", "+00:00"))

    # When the worker looks now, nothing is due
    await deliver(db, settings)
    assert len(receiver.received) == 1
    async with db.transaction() as session:
        assert await service.claim_batch(session=session, owner="test", limit=10, lease_seconds=1,
                                         now=effective_at - timedelta(seconds=1)) == []

    # Then once the version is in effect, the worker's claim finds version.effective due
    async with db.transaction() as session:
        [due] = await service.claim_batch(session=session, owner="test", limit=10, lease_seconds=1,
                                          now=effective_at + timedelta(seconds=1))
    assert due.event_type == "version.effective" and due.payload["data"]["versionNumber"] == version["number"]


async def test_a_customer_touches_only_their_own_endpoints_and_an_admin_any(
        db, settings, gql, admin_token, customer, receiver):
    # Given customer A's endpoint, registered by an admin on their behalf, and customer B's token
    customer_a, token_a = customer
    registered = await register(gql, admin_token, receiver, customer_id=customer_a)
    customer_b = await make_customer(db, "Kunde B/S")
    token_b = await make_token(db, Role.CUSTOMER, "kunde-b", customer_id=customer_b)
    endpoint_id = registered["endpoint"]["id"]

    # Then A and the admin see it, B does not, and B cannot rotate it: as if it did not exist
    assert [e["id"] for e in await endpoints(gql, token_a)] == [endpoint_id]
    assert [e["customerId"] for e in await endpoints(gql, admin_token)] == [customer_a]
    assert await endpoints(gql, token_b) == []
    refused = await gql(ROTATE, {"id": endpoint_id, "hours": 1}, token=token_b)
    assert refused["data"]["rotateWebhookSecret"]["userErrors"][0]["code"] == "NOT_FOUND"
    # and a stranger is refused outright
    anonymous = await gql(ENDPOINTS)
    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(("url", "field"), [("http://example.com/hook", "url"), ("ftp://example.com/", "url"),
                                            ("not a url", "url")])
async def test_a_webhook_must_use_https_and_bad_input_changes_nothing(db, gql, customer, url, field):
    # When a customer registers an endpoint at a plain-http or malformed URL
    _, token = customer
    answer = await gql(REGISTER, {"input": {"url": url, "eventTypes": ["VERSION_PUBLISHED"]}}, token=token)

    # Then it is refused naming the URL, and no endpoint or delivery was written
    assert answer["data"]["registerWebhook"]["userErrors"][0]["field"] == field
    assert await endpoints(gql, token) == []
    async with db.session() as session:
        assert (await session.exec(select(WebhookDelivery))).all() == []


async def test_a_slack_endpoint_gets_a_code_to_confirm_then_the_change_in_words(
        db, settings, gql, admin_token, customer, receiver):
    # Given a Slack endpoint in Danish; Slack cannot echo a challenge, so its first message carries a code
    _, token = customer
    registered = await register(gql, token, receiver, format="SLACK", language="DA")
    await deliver(db, settings)
    [message] = receiver.received
    code = message.json["text"].split("webhook hos Office2go ApS: ", 1)[1].split(".", 1)[0]
    endpoint_id = registered["endpoint"]["id"]

    # When the customer types a wrong code, then the right one
    wrong = await gql(VERIFY, {"id": endpoint_id, "code": "forkert"}, token=token)
    assert wrong["data"]["verifyWebhook"]["userErrors"][0]["field"] == "challenge"
    right = await gql(VERIFY, {"id": endpoint_id, "code": code}, token=token)
    assert right["data"]["verifyWebhook"]["endpoint"]["verifiedAt"] is not None

    # Then a publication reaches the channel as a Slack message in Danish words, with Copenhagen time
    await publish_mailgun(gql, admin_token)
    await deliver(db, settings)
    body = receiver.received[-1].json
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith("Office2go ApS har offentliggjort version 2 af listen over underdatabehandlere.")
    assert "Tilføjet: Mailgun Technologies" in body["text"] and "dansk tid" in body["text"]
    assert "Jeres frist for indsigelse" in body["text"]
    assert body["blocks"][0] == {"type": "section", "text": {
        "type": "mrkdwn", "text": "*Office2go ApS har offentliggjort version 2 af listen over underdatabehandlere.*"}}
    assert body["blocks"][-1]["elements"][0]["text"] == (
        "<https://registry.example.test/subprocessors/versions/2|Se versionen>")


async def test_a_teams_endpoint_gets_an_adaptive_card_in_english(db, settings, gql, admin_token, customer, receiver):
    # Given a verified Teams endpoint in English
    _, token = customer
    registered = await register(gql, token, receiver, format="TEAMS", language="EN")
    await deliver(db, settings)
    card = receiver.received[0].json["attachments"][0]["content"]
    code = card["body"][0]["text"].split(": ", 1)[1].split(".", 1)[0]
    await gql(VERIFY, {"id": registered["endpoint"]["id"], "code": code}, token=token)

    # When a version is published
    await publish_mailgun(gql, admin_token)
    await deliver(db, settings)

    # Then the channel gets one adaptive card saying what changed, with a link that keeps the language
    body = receiver.received[-1].json
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    texts = [block["text"] for block in card["body"]]
    assert card["type"] == "AdaptiveCard" and texts[0] == "Office2go ApS published version 2 of its list of sub-processors."
    assert any(text.startswith("Takes effect: ") and "Copenhagen time" in text for text in texts)
    assert "Added: Mailgun Technologies" in texts
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "See the version",
                                "url": "https://registry.example.test/subprocessors/versions/2?lang=en"}]


async def test_two_workers_claim_disjoint_deliveries(db, settings, customer, receiver):
    # Given five events queued for a verified endpoint
    if db.dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second claim waits for the first to commit")
    customer_id, _ = customer
    async with db.transaction() as session:
        endpoint, _ = await service.register_endpoint(session=session, settings=settings, actor="test",
                                                      customer_id=customer_id, url=receiver.url,
                                                      event_types=["incident.notified"])
        endpoint.verified_at = endpoint.created_at
        session.add(endpoint)
        await session.flush()
        await service.enqueue_event(session=session, event_type="incident.notified", customer_ids=None,
                                    data={"title": "Test"})
        for _ in range(4):
            await service.enqueue_event(session=session, event_type="incident.notified", customer_ids=[customer_id],
                                        data={"title": "Test"})

    # When one worker holds a claim of three (its transaction still open) and another claims meanwhile
    async with db.transaction() as first:
        held = await service.claim_batch(session=first, owner="one", limit=3, lease_seconds=30)
        async with db.transaction() as second:
            other = await service.claim_batch(session=second, owner="two", limit=10, lease_seconds=30)

    # Then the second skipped the locked rows instead of waiting for them or taking them too
    assert len(held) == 3 and len(other) == 3  # the verification request and the two events left
    assert not {row.id for row in held} & {row.id for row in other}


async def test_an_objection_to_a_legal_requirement_names_the_requirement_not_a_version(
        db, settings, gql, admin_token, customer, receiver):
    # Given a customer's verified endpoint for objection updates, and a legal requirement they were told of
    from notifications.webhooks.payloads import chat_lines
    from tests.support.graphql_documents import FILE_OBJECTION, NOTIFY_LEGAL_REQUIREMENT, RECORD_LEGAL_REQUIREMENT
    from tests.test_legal_requirements import requirement_input

    _, token = customer
    await register(gql, token, receiver, events=["OBJECTION_UPDATED"])
    await deliver(db, settings)
    recorded = await gql(RECORD_LEGAL_REQUIREMENT, {"input": requirement_input()}, token=admin_token)
    assert recorded["data"]["recordLegalRequirement"]["userErrors"] == [], recorded
    requirement_id = recorded["data"]["recordLegalRequirement"]["legalRequirement"]["id"]
    await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": requirement_id}, token=admin_token)

    # When the customer objects to it
    filed = await gql(FILE_OBJECTION, {"input": {"reason": "Vi svarer selv", "legalRequirementId": requirement_id}},
                      token=token)
    assert filed["data"]["fileObjection"]["userErrors"] == [], filed
    await deliver(db, settings)

    # Then their endpoint hears which requirement the objection is against, and a chat message says it in words
    payload = receiver.received[-1].json
    assert payload["type"] == "objection.updated"
    assert (payload["data"]["legalRequirementId"], payload["data"]["versionNumber"]) == (requirement_id, None)
    headline, lines, _ = chat_lines(payload=payload, version=None, language="en", organisation="Office2go ApS")
    assert headline == (f"Your objection to the legal requirement of case {requirement_id} to process outside the "
                        "data processing agreement at Office2go ApS was updated.")
    assert lines == ["Status: Received"]


async def test_a_customer_has_at_most_ten_endpoints_even_when_two_registrations_race(db, settings, customer,
                                                                                    monkeypatch):
    # Given a customer with 9 endpoints
    from registry.errors import RegistryError
    from tests.support.stand_ins import public_dns

    public_dns(monkeypatch)

    customer_id, _ = customer

    async def register_one(index: int):
        async with db.transaction() as session:
            return await service.register_endpoint(
                session=session, settings=settings, actor="test", customer_id=customer_id,
                url=f"https://hooks.example.test/{index}", event_types=["version.published"])

    for index in range(9):
        await register_one(index)

    # When two more registrations arrive at once, then a twelfth after them
    raced = await asyncio.gather(register_one(9), register_one(10), return_exceptions=True)
    with pytest.raises(RegistryError) as twelfth:
        await register_one(11)

    # Then one of the two is taken and the other refused as over the bound, as is the twelfth, and 10 are kept
    refused = [result for result in raced if isinstance(result, RegistryError)]
    assert len(refused) == 1 and refused[0].problems[0].code == "RATE_LIMITED", raced
    assert twelfth.value.problems[0].field == "url" and "at most 10" in twelfth.value.problems[0].message
    async with db.session() as session:
        kept = (await session.exec(select(WebhookEndpoint).where(WebhookEndpoint.customer_id == customer_id))).all()
    assert len(kept) == 10


async def test_a_breach_reaches_the_affected_customers_endpoints_with_every_art_33_fact(
        db, settings, gql, customer, receiver):
    # Given the customer's verified endpoint for incidents, and another customer's, who is not affected
    from notifications.webhooks.payloads import chat_lines
    from tests.support.incidents import recorded_incident

    customer_id, token = customer
    await register(gql, token, receiver, events=["INCIDENT_NOTIFIED", "INCIDENT_UPDATED"])
    other = await make_customer(db, "Kunde B A/S", contacts=[("dpo@kunde-b.dk", "da")])
    with WebhookReceiver() as others:
        await register(gql, await make_token(db, Role.CUSTOMER, "kunde-b", customer_id=other), others,
                       events=["INCIDENT_NOTIFIED"])
        await deliver(db, settings)
        verifications = len(receiver.received)

        # When a breach affecting only the first is notified, and updated
        incident_id = await recorded_incident(db, nature="Uautoriseret adgang til e-mail",
                                              customer_ids=[customer_id], updates=("Adgangen er lukket",))
        await deliver(db, settings)
    assert len(others.received) == 1  # its verification only

    # Then exactly the affected customer's endpoint hears of both, with every Art. 33(3) fact, and a chat message
    # gives the nature and, for the update, its text
    notified, updated = (message.json for message in receiver.received[verifications:])
    assert (notified["type"], updated["type"]) == ("incident.notified", "incident.updated")
    assert notified["data"]["incidentId"] == incident_id
    assert {key: notified["data"][key] for key in ("nature", "subjectCategories", "recordCategories",
                                                   "subjectsApprox", "recordsApprox", "consequences", "measures",
                                                   "contactPoint")} == {
        "nature": "Uautoriseret adgang til e-mail", "subjectCategories": ["Medarbejdere", "Kunder"],
        "recordCategories": ["Kontaktoplysninger"], "subjectsApprox": 1200, "recordsApprox": None,
        "consequences": "Risiko for phishing", "measures": "Adgangskoder nulstillet",
        "contactPoint": "DPO, dpo@office2go.test"}
    _, lines, _ = chat_lines(payload=updated, version=None, language="en", organisation="Office2go ApS")
    assert lines == ["Nature of the breach: Uautoriseret adgang til e-mail", "Update: Adgangen er lukket"]
