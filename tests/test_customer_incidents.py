"""A customer reads the personal data breaches that affect them, confirms receipt, and downloads their record;
no one else's incident ever shows, and every incident operation answers each kind of caller as it should."""

import csv
import io
from datetime import datetime

import pytest

from registry import labels
from registry.auth.models import Role
from tests.conftest import make_customer, make_token
from tests.support.graphql_documents import nodes
from tests.support.incidents import recorded_incident
from tests.support.notify_helpers import deliver

ME = """query($language: Language!) { me { incidents { id nature subjectsApprox recordsApprox becameAwareAt
  noticeSentAt acknowledgedAt updates { text createdAt }
  inWords(language: $language) { facts { label value } updates { at text } } } } }"""
ME_IDS = "{ me { incidents { id } } }"
ACKNOWLEDGE = """mutation($id: Int!) { acknowledgeIncident(input: {id: $id}) {
  incident { id acknowledgedAt } userErrors { field code message } } }"""
ADMIN_INCIDENT = """query($id: Int!) { incident(id: $id) { status updates { text }
  notices { customerName sentAt acknowledgedAt } } }"""
AUDIT = """{ auditLog(action: "acknowledgeIncident") { edges { node { actor target after } } } }"""

SEEN = "Uautoriseret adgang til <backup> hos A"
OTHERS = "Phishing hos B"
DRAFT = "Endnu ikke meldt brud hos A"


@pytest.fixture
async def world(seeded, admin_token) -> dict:
    """Customers A and B; A notified of `SEEN` (with one update), B of `OTHERS`; `DRAFT` for A only recorded."""
    a = await make_customer(seeded, "Kunde A ApS", contacts=[("dpo@kunde-a.dk", "da")])
    b = await make_customer(seeded, "Kunde B ApS", contacts=[("dpo@kunde-b.dk", "en")])
    return {"A": a, "B": b,
            "seen": await recorded_incident(seeded, nature=SEEN, customer_ids=[a], updates=("Angrebet er stoppet.",)),
            "others": await recorded_incident(seeded, nature=OTHERS, customer_ids=[b]),
            "draft": await recorded_incident(seeded, nature=DRAFT, customer_ids=[a], notify=False),
            "tokens": {"anonymous": None, "admin": admin_token,
                       "A": await make_token(seeded, Role.CUSTOMER, "dpo@kunde-a.dk", customer_id=a),
                       "B": await make_token(seeded, Role.CUSTOMER, "dpo@kunde-b.dk", customer_id=b)}}


async def test_a_customer_reads_their_own_incident_and_confirms_receipt_once(
        seeded, world, gql, admin_token, smtp, mail_settings):
    # Given the notices have reached the customers' mail servers
    await deliver(seeded, mail_settings)
    token = world["tokens"]["A"]

    # When customer A reads their incidents
    answer = await gql(ME, {"language": "EN"}, token=token)

    # Then they see the notified one only, its update, and when their own notice left, as the proof says
    [incident] = answer["data"]["me"]["incidents"]
    assert incident["id"] == world["seen"] and incident["nature"] == SEEN
    assert [u["text"] for u in incident["updates"]] == ["Angrebet er stoppet."]
    proof = (await gql(ADMIN_INCIDENT, {"id": world["seen"]}, token=admin_token))["data"]["incident"]
    assert incident["noticeSentAt"] == proof["notices"][0]["sentAt"] is not None
    assert incident["acknowledgedAt"] is None
    # every fact in words: labels, numbers, unknowns, and times in Copenhagen time with the zone
    words = {fact["label"]: fact["value"] for fact in incident["inWords"]["facts"]}
    sent = datetime.fromisoformat(incident["noticeSentAt"])
    assert words["Approximate number of data subjects"] == "about 1,200"
    assert words["Approximate number of personal data records"] == "Unknown"
    assert words["We became aware of the breach"] == labels.local_time(
        datetime.fromisoformat(incident["becameAwareAt"]), "en")
    assert words["The notice was sent to you"] == labels.local_time(sent, "en")
    assert words["You confirmed receipt"] == "Not yet"
    assert "Copenhagen time (CE" in words["The notice was sent to you"]
    danish = (await gql(ME, {"language": "DA"}, token=token))["data"]["me"]["incidents"][0]["inWords"]
    assert {f["label"]: f["value"] for f in danish["facts"]}["Omtrentligt antal registrerede"] == "ca. 1.200"
    assert "dansk tid" in danish["updates"][0]["at"]

    # When they confirm receipt, and confirm again
    first = await gql(ACKNOWLEDGE, {"id": world["seen"]}, token=token)
    again = await gql(ACKNOWLEDGE, {"id": world["seen"]}, token=token)

    # Then the first time is kept, the admins' proof shows it, and the audit log holds one entry
    acknowledged = first["data"]["acknowledgeIncident"]
    assert acknowledged["userErrors"] == [] and acknowledged["incident"]["acknowledgedAt"]
    assert again["data"]["acknowledgeIncident"] == acknowledged
    proof = (await gql(ADMIN_INCIDENT, {"id": world["seen"]}, token=admin_token))["data"]["incident"]
    assert proof["notices"][0]["acknowledgedAt"] == acknowledged["incident"]["acknowledgedAt"]
    entries = nodes((await gql(AUDIT, token=admin_token))["data"]["auditLog"])
    assert entries == [{"actor": "dpo@kunde-a.dk", "target": f"incident {world['seen']} customer {world['A']}",
                        "after": {"acknowledged_at": entries[0]["after"]["acknowledged_at"]}}]
    words = (await gql(ME, {"language": "EN"}, token=token))["data"]["me"]["incidents"][0]["inWords"]["facts"]
    assert {f["label"]: f["value"] for f in words}["You confirmed receipt"] == labels.local_time(
        datetime.fromisoformat(acknowledged["incident"]["acknowledgedAt"]), "en")


