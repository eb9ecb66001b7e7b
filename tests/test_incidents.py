"""Personal data breaches: an admin records one, every affected customer's contacts are told at once in their
language, updates follow, and the register proves when each notice left and what the mail server said."""

import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import event
from sqlmodel import select

from notifications import flows
from notifications.outbox.models import Notification
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint
from registry import labels
from registry.auth.models import Role
from registry.customers.models import Customer, NoticeContact
from registry.db import utcnow
from registry.incidents import service as incidents
from registry.incidents.models import IncidentCustomer
from tests.conftest import make_customer, make_token
from tests.support.graphql_documents import nodes
from tests.support.incidents import recorded_incident
from tests.support.notify_helpers import deliver

CREATE = """mutation($input: CreateIncidentInput!) { createIncident(input: $input) {
  incident { id status notices { customerId customerName sentAt } } userErrors { field code message } } }"""
NOTIFY = """mutation($id: Int!) { notifyIncident(input: {id: $id}) {
  incident { status notifiedAt } userErrors { field code } } }"""
UPDATE = """mutation($id: Int!, $text: String!) { addIncidentUpdate(input: {id: $id, text: $text}) {
  update { text author createdAt } userErrors { field code } } }"""
INCIDENT = """query($id: Int!) { incident(id: $id) { status becameAwareAt updates { text author }
  notices { customerName becameAwareAt sentAt messageId serverReply recipient acknowledgedAt hoursToNotice } } }"""
INCIDENTS = "{ incidents { edges { node { id nature } } } }"
NOT_REACHED = """query($id: Int!) { incidentNotReached(incidentId: $id) {
  edges { node { customerName status lastError } } } }"""

NATURE = "Uautoriseret adgang til <backup> & logfiler"


