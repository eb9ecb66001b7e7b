"""A customer's contact confirms, is told of a change by email, objects from the link, and hears back."""

from tests.support.graphql_documents import nodes
from tests.support.notify_helpers import deliver, link, publish_change, token_of

CREATE = """mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
  customer { id } userErrors { code } } }"""
CONFIRM = "mutation($token: String!) { confirmSubscription(token: $token) { ok userErrors { code } } }"
AUDIENCE = """query($n: Int!) { versionAudience(number: $n) { edges { node { customer { name } notifiedAt
  deadline holdsBack noticeStatus } } } }"""
FILE = """mutation($input: FileObjectionInput!) { fileObjection(input: $input) {
  objection { id status } userErrors { code } } }"""
ME = "{ me { customer { name } notices { versionNumber messageId sentAt } objections { status outcome } } }"
ACCESS = "mutation($email: String!) { requestCustomerAccess(email: $email) { ok userErrors { code } } }"


async def customer_with_confirmed_contact(db, gql, admin_token, smtp, settings) -> int:
    created = await gql(CREATE, {"input": {"name": "Kunde A ApS", "contacts": [
        {"email": "dpo@kunde-a.dk", "language": "DA"}]}}, token=admin_token)
    customer_id = created["data"]["createCustomer"]["customer"]["id"]
    await gql(f"mutation {{ createAgreement(input: {{customerId: {customer_id}, templateVersion: 1}}) "
              "{ agreement { id } } }", token=admin_token)
    await deliver(db, settings)
    [confirmation] = smtp.sink.to("dpo@kunde-a.dk")
    confirmed = await gql(CONFIRM, {"token": token_of(link(confirmation, "/subscriptions/confirm"))})
    assert confirmed["data"]["confirmSubscription"]["ok"]
    return customer_id


async def test_notice_to_a_customer_starts_their_window_and_carries_their_object_link(
        seeded, gql, admin_token, smtp, mail_settings):
    await customer_with_confirmed_contact(seeded, gql, admin_token, smtp, mail_settings)
    number = await publish_change(gql, admin_token)
    before = nodes((await gql(AUDIENCE, {"n": number}, token=admin_token))["data"]["versionAudience"])[0]

    await deliver(seeded, mail_settings)

    notice = smtp.sink.to("dpo@kunde-a.dk")[-1]
    after = nodes((await gql(AUDIENCE, {"n": number}, token=admin_token))["data"]["versionAudience"])[0]
    assert before["notifiedAt"] is None and before["noticeStatus"] == "QUEUED" and before["holdsBack"]
    assert after["notifiedAt"] and after["deadline"] and after["noticeStatus"] == "SENT"
    filed = await gql(FILE, {"input": {"reason": "Ingen overførsel til USA",
                                       "token": token_of(link(notice, "/objections/new"))}})
    assert filed["data"]["fileObjection"]["objection"]["status"] == "RECEIVED"
    await deliver(seeded, mail_settings)
    receipt = smtp.sink.to("dpo@kunde-a.dk")[-1]
    [to_processor] = smtp.sink.to(mail_settings.privacy_contact_email)
    assert "modtaget jeres indsigelse" in receipt["Subject"] and "List-Unsubscribe" not in receipt
    assert "Ingen overførsel til USA" in to_processor.get_body(preferencelist=("plain",)).get_content()


async def test_decision_on_an_objection_reaches_the_customer(seeded, gql, admin_token, smtp, mail_settings):
    await customer_with_confirmed_contact(seeded, gql, admin_token, smtp, mail_settings)
    number = await publish_change(gql, admin_token)
    await deliver(seeded, mail_settings)
    notice = smtp.sink.to("dpo@kunde-a.dk")[-1]
    filed = await gql(FILE, {"input": {"reason": "Nej", "token": token_of(link(notice, "/objections/new"))}})
    objection_id = filed["data"]["fileObjection"]["objection"]["id"]

    await gql(f'mutation {{ resolveObjection(input: {{id: {objection_id}, outcome: REJECTED, '
              f'note: "Vi beholder leverandøren, data bliver i EU"}}) {{ objection {{ status }} }} }}',
              token=admin_token)
    await deliver(seeded, mail_settings)

    decision = smtp.sink.to("dpo@kunde-a.dk")[-1]
    text = decision.get_body(preferencelist=("plain",)).get_content()
    assert f"version {number}" in decision["Subject"] and "Indsigelsen er afvist" in text
    assert "Vi beholder leverandøren, data bliver i EU" in text