async def test_the_customers_download_holds_their_own_record_only(seeded, world, client, smtp, mail_settings):
    # Given the notices have left and A has confirmed receipt
    await deliver(seeded, mail_settings)
    headers = {"Authorization": f"Bearer {world['tokens']['A']}"}
    client_gql = {"query": ACKNOWLEDGE, "variables": {"id": world["seen"]}}
    assert (await client.post("/graphql", json=client_gql, headers=headers)).status_code == 200

    # When A downloads their record as JSON and CSV
    as_json = await client.get("/customer/incidents.json", headers=headers)
    as_csv = await client.get("/customer/incidents.csv", headers=headers)

    # Then it holds the incident they were told of with every fact, the update, their notice and confirmation
    assert as_json.status_code == 200 and "attachment" in as_json.headers["content-disposition"]
    assert as_json.headers["cache-control"] == "no-store"
    [entry] = as_json.json()["incidents"]
    assert entry["id"] == world["seen"] and entry["nature"] == SEEN and entry["subjects_approx"] == 1200
    assert [u["text"] for u in entry["updates"]] == ["Angrebet er stoppet."]
    # the processor's staff stay unnamed in a customer's copy
    assert entry["created_by"] is entry["notified_by"] is entry["updates"][0]["author"] is None
    [notice] = entry["notices"]
    assert notice["customer"] == "Kunde A ApS" and notice["sent_at"] and "250" in notice["server_reply"]
    assert notice["acknowledged_at"] and notice["acknowledged_by"] == "dpo@kunde-a.dk"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert [(r["incident_id"], r["record"], r["customer"]) for r in rows] == [
        (str(world["seen"]), "notice", "Kunde A ApS"), (str(world["seen"]), "update", "")]
    # and nothing of B's incident, B's name or the breach A was never told of
    for text in (as_json.text, as_csv.text):
        assert OTHERS not in text and "Kunde B ApS" not in text and DRAFT not in text


# ---- Authorisation: every incident operation, for a stranger, customer A, customer B and an admin ----

CREATE = """mutation($input: CreateIncidentInput!) { createIncident(input: $input) {
  incident { id } userErrors { code } } }"""
NOTIFY = "mutation($id: Int!) { notifyIncident(input: {id: $id}) { incident { status } userErrors { code } } }"
UPDATE = """mutation($id: Int!) { addIncidentUpdate(input: {id: $id, text: "Mere"}) {
  update { text } userErrors { code } } }"""
INCIDENTS = "{ incidents { edges { node { id nature } } } }"
INCIDENT = "query($id: Int!) { incident(id: $id) { id nature } }"
NOT_REACHED = "query($id: Int!) { incidentNotReached(incidentId: $id) { edges { node { customerName } } } }"


def create_input(customer: int) -> dict:
    return {"input": {"nature": "Nyt brud", "consequences": "c", "measures": "m", "contactPoint": "DPO",
                      "becameAwareAt": "2026-01-05T08:00:00+01:00", "customerIds": [customer]}}


async def graphql_outcome(gql, token, document, variables, field) -> str:
    """'forbidden', 'not found', or 'allowed' (with the answer's data checked to hold something)."""
    answer = await gql(document, variables, token=token)
    if answer.get("errors"):
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN", answer
        assert answer["data"] is None or answer["data"][field] is None, answer
        return "forbidden"
    result = answer["data"][field]
    if isinstance(result, dict) and result.get("userErrors"):
        assert result["userErrors"][0]["code"] == "NOT_FOUND", answer
        return "not found"
    assert result, answer
    return "allowed"


async def download_outcome(client, token, path) -> tuple[int, str]:
    response = await client.get(path, headers={"Authorization": f"Bearer {token}"} if token else {})
    return response.status_code, response.text