def facts(**changes) -> dict:
    aware = (utcnow() - timedelta(hours=3)).replace(microsecond=0)
    return {"nature": NATURE, "subjectCategories": ["Medarbejdere", "Kunder"], "subjectsApprox": 1200,
            "recordCategories": ["Kontaktoplysninger"], "recordsApprox": None,
            "consequences": "Risiko for phishing", "measures": "Adgangskoder nulstillet; politiet underrettet",
            "contactPoint": "=DPO, dpo@office2go.test", "becameAwareAt": aware.isoformat(), **changes}


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def markup(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


async def affected_world(db) -> dict[str, int]:
    """Hosting customer A (a Danish and an English contact), mail customer B, and C chosen one by one."""
    return {"A": await make_customer(db, "Kunde A ApS", services=["Hosting"],
                                     contacts=[("dpo@kunde-a.dk", "da"), ("it@kunde-a.dk", "en")]),
            "B": await make_customer(db, "Kunde B ApS", services=["Mail"], contacts=[("dpo@kunde-b.dk", "da")]),
            "C": await make_customer(db, "Kunde C ApS", services=["Mail"], contacts=[("dpo@kunde-c.dk", "en")])}


async def record(gql, token, customers, **changes) -> int:
    created = await gql(CREATE, {"input": facts(services=["Hosting"], customerIds=[customers["C"]], **changes)},
                        token=token)
    assert created["data"]["createIncident"]["userErrors"] == [], created
    return created["data"]["createIncident"]["incident"]["id"]


async def test_a_notified_incident_reaches_every_contact_of_every_affected_customer_with_proof(
        seeded, gql, admin_token, smtp, mail_settings):
    # Given customers A (by its Hosting service) and C (one by one) affected, B not
    customers = await affected_world(seeded)
    created = await gql(CREATE, {"input": facts(services=["Hosting"], customerIds=[customers["C"]])},
                        token=admin_token)
    incident = created["data"]["createIncident"]["incident"]
    assert incident["status"] == "RECORDED"
    assert [n["customerName"] for n in incident["notices"]] == ["Kunde A ApS", "Kunde C ApS"]
    await deliver(seeded, mail_settings)
    assert smtp.sink.messages == []  # recorded is not told

    # When an admin notifies it and the worker delivers
    notified = await gql(NOTIFY, {"id": incident["id"]}, token=admin_token)
    await deliver(seeded, mail_settings)

    # Then every contact of A and C has the notice in their own language, B nothing
    assert notified["data"]["notifyIncident"]["incident"]["status"] == "NOTIFIED"
    [danish], [english], [to_c] = (smtp.sink.to(a) for a in ("dpo@kunde-a.dk", "it@kunde-a.dk", "dpo@kunde-c.dk"))
    assert smtp.sink.to("dpo@kunde-b.dk") == []
    assert "brud på persondatasikkerheden" in danish["Subject"] and "personal data breach" in english["Subject"]
    answer = (await gql(INCIDENT, {"id": incident["id"]}, token=admin_token))["data"]["incident"]
    aware = answer["becameAwareAt"]
    aware_at = datetime.fromisoformat(aware)
    text = plain(danish)
    # every fact in words, the time in Copenhagen with its zone, unknowns said
    for expected in (NATURE, "Medarbejdere, Kunder", "ca. 1.200", "Ukendt", "Risiko for phishing",
                     "Adgangskoder nulstillet; politiet underrettet", labels.local_time(aware_at, "da")):
        assert expected in text, expected
    assert "about 1,200" in plain(english) and labels.local_time(aware_at, "en") in plain(english)
    # escaped in HTML, as typed in text
    assert "&lt;backup&gt; &amp; logfiler" in markup(danish) and "<backup>" not in markup(danish)
    # a link to the incident on the customer's own page, in the reader's language
    assert "/customer?lang=da#access_token=" in text and text.count(f"&incident={incident['id']}") == 1
    assert "/customer?lang=en#access_token=" in plain(english)
    assert "List-Unsubscribe" not in danish and danish.is_multipart()

    # And the proof names when each customer's notice left, its Message-ID and the real server's reply
    proof = {n["customerName"]: n for n in answer["notices"]}
    assert proof["Kunde A ApS"]["messageId"] in (danish["Message-ID"], english["Message-ID"])
    assert proof["Kunde C ApS"]["messageId"] == to_c["Message-ID"]
    for notice in proof.values():
        assert "250" in notice["serverReply"] and "queued as test" in notice["serverReply"]
        assert notice["becameAwareAt"] == aware and notice["acknowledgedAt"] is None
        sent = datetime.fromisoformat(notice["sentAt"])
        assert abs(notice["hoursToNotice"] - (sent - aware_at).total_seconds() / 3600) < 0.01
        assert 2.9 < notice["hoursToNotice"] < 3.5

    # When an update follows
    updated = await gql(UPDATE, {"id": incident["id"], "text": "Angrebet er stoppet <i dag>."}, token=admin_token)
    await deliver(seeded, mail_settings)

    # Then it is kept with time and author and mailed to the same contacts
    assert updated["data"]["addIncidentUpdate"]["update"]["author"] == "alice@office2go.test"
    for address in ("dpo@kunde-a.dk", "it@kunde-a.dk", "dpo@kunde-c.dk"):
        last = smtp.sink.to(address)[-1]
        assert "Angrebet er stoppet <i dag>." in plain(last) and "&lt;i dag&gt;" in markup(last)
    assert smtp.sink.to("dpo@kunde-b.dk") == []
    answer = (await gql(INCIDENT, {"id": incident["id"]}, token=admin_token))["data"]["incident"]
    assert answer["updates"] == [{"text": "Angrebet er stoppet <i dag>.", "author": "alice@office2go.test"}]
    # the first notice's proof does not move with the update
    assert {n["customerName"]: n["messageId"] for n in answer["notices"]} == {
        name: n["messageId"] for name, n in proof.items()}


async def test_customers_not_reached_or_failed_are_listed(seeded, gql, admin_token, smtp, mail_settings):
    # Given A reachable, C whose server refuses for good, and D with no contact at all
    customers = await affected_world(seeded)
    customers["D"] = await make_customer(seeded, "Kunde D ApS", services=["Hosting"])
    smtp.sink.script("dpo@kunde-c.dk", "550")
    incident = await record(gql, admin_token, customers)
    before = await gql(NOT_REACHED, {"id": incident}, token=admin_token)

    # When the incident is notified and the worker has tried
    await gql(NOTIFY, {"id": incident}, token=admin_token)
    queued = nodes((await gql(NOT_REACHED, {"id": incident}, token=admin_token))["data"]["incidentNotReached"])
    await deliver(seeded, mail_settings)
    after = nodes((await gql(NOT_REACHED, {"id": incident}, token=admin_token))["data"]["incidentNotReached"])

    # Then nothing is listed before notifying, everyone waits while queued, and after delivery C and D remain
    assert nodes(before["data"]["incidentNotReached"]) == []
    assert {n["customerName"]: n["status"] for n in queued} == {
        "Kunde A ApS": "QUEUED", "Kunde C ApS": "QUEUED", "Kunde D ApS": None}
    assert [(n["customerName"], n["status"]) for n in after] == [("Kunde C ApS", "FAILED"), ("Kunde D ApS", None)]
    assert "550" in after[0]["lastError"]


async def test_bad_input_is_refused_and_records_nothing(seeded, gql, admin_token):
    customers = await affected_world(seeded)
    cases = [
        (facts(nature="  ", customerIds=[customers["A"]]), "nature", "REQUIRED"),
        (facts(becameAwareAt=(utcnow() + timedelta(hours=1)).isoformat(), customerIds=[customers["A"]]),
         "becameAwareAt", "INVALID"),
        (facts(becameAwareAt="2026-11-27T08:00:00", customerIds=[customers["A"]]), "becameAwareAt", "INVALID"),
        (facts(subjectsApprox=-1, customerIds=[customers["A"]]), "subjectsApprox", "INVALID"),
        (facts(customerIds=[customers["A"], 999999]), "customerIds", "NOT_FOUND"),
        (facts(services=["Nothing anyone has"]), "customerIds", "REQUIRED"),
        (facts(measures="x" * 4001, customerIds=[customers["A"]]), "measures", "TOO_LONG"),
    ]
    for given, field, code in cases:
        answer = await gql(CREATE, {"input": given}, token=admin_token)
        assert answer["data"]["createIncident"]["incident"] is None, given
        assert [(e["field"], e["code"]) for e in answer["data"]["createIncident"]["userErrors"]] == [(field, code)]

    assert nodes((await gql(INCIDENTS, token=admin_token))["data"]["incidents"]) == []
    async with seeded.session() as session:
        assert (await session.exec(select(IncidentCustomer))).all() == []

    # An update before the notice, a second notice, and an unknown incident are refused too
    incident = await record(gql, admin_token, customers)
    early = await gql(UPDATE, {"id": incident, "text": "Mere"}, token=admin_token)
    await gql(NOTIFY, {"id": incident}, token=admin_token)
    again = await gql(NOTIFY, {"id": incident}, token=admin_token)
    unknown = await gql(NOTIFY, {"id": 424242}, token=admin_token)
    blank = await gql(UPDATE, {"id": incident, "text": " "}, token=admin_token)
    assert early["data"]["addIncidentUpdate"]["userErrors"] == [{"field": "id", "code": "INVALID_STATE"}]
    assert again["data"]["notifyIncident"]["userErrors"] == [{"field": "id", "code": "INVALID_STATE"}]
    assert unknown["data"]["notifyIncident"]["userErrors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert blank["data"]["addIncidentUpdate"]["userErrors"] == [{"field": "text", "code": "REQUIRED"}]
    answer = (await gql(INCIDENT, {"id": incident}, token=admin_token))["data"]["incident"]
    assert answer["updates"] == []


async def test_the_register_exports_every_fact_update_notice_and_acknowledgement(
        seeded, client, gql, admin_token, smtp, mail_settings):
    # Given an incident notified, delivered, updated, and acknowledged by customer C
    customers = await affected_world(seeded)
    incident = await record(gql, admin_token, customers)
    await gql(NOTIFY, {"id": incident}, token=admin_token)
    await deliver(seeded, mail_settings)
    await gql(UPDATE, {"id": incident, "text": "Angrebet er stoppet."}, token=admin_token)
    async with seeded.transaction() as session:
        acknowledged = await session.get(IncidentCustomer, (incident, customers["C"]))
        acknowledged.acknowledged_at, acknowledged.acknowledged_by = utcnow(), "dpo@kunde-c.dk"
    headers = {"Authorization": f"Bearer {admin_token}"}

    # When an admin downloads the register as JSON and as CSV
    as_json = await client.get("/admin/incidents.json", headers=headers)
    as_csv = await client.get("/admin/incidents.csv", headers=headers)

    # Then both hold every fact, the update, each customer's notice with its proof, and the acknowledgement
    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json"
    [entry] = as_json.json()["incidents"]
    assert entry["nature"] == NATURE and entry["subject_categories"] == ["Medarbejdere", "Kunder"]
    assert entry["subjects_approx"] == 1200 and entry["records_approx"] is None and entry["status"] == "NOTIFIED"
    assert [u["text"] for u in entry["updates"]] == ["Angrebet er stoppet."]
    assert entry["updates"][0]["author"] == "alice@office2go.test"
    notices = {n["customer"]: n for n in entry["notices"]}
    assert set(notices) == {"Kunde A ApS", "Kunde C ApS"}
    assert notices["Kunde C ApS"]["message_id"] == smtp.sink.to("dpo@kunde-c.dk")[0]["Message-ID"]
    assert "250" in notices["Kunde C ApS"]["server_reply"] and notices["Kunde C ApS"]["hours_to_notice"] > 2.9
    assert notices["Kunde C ApS"]["acknowledged_by"] == "dpo@kunde-c.dk"
    assert notices["Kunde A ApS"]["acknowledged_at"] is None

    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["record"], r["customer"]) for r in rows] == [
        ("notice", "Kunde A ApS"), ("notice", "Kunde C ApS"), ("update", "")]
    assert all(r["nature"] == NATURE and r["subjects_approx"] == "1200" for r in rows)
    assert rows[1]["message_id"] == notices["Kunde C ApS"]["message_id"] and rows[1]["acknowledged_at"]
    assert rows[2]["update_text"] == "Angrebet er stoppet." and rows[2]["update_author"] == "alice@office2go.test"
    # a cell a spreadsheet would run as a formula is kept as text
    assert rows[0]["contact_point"] == "'=DPO, dpo@office2go.test"


