"""A requirement of law to process outside the agreement: recorded, told to the customers it concerns before
processing starts, objected to within their window like a change of sub-processors, or kept secret when the law
forbids telling them."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from registry.auth.models import Role
from registry.db import utcnow
from registry.legal_requirements.models import AffectedCustomer, LegalRequirement
from tests.conftest import make_customer, make_token
from tests.support.graphql_documents import (
    FILE_OBJECTION,
    LEGAL_AUDIENCE,
    LEGAL_REQUIREMENT,
    LEGAL_REQUIREMENTS,
    MY_LEGAL_REQUIREMENTS,
    NOTIFY_LEGAL_REQUIREMENT,
    RECORD_LEGAL_REQUIREMENT,
    RECORD_SECRECY,
    nodes,
)
from tests.support.notify_helpers import deliver, link, notifications, token_of

BASIS = "Hvidvaskloven § 26, stk. 1 <pålæg>"


def requirement_input(**changes) -> dict:
    return {"legalBasis": BASIS, "authority": "Statsadvokaten for Særlig Økonomisk og International Kriminalitet",
            "processing": "Udlevering af kontoudtog for 2025 for de berørte kunder",
            "startsAt": (utcnow() + timedelta(days=10)).isoformat(), "services": ["Regnskab"]} | changes


@pytest.fixture
async def world(seeded):
    """Customer A (accounting and hosting), B (hosting only) and C (every service), each with one contact."""
    return {
        "a": await make_customer(seeded, "Kunde A ApS", contacts=[("dpo@kunde-a.dk", "da")],
                                 services=["Regnskab", "Hosting"], notice_days=30),
        "b": await make_customer(seeded, "Kunde B A/S", contacts=[("privacy@kunde-b.com", "en")],
                                 services=["Hosting"]),
        "c": await make_customer(seeded, "Kunde C I/S", contacts=[("it@kunde-c.dk", "en")]),
    }


async def record(gql, admin_token, **changes) -> dict:
    answer = await gql(RECORD_LEGAL_REQUIREMENT, {"input": requirement_input(**changes)}, token=admin_token)
    payload = answer["data"]["recordLegalRequirement"]
    assert payload["userErrors"] == [], payload
    return payload["legalRequirement"]


async def recorded_and_sent(db, gql, admin_token, settings) -> int:
    requirement = await record(gql, admin_token)
    notified = await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": requirement["id"]}, token=admin_token)
    assert notified["data"]["notifyLegalRequirement"]["userErrors"] == []
    await deliver(db, settings)
    return requirement["id"]


async def test_a_notified_requirement_reaches_the_customers_it_concerns_who_object_within_their_window(
        seeded, world, gql, admin_token, smtp, mail_settings):
    # Given a requirement recorded for the customers whose agreements cover accounting (A, and C who has all)
    requirement = await record(gql, admin_token)
    assert requirement["notifiedAt"] is None and requirement["secrecyReason"] is None
    assert smtp.sink.to("dpo@kunde-a.dk") == []

    # When the admin sends it and the worker delivers
    notified = await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": requirement["id"]}, token=admin_token)
    await deliver(seeded, mail_settings)

    # Then A's and C's contacts get it in their language with every fact, their own deadline and an object link;
    # B, who has no accounting, gets nothing
    assert notified["data"]["notifyLegalRequirement"]["legalRequirement"]["notifiedAt"]
    [danish] = smtp.sink.to("dpo@kunde-a.dk")
    [english] = smtp.sink.to("it@kunde-c.dk")
    assert smtp.sink.to("privacy@kunde-b.com") == []
    text = danish.get_body(preferencelist=("plain",)).get_content()
    html = danish.get_body(preferencelist=("html",)).get_content()
    assert "uden for databehandleraftalen" in danish["Subject"] and "List-Unsubscribe" not in danish
    assert BASIS in text and "Statsadvokaten" in text and "kontoudtog for 2025" in text and "Kunde A ApS" in text
    assert "&lt;pålæg&gt;" in html and "<pålæg>" not in html
    assert "Jeres frist for indsigelse: " in text and "dansk tid" in text
    assert "the law requires processing" in english["Subject"] and "Your deadline to object: " in english.get_body(
        preferencelist=("plain",)).get_content()
    object_url = link(danish, "/objections/new")
    assert object_url.startswith("https://registry.example.test/")

    # And the admin sees when each notice left and each deadline; the customer sees it on `me`
    audience = nodes((await gql(LEGAL_AUDIENCE, {"id": requirement["id"]}, token=admin_token))
                     ["data"]["legalRequirementAudience"])
    assert [(row["customer"]["name"], bool(row["notifiedAt"]), bool(row["deadline"]), row["recipient"])
            for row in audience] == [("Kunde A ApS", True, True, "dpo@kunde-a.dk"),
                                     ("Kunde C I/S", True, True, "it@kunde-c.dk")]
    assert audience[0]["messageId"] == danish["Message-ID"]
    customer_a = await make_token(seeded, Role.CUSTOMER, "dpo@kunde-a.dk", customer_id=world["a"])
    [mine] = (await gql(MY_LEGAL_REQUIREMENTS, token=customer_a))["data"]["me"]["legalRequirements"]
    assert mine["canObject"] and mine["deadline"] == audience[0]["deadline"] and mine["legalBasis"] == BASIS
    # processing starts in 10 days, but A's agreement promises 30 days' notice: their window keeps all 30
    deadline, told = (datetime.fromisoformat(mine[key]) for key in ("deadline", "notifiedAt"))
    assert deadline > datetime.fromisoformat(mine["startsAt"]) and deadline - told > timedelta(days=29, hours=22)

    # When A objects through the link in the notice, within the window
    page = await gql.http.get(object_url.split("registry.example.test", 1)[1] + "&lang=da")
    filed = await gql(FILE_OBJECTION, {"input": {"reason": "Vi skal selv svare myndigheden",
                                                 "token": token_of(object_url)}})
    await deliver(seeded, mail_settings)

    # Then the objection is recorded against the requirement, both sides hear of it, and the admin sees it
    assert page.status_code == 200 and "Statsadvokaten" in page.text and "Send indsigelse" in page.text
    objection = filed["data"]["fileObjection"]["objection"]
    assert objection["status"] == "RECEIVED" and objection["legalRequirementId"] == requirement["id"]
    assert objection["versionNumber"] is None
    receipt = smtp.sink.to("dpo@kunde-a.dk")[-1]
    [to_processor] = smtp.sink.to(mail_settings.privacy_contact_email)
    assert "indsigelse mod lovkravet i sag" in receipt["Subject"]
    assert "Vi skal selv svare myndigheden" in to_processor.get_body(preferencelist=("plain",)).get_content()
    audience = nodes((await gql(LEGAL_AUDIENCE, {"id": requirement["id"]}, token=admin_token))
                     ["data"]["legalRequirementAudience"])
    assert audience[0]["objection"]["status"] == "RECEIVED"
    listed = await gql("query($id: Int) { objections(legalRequirementId: $id) { edges { node { customerId } } } }",
                       {"id": requirement["id"]}, token=admin_token)
    assert nodes(listed["data"]["objections"]) == [{"customerId": world["a"]}]


async def test_an_objection_after_the_customers_window_closed_is_refused(seeded, world, gql, admin_token, smtp,
                                                                        mail_settings):
    # Given A was told of a requirement 31 days ago (30 days' notice), and processing started since
    requirement_id = await recorded_and_sent(seeded, gql, admin_token, mail_settings)
    object_url = link(smtp.sink.to("dpo@kunde-a.dk")[0], "/objections/new")
    async with seeded.transaction() as session:
        await session.exec(update(AffectedCustomer).where(AffectedCustomer.legal_requirement_id == requirement_id)
                           .values(sent_at=utcnow() - timedelta(days=31)))
        await session.exec(update(LegalRequirement).where(LegalRequirement.id == requirement_id)
                           .values(starts_at=utcnow() - timedelta(days=1)))
    customer_a = await make_token(seeded, Role.CUSTOMER, "dpo@kunde-a.dk", customer_id=world["a"])

    # When A objects by the link and by token
    by_link = await gql(FILE_OBJECTION, {"input": {"reason": "For sent?", "token": token_of(object_url)}})
    by_token = await gql(FILE_OBJECTION, {"input": {"reason": "For sent?", "legalRequirementId": requirement_id}},
                         token=customer_a)

    # Then both are refused as too late, nothing is recorded, and the customer's view says it is closed
    for answer in (by_link, by_token):
        assert answer["data"]["fileObjection"]["userErrors"] == [
            {"field": "legalRequirementId", "code": "DEADLINE_PASSED"}]
    [mine] = (await gql(MY_LEGAL_REQUIREMENTS, token=customer_a))["data"]["me"]["legalRequirements"]
    assert not mine["canObject"] and mine["objection"] is None
    page = await gql.http.get(object_url.split("registry.example.test", 1)[1] + "&lang=en")
    assert "passed on" in page.text and "<textarea" not in page.text


async def test_when_the_law_forbids_telling_nothing_is_sent_and_the_record_says_why(
        seeded, world, gql, admin_token, smtp, mail_settings):
    # Given a recorded requirement
    requirement = await record(gql, admin_token, services=[], customerIds=[world["a"], world["b"]])

    # When the admin records that the law forbids telling the customers, then tries to send it anyway
    secret = await gql(RECORD_SECRECY, {"id": requirement["id"], "reason": "Retsplejelovens § 791 c: "
                                        "tavshedspligt under efterforskning"}, token=admin_token)
    refused = await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": requirement["id"]}, token=admin_token)
    await deliver(seeded, mail_settings)

    # Then the record shows the reason, sending is refused, no email is queued or sent, and the customer sees nothing
    shown = (await gql(LEGAL_REQUIREMENT, {"id": requirement["id"]}, token=admin_token))["data"]["legalRequirement"]
    assert secret["data"]["recordLegalRequirementSecrecy"]["userErrors"] == []
    assert shown["secrecyReason"].startswith("Retsplejelovens") and shown["secrecyRecordedAt"]
    assert shown["notifiedAt"] is None
    assert refused["data"]["notifyLegalRequirement"] == {"legalRequirement": None,
                                                         "userErrors": [{"field": "id", "code": "INVALID_STATE"}]}
    assert [n for n in await notifications(seeded) if n.kind == "LEGAL_REQUIREMENT"] == []
    assert smtp.sink.to("dpo@kunde-a.dk") == [] and smtp.sink.to("privacy@kunde-b.com") == []
    customer_a = await make_token(seeded, Role.CUSTOMER, "dpo@kunde-a.dk", customer_id=world["a"])
    assert (await gql(MY_LEGAL_REQUIREMENTS, token=customer_a))["data"]["me"]["legalRequirements"] == []
    objected = await gql(FILE_OBJECTION, {"input": {"reason": "?", "legalRequirementId": requirement["id"]}},
                         token=customer_a)
    assert objected["data"]["fileObjection"]["userErrors"] == [{"field": "legalRequirementId", "code": "NOT_FOUND"}]


async def test_a_notice_must_leave_before_processing_starts_and_only_once(seeded, world, gql, admin_token):
    # Given one requirement whose processing has started and one already sent
    started = await record(gql, admin_token)
    async with seeded.transaction() as session:
        await session.exec(update(LegalRequirement).where(LegalRequirement.id == started["id"])
                           .values(starts_at=utcnow() - timedelta(minutes=1)))
    sent = await record(gql, admin_token)
    await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": sent["id"]}, token=admin_token)

    # When the admin sends each (again), or records secrecy for the one sent
    late = await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": started["id"]}, token=admin_token)
    again = await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": sent["id"]}, token=admin_token)
    secret = await gql(RECORD_SECRECY, {"id": sent["id"], "reason": "For sent"}, token=admin_token)

    # Then each is refused with its reason
    assert late["data"]["notifyLegalRequirement"]["userErrors"] == [{"field": "id", "code": "DEADLINE_PASSED"}]
    assert again["data"]["notifyLegalRequirement"]["userErrors"] == [{"field": "id", "code": "INVALID_STATE"}]
    assert secret["data"]["recordLegalRequirementSecrecy"]["userErrors"] == [{"field": "id", "code": "INVALID_STATE"}]


async def test_bad_input_is_refused_and_records_nothing(seeded, world, gql, admin_token):
    # When an admin records requirements with blank facts, a start in the past, an unknown customer, more than
    # 1,000 customers one by one, or nobody
    answers = [await gql(RECORD_LEGAL_REQUIREMENT, {"input": requirement_input(**changes)}, token=admin_token)
               for changes in ({"legalBasis": " ", "processing": ""},
                               {"startsAt": (utcnow() - timedelta(days=1)).isoformat()},
                               {"customerIds": [999999]},
                               {"customerIds": list(range(1, 1002))},
                               {"services": []})]

    # Then each is refused naming the field, and nothing was recorded
    codes = [[(e["field"], e["code"]) for e in a["data"]["recordLegalRequirement"]["userErrors"]] for a in answers]
    assert codes == [[("legalBasis", "INVALID"), ("processing", "INVALID")], [("startsAt", "INVALID")],
                     [("customerIds", "NOT_FOUND")], [("customerIds", "INVALID")], [("customerIds", "REQUIRED")]]
    assert nodes((await gql(LEGAL_REQUIREMENTS, token=admin_token))["data"]["legalRequirements"]) == []


async def test_authorisation_matrix_for_every_legal_requirement_operation(seeded, world, gql, admin_token, settings):
    # Given a requirement sent to A only, and tokens for A and B
    requirement_id = (await record(gql, admin_token, services=[], customerIds=[world["a"]]))["id"]
    await gql(NOTIFY_LEGAL_REQUIREMENT, {"id": requirement_id}, token=admin_token)
    tokens = {"anonymous": None, "admin": admin_token,
              "A": await make_token(seeded, Role.CUSTOMER, "a", customer_id=world["a"]),
              "B": await make_token(seeded, Role.CUSTOMER, "b", customer_id=world["b"])}
    admin_only = [(RECORD_LEGAL_REQUIREMENT, {"input": requirement_input()}),
                  (NOTIFY_LEGAL_REQUIREMENT, {"id": requirement_id}),
                  (RECORD_SECRECY, {"id": requirement_id, "reason": "x"}),
                  (LEGAL_REQUIREMENT, {"id": requirement_id}), (LEGAL_REQUIREMENTS, {}),
                  (LEGAL_AUDIENCE, {"id": requirement_id})]

    # Then admin operations are FORBIDDEN to everyone but an admin
    for who in ("anonymous", "A", "B"):
        for document, variables in admin_only:
            answer = await gql(document, variables, token=tokens[who])
            assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN", (who, document)
    assert "errors" not in await gql(LEGAL_REQUIREMENT, {"id": requirement_id}, token=admin_token)

    # And `me` shows A their requirement, B nothing; strangers and admins have no `me`
    mine = {who: await gql(MY_LEGAL_REQUIREMENTS, token=tokens[who]) for who in tokens}
    assert [r["id"] for r in mine["A"]["data"]["me"]["legalRequirements"]] == [requirement_id]
    assert mine["B"]["data"]["me"]["legalRequirements"] == []
    assert all(mine[who]["errors"][0]["extensions"]["code"] == "FORBIDDEN" for who in ("anonymous", "admin"))

    # And only A may object to it: B is told it does not exist, strangers and admins are FORBIDDEN
    filed = {who: await gql(FILE_OBJECTION, {"input": {"reason": "Nej", "legalRequirementId": requirement_id}},
                            token=tokens[who]) for who in tokens}
    assert filed["A"]["data"]["fileObjection"]["objection"]["status"] == "RECEIVED"
    assert filed["B"]["data"]["fileObjection"]["userErrors"] == [{"field": "legalRequirementId", "code": "NOT_FOUND"}]
    assert all(filed[who]["errors"][0]["extensions"]["code"] == "FORBIDDEN" for who in ("anonymous", "admin"))