# What each caller gets from each operation. "not found" for B is the answer to a missing incident too.
EXPECTED = {
    "createIncident": {"anonymous": "forbidden", "A": "forbidden", "B": "forbidden", "admin": "allowed"},
    "notifyIncident": {"anonymous": "forbidden", "A": "forbidden", "B": "forbidden", "admin": "allowed"},
    "addIncidentUpdate": {"anonymous": "forbidden", "A": "forbidden", "B": "forbidden", "admin": "allowed"},
    "incidents": {"anonymous": "forbidden", "A": "forbidden", "B": "forbidden", "admin": "allowed"},
    "incident": {"anonymous": "forbidden", "A": "forbidden", "B": "forbidden", "admin": "allowed"},
    "incidentNotReached": {"anonymous": "forbidden", "A": "forbidden", "B": "forbidden", "admin": "allowed"},
    "acknowledgeIncident": {"anonymous": "forbidden", "A": "allowed", "B": "not found", "admin": "forbidden"},
    "me.incidents": {"anonymous": "forbidden", "A": "allowed", "B": "allowed", "admin": "forbidden"},
    "/admin/incidents.json": {"anonymous": 401, "A": 403, "B": 403, "admin": 200},
    "/admin/incidents.csv": {"anonymous": 401, "A": 403, "B": 403, "admin": 200},
    "/customer/incidents.json": {"anonymous": 401, "A": 200, "B": 200, "admin": 403},
    "/customer/incidents.csv": {"anonymous": 401, "A": 200, "B": 200, "admin": 403},
    "/customer": {"anonymous": 200, "A": 200, "B": 200, "admin": 200},
}


@pytest.mark.parametrize("caller", ["anonymous", "A", "B", "admin"])
async def test_every_incident_operation_answers_each_caller_as_it_should(seeded, world, client, gql, caller):
    token, seen, draft = world["tokens"][caller], world["seen"], world["draft"]
    admin = world["tokens"]["admin"]
    before = (await gql(ADMIN_INCIDENT, {"id": seen}, token=admin))["data"]["incident"]

    # When the caller tries every incident operation on A's incidents
    found = {
        "createIncident": await graphql_outcome(gql, token, CREATE, create_input(world["A"]), "createIncident"),
        "notifyIncident": await graphql_outcome(gql, token, NOTIFY, {"id": draft}, "notifyIncident"),
        "addIncidentUpdate": await graphql_outcome(gql, token, UPDATE, {"id": seen}, "addIncidentUpdate"),
        "incidents": await graphql_outcome(gql, token, INCIDENTS, {}, "incidents"),
        "incident": await graphql_outcome(gql, token, INCIDENT, {"id": seen}, "incident"),
        "incidentNotReached": await graphql_outcome(gql, token, NOT_REACHED, {"id": seen}, "incidentNotReached"),
        "acknowledgeIncident": await graphql_outcome(gql, token, ACKNOWLEDGE, {"id": seen}, "acknowledgeIncident"),
        "me.incidents": await graphql_outcome(gql, token, ME_IDS, {}, "me"),
    }
    bodies = {}
    for path in ("/admin/incidents.json", "/admin/incidents.csv", "/customer/incidents.json",
                 "/customer/incidents.csv", "/customer"):
        found[path], bodies[path] = await download_outcome(client, token, path)

    # Then each answers as the table says
    assert found == {operation: callers[caller] for operation, callers in EXPECTED.items()}

    # And whoever is not an admin nor A learns nothing of A's incident, not even whether it exists
    if caller in ("anonymous", "B"):
        for path, body in bodies.items():
            assert SEEN not in body and DRAFT not in body, path
        assert all(SEEN not in str(v) for v in found.values())
    if caller == "B":
        me = (await gql(ME_IDS, token=token))["data"]["me"]["incidents"]
        assert me == [{"id": world["others"]}]
        missing = await gql(ACKNOWLEDGE, {"id": 424242}, token=token)
        theirs = await gql(ACKNOWLEDGE, {"id": seen}, token=token)
        unnotified = await gql(ACKNOWLEDGE, {"id": draft}, token=token)
        assert theirs == missing == unnotified
        assert missing["data"]["acknowledgeIncident"] == {"incident": None, "userErrors": [
            {"field": "id", "code": "NOT_FOUND", "message": "No such incident."}]}
    if caller == "A":
        # A sees their notified incident, never the one only recorded, and cannot confirm that one either
        me = (await gql(ME_IDS, token=token))["data"]["me"]["incidents"]
        assert me == [{"id": seen}]
        unnotified = await gql(ACKNOWLEDGE, {"id": draft}, token=token)
        assert unnotified["data"]["acknowledgeIncident"]["userErrors"][0]["code"] == "NOT_FOUND"

    # And only an admin's writes changed anything; only A's confirmation set A's acknowledgement
    after = (await gql(ADMIN_INCIDENT, {"id": seen}, token=admin))["data"]["incident"]
    assert len(after["updates"]) == len(before["updates"]) + (caller == "admin")
    assert (after["notices"][0]["acknowledgedAt"] is not None) == (caller == "A")
    listed = nodes((await gql(INCIDENTS, token=admin))["data"]["incidents"])
    assert len(listed) == 3 + (caller == "admin")
    status = (await gql("query($id: Int!) { incident(id: $id) { status } }", {"id": draft}, token=admin))
    assert status["data"]["incident"]["status"] == ("NOTIFIED" if caller == "admin" else "RECORDED")