async def test_only_admins_see_or_touch_incidents(seeded, client, gql, admin_token):
    # Given an incident that affects customer A
    customers = await affected_world(seeded)
    incident = await record(gql, admin_token, customers)
    customer = await make_token(seeded, Role.CUSTOMER, "kunde-a", customer_id=customers["A"])

    # When a stranger and an affected customer try every admin operation
    for token in (None, customer, "rgy_not-a-real-token"):
        for document, variables in ((INCIDENTS, {}), (INCIDENT, {"id": incident}), (NOT_REACHED, {"id": incident}),
                                    (CREATE, {"input": facts(customerIds=[customers["A"]])}),
                                    (NOTIFY, {"id": incident}), (UPDATE, {"id": incident, "text": "x"})):
            answer = await gql(document, variables, token=token)
            # Then each is refused, naming no incident
            assert answer.get("data") is None or not any(answer["data"].values()), answer
            assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN", answer
        for path in ("/admin/incidents.json", "/admin/incidents.csv"):
            response = await client.get(path, headers={"Authorization": f"Bearer {token}"} if token else {})
            assert response.status_code == (403 if token == customer else 401)
            assert NATURE not in response.text

    # And nothing changed
    answer = (await gql(INCIDENT, {"id": incident}, token=admin_token))["data"]["incident"]
    assert answer["status"] == "RECORDED" and answer["updates"] == []
    assert len(nodes((await gql(INCIDENTS, token=admin_token))["data"]["incidents"])) == 1