async def test_access_link_goes_only_to_contacts_and_opens_their_view(seeded, gql, admin_token, smtp, mail_settings):
    await customer_with_confirmed_contact(seeded, gql, admin_token, smtp, mail_settings)
    number = await publish_change(gql, admin_token)
    await deliver(seeded, mail_settings)
    notice = smtp.sink.to("dpo@kunde-a.dk")[-1]

    known = await gql(ACCESS, {"email": "dpo@kunde-a.dk"})
    unknown = await gql(ACCESS, {"email": "stranger@example.com"})
    await deliver(seeded, mail_settings)

    assert known["data"] == unknown["data"] == {"requestCustomerAccess": {"ok": True, "userErrors": []}}
    assert smtp.sink.to("stranger@example.com") == []
    access = smtp.sink.to("dpo@kunde-a.dk")[-1].get_body(preferencelist=("plain",)).get_content()
    # The link opens the customer's page, the token in the fragment, which no server or log ever sees
    assert "/customer?lang=da#access_token=" in access
    token = access.split("access_token=", 1)[1].split()[0]
    me = (await gql(ME, token=token))["data"]["me"]
    assert me["customer"]["name"] == "Kunde A ApS"
    assert me["notices"][0]["versionNumber"] == number and me["notices"][0]["messageId"] == notice["Message-ID"]


async def test_a_contact_shared_by_two_customers_is_told_for_each_of_them(
        seeded, gql, admin_token, smtp, mail_settings):
    # Given an advisor who is the notice contact of two customers, and a plain subscriber
    ids = []
    for name in ("Kunde A ApS", "Kunde B ApS"):
        created = await gql(CREATE, {"input": {"name": name, "contacts": [
            {"email": "raadgiver@revision.dk", "language": "DA"}]}}, token=admin_token)
        ids.append(created["data"]["createCustomer"]["customer"]["id"])
        await gql(f"mutation {{ createAgreement(input: {{customerId: {ids[-1]}, templateVersion: 1}}) "
                  "{ agreement { id } } }", token=admin_token)
    await gql("mutation { subscribe(input: {email: \"reader@example.dk\", language: EN}) { ok } }")
    await deliver(seeded, mail_settings)
    for address in ("raadgiver@revision.dk", "reader@example.dk"):
        confirmation = smtp.sink.to(address)[0]
        await gql(CONFIRM, {"token": token_of(link(confirmation, "/subscriptions/confirm"))})

    # When a change is published and delivered
    number = await publish_change(gql, admin_token)
    await deliver(seeded, mail_settings)

    # Then the advisor gets one notice per customer, each naming that customer and carrying its object link
    def notices_to(address):
        return [m for m in smtp.sink.to(address) if f"version {number}" in m["Subject"]]
    notices = sorted(notices_to("raadgiver@revision.dk"), key=lambda m: "Kunde B" in plain(m))
    assert len(notices) == 2 and len(notices_to("reader@example.dk")) == 1
    for notice, name, customer_id in zip(notices, ("Kunde A ApS", "Kunde B ApS"), ids):
        assert name in plain(notice)
        filed = await gql(FILE, {"input": {"reason": f"Indsigelse for {name}",
                                           "token": token_of(link(notice, "/objections/new"))}})
        assert filed["data"]["fileObjection"]["objection"]["status"] == "RECEIVED"
    objections = await gql(f"{{ objections(versionNumber: {number}) {{ edges {{ node {{ customerId }} }} }} }}", token=admin_token)
    assert sorted(o["customerId"] for o in nodes(objections["data"]["objections"])) == sorted(ids)
    # And the proof of notice shows whom each message was for, and both customers' windows started
    report = await gql(f"{{ noticeReport(versionNumber: {number}) "
                       "{ recipients { edges { node { kind email customerId status } } } } }", token=admin_token)
    notices = nodes(report["data"]["noticeReport"]["recipients"])
    assert sorted((r["email"], r["customerId"] or 0, r["status"]) for r in notices if r["kind"] == "VERSION_PUBLISHED"
                  ) == [("raadgiver@revision.dk", ids[0], "SENT"), ("raadgiver@revision.dk", ids[1], "SENT"),
                        ("reader@example.dk", 0, "SENT")]
    audience = nodes((await gql(AUDIENCE, {"n": number}, token=admin_token))["data"]["versionAudience"])
    assert {row["customer"]["name"]: (row["noticeStatus"], bool(row["notifiedAt"])) for row in audience} == {
        "Kunde A ApS": ("SENT", True), "Kunde B ApS": ("SENT", True)}


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


async def test_a_note_that_reads_like_the_renderers_placeholders_arrives_as_typed(
        seeded, gql, admin_token, smtp, mail_settings):
    # Given a customer's confirmed contact, and a version whose note an admin wrote with the renderer's own
    # placeholders, a Jinja expression and markup in it
    await customer_with_confirmed_contact(seeded, gql, admin_token, smtp, mail_settings)
    note = "@@OBJECT_URL@@ @@CUSTOMER@@ @@UNSUBSCRIBE_URL@@ {{ 7*7 }} <b>fed</b>"
    await publish_change(gql, admin_token, note=note)

    # When the notice is sent through the mail server
    await deliver(seeded, mail_settings)

    # Then the note reads as typed in both parts (escaped in HTML), and the only object link is the real one
    notice = smtp.sink.to("dpo@kunde-a.dk")[-1]
    text = plain(notice)
    html = notice.get_body(preferencelist=("html",)).get_content()
    assert note in text
    assert "@@OBJECT_URL@@ @@CUSTOMER@@ @@UNSUBSCRIBE_URL@@ {{ 7*7 }} &lt;b&gt;fed&lt;/b&gt;" in html
    assert text.count("/objections/new?token=") == 1 and "Kunde A ApS" in text
