"""Customers who neither objected nor acknowledged are reminded once, shortly before their deadline."""

from datetime import UTC, datetime, timedelta

from notifications.customers import service as customer_mail
from registry.auth.models import Role
from registry.customers import service as customers
from registry.db import utcnow
from registry.objections import service as objections
from tests.conftest import make_customer, make_token
from tests.support.notify_helpers import deliver, link
from tests.test_objection_windows import SEEDED_AT, history, notify, publish  # noqa: F401 - fixture

PUBLISHED = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
DEADLINE = PUBLISHED + timedelta(days=30)


async def remind(db, settings, at: datetime) -> int:
    async with db.transaction() as session:
        return await customer_mail.queue_reminders(session=session, settings=settings, now=at)


async def test_reminder_goes_once_within_the_last_week_and_carries_the_object_link(history, mail_settings, smtp):
    customer = await make_customer(history, "Kunde A", contacts=[("dpo@kunde-a.dk", "en")], accepted_at=SEEDED_AT)
    number = await publish(history, at=PUBLISHED)
    await notify(history, customer, number, PUBLISHED)

    early = await remind(history, mail_settings, DEADLINE - timedelta(days=8))
    due = await remind(history, mail_settings, DEADLINE - timedelta(days=6))
    again = await remind(history, mail_settings, DEADLINE - timedelta(days=5))
    await deliver(history, mail_settings)

    assert (early, due, again) == (0, 1, 0)
    [reminder] = smtp.sink.to("dpo@kunde-a.dk")
    assert f"version {number}" in reminder["Subject"] and "List-Unsubscribe" not in reminder
    assert link(reminder, "/objections/new")


async def test_no_reminder_after_an_objection_or_an_acknowledgement_or_the_deadline(history, mail_settings):
    objecting = await make_customer(history, "Kunde A", contacts=[("a@kunde-a.dk", "da")], accepted_at=SEEDED_AT)
    acknowledging = await make_customer(history, "Kunde B", contacts=[("b@kunde-b.dk", "da")], accepted_at=SEEDED_AT)
    late = await make_customer(history, "Kunde C", contacts=[("c@kunde-c.dk", "da")], accepted_at=SEEDED_AT)
    number = await publish(history, at=PUBLISHED)
    for customer_id in (objecting, acknowledging, late):
        await notify(history, customer_id, number, PUBLISHED)
    async with history.transaction() as session:
        await objections.file_objection(session=session, customer_id=objecting, version_number=number, reason="Nej",
                                        filed_by="t", now=PUBLISHED + timedelta(days=1))
        await customers.acknowledge_notice(session=session, customer_id=acknowledging, version_number=number,
                                           actor="t", now=PUBLISHED + timedelta(days=1))

    after_deadline = await remind(history, mail_settings, DEADLINE + timedelta(seconds=1))
    in_time = await remind(history, mail_settings, DEADLINE - timedelta(days=1))

    assert after_deadline == 0 and in_time == 1  # only the customer who did neither, and only in time
    async with history.session() as session:
        [reminded] = [n for n in await customers.notices_of(session=session) if n.reminded_at]
    assert reminded.customer_id == late


async def test_a_customer_acknowledges_a_notice_over_graphql(seeded, gql, settings):
    customer = await make_customer(seeded, "Kunde A")
    token = await make_token(seeded, Role.CUSTOMER, "a", customer)
    query = "mutation { acknowledgeNotice(versionNumber: 1) { ok userErrors { code } } }"
    missing = await gql(query, token=token)
    async with seeded.transaction() as session:
        await customers.record_notice(session=session, customer_id=customer, version_number=1, sent_at=utcnow(),
                                      message_id="<m>", recipient="dpo@kunde-a.dk")

    done = await gql(query, token=token)
    anonymous = await gql(query)

    assert missing["data"]["acknowledgeNotice"]["userErrors"] == [{"code": "NOT_FOUND"}]
    assert done["data"]["acknowledgeNotice"] == {"ok": True, "userErrors": []}
    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"