async def test_incidents_are_never_public(seeded, client, gql, admin_token, smtp, mail_settings):
    # Given a notified and updated incident
    customers = await affected_world(seeded)
    incident = await record(gql, admin_token, customers)
    await gql(NOTIFY, {"id": incident}, token=admin_token)
    await gql(UPDATE, {"id": incident, "text": "Opdatering om bruddet"}, token=admin_token)

    # When anyone reads the public page, the versions, the feed and anonymous queries
    public = [await client.get(path) for path in ("/subprocessors", "/subprocessors?lang=en", "/subprocessors/versions",
                                                  "/feed.atom", "/feed.atom?lang=en", "/agreement")]
    anonymous = await gql("{ registryVersions { edges { node { number note } } } subprocessors { name } }")

    # Then no fact of it shows anywhere
    for response in public:
        assert response.status_code == 200
        for secret in ("logfiler", "Opdatering om bruddet", "Risiko for phishing"):
            assert secret not in response.text, response.url
    assert "logfiler" not in str(anonymous)


async def test_a_customer_reads_only_their_own_notified_incidents(seeded, gql, admin_token):
    # Given incident 1 affecting A and C, notified and updated, and incident 2 affecting A, only recorded
    customers = await affected_world(seeded)
    first = await record(gql, admin_token, customers)
    await gql(NOTIFY, {"id": first}, token=admin_token)
    await gql(UPDATE, {"id": first, "text": "Angrebet er stoppet."}, token=admin_token)
    await gql(CREATE, {"input": facts(customerIds=[customers["A"]], nature="Endnu ikke meldt")}, token=admin_token)

    # When the read services the customer's page and download are built on answer for A, B and C
    async with seeded.session() as session:
        seen = {name: await incidents.incidents_for_customer(session=session, customer_id=customer_id)
                for name, customer_id in customers.items()}
        register = await incidents.incident_register(session=session, customer_id=customers["C"])
        whole = await incidents.incident_register(session=session)

    # Then A and C see the notified incident with its update and their own notice, B nothing, nobody the draft
    assert [item.incident.id for item in seen["A"]] == [first] and seen["B"] == []
    assert [u.text for u in seen["C"][0].updates] == ["Angrebet er stoppet."]
    assert seen["C"][0].notice.customer_id == customers["C"]
    assert [entry["id"] for entry in register] == [first]
    assert [n["customer"] for n in register[0]["notices"]] == ["Kunde C ApS"]
    assert [len(entry["notices"]) for entry in whole] == [2, 1]


async def customers_with_endpoints(db, count: int) -> list[int]:
    """`count` more customers, each with a notice contact and a verified endpoint that wants breach events."""
    async with db.transaction() as session:
        rows = [Customer(name=f"Kunde {index:03d} ApS") for index in range(count)]
        session.add_all(rows)
        await session.flush()
        for customer in rows:
            session.add_all([NoticeContact(customer_id=customer.id, email=f"dpo{customer.id}@kunde.example"),
                             WebhookEndpoint(customer_id=customer.id, url=f"https://hooks.example/{customer.id}",
                                             event_types=["incident.notified"], secret="whsec_test", challenge="c",
                                             verified_at=utcnow(), created_by="test")])
        return [customer.id for customer in rows]


async def notify_cost(db, customer_ids: list[int]) -> tuple[int, int, int]:
    """Notify a breach affecting these customers: the INSERTs it sent, the other statements, and the most
    parameters one read took."""
    incident_id = await recorded_incident(db, nature="Uautoriseret adgang", customer_ids=customer_ids, notify=False)
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement.lstrip(), parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db.transaction() as session:
            await flows.notify_incident(session=session, actor="alice@office2go.test", incident_id=incident_id)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    inserts = sum(statement.startswith("INSERT") for statement, _ in statements)
    reads = [len(parameters or ()) for statement, parameters in statements if statement.startswith("SELECT")]
    return inserts, len(statements) - inserts, max(reads)


async def test_notifying_a_breach_costs_the_same_statements_and_parameters_at_3_and_30_affected_endpoints(db):
    # Given 3 affected customers, then 30, each with a notice contact and a verified endpoint for breaches
    small = await notify_cost(db, await customers_with_endpoints(db, 3))
    large = await notify_cost(db, await customers_with_endpoints(db, 30))

    # Then the notice mail and the events cost the same statements however many are affected: no ring per row,
    # and so (PostgreSQL) no lone INSERT per row, where one flush batches them (on SQLite the ORM inserts row by
    # row: one INSERT per mail and event, plus the audit entry). No read takes a parameter per customer either
    # (asyncpg stops at 32,767).
    assert large[1:] == small[1:], (small, large)
    assert large[0] == (small[0] if db.dialect == "postgresql" else 1 + 30 + 30), (small, large)
    async with db.session() as session:
        assert len((await session.exec(select(WebhookDelivery))).all()) == 33
        assert len((await session.exec(select(Notification))).all()) == 33
