"""A customer's window to object: its edges, late notices, summer time, and what it holds back."""

from datetime import UTC, datetime, timedelta

import pytest

from registry.auth.models import Role
from registry.customers import service as customers
from registry.errors import ErrorCode, RegistryError
from registry.objections import service as objections
from registry.objections import standing
from registry.objections.terms import customer_terms, window_for
from registry.objections.models import ObjectionOutcome
from registry.seed.service import seed_demo
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from tests.conftest import make_customer, make_token

SECOND = timedelta(seconds=1)
SEEDED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
AUTHORISED = "{ me { authorisedVersion authorisedSubprocessors { slug } } }"


@pytest.fixture
async def history(db):
    """The demo list as version 1, published on 5 January 2026."""
    async with db.transaction() as session:
        await seed_demo(session=session, min_notice_days=30, now=SEEDED_AT)
    return db


async def publish(db, *, at: datetime, slug: str = "mailgun", services: list[str] = (), remove: str | None = None,
                  notice_days: int = 30) -> int:
    async with db.transaction() as session:
        if remove:
            await drafts.remove_draft_entry(session=session, actor="t", slug=remove)
        else:
            await drafts.save_draft_entry(session=session, actor="t", entry=drafts.parse_entry(
                {"slug": slug, "name": slug.title(), "purpose_da": "E-mail", "purpose_en": "E-mail",
                 "services": list(services)}))
        version = await versions.publish_version(session=session, actor="t", note=slug, min_notice_days=30,
                                                 notice_days=notice_days, now=at)
        return version.number


async def notify(db, customer_id: int, number: int, at: datetime) -> None:
    async with db.transaction() as session:
        await customers.record_notice(session=session, customer_id=customer_id, version_number=number, sent_at=at,
                                      message_id=f"<{number}.{customer_id}@test>", recipient="dpo@customer.test")


async def object_at(db, customer_id: int, number: int, at: datetime):
    async with db.transaction() as session:
        return await objections.file_objection(session=session, customer_id=customer_id, version_number=number,
                                               reason="We do not accept transfers to the US.", filed_by="dpo", now=at)


async def refused(db, customer_id: int, number: int, at: datetime) -> ErrorCode:
    with pytest.raises(RegistryError) as caught:
        await object_at(db, customer_id, number, at)
    return caught.value.problems[0].code


async def test_window_closes_at_the_effective_time_to_the_second(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    number = await publish(history, at=published)
    await notify(history, customer, number, published)
    effective = published + timedelta(days=30)  # no summer-time change in February/March before the 29th

    objection, created = await object_at(history, customer, number, effective - SECOND)

    assert created and objection.status == "RECEIVED"
    other = await make_customer(history, "Kunde B", accepted_at=SEEDED_AT)
    await notify(history, other, number, published)
    assert await refused(history, other, number, effective) == ErrorCode.DEADLINE_PASSED
    assert await refused(history, other, number, effective + SECOND) == ErrorCode.DEADLINE_PASSED


async def test_a_late_notice_does_not_shorten_the_customers_window(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    number = await publish(history, at=published)
    sent = published + timedelta(days=20)  # the email went out 20 days late
    await notify(history, customer, number, sent)
    deadline = sent + timedelta(days=30)

    objection, created = await object_at(history, customer, number, deadline - SECOND)

    assert created and deadline > published + timedelta(days=30)
    other = await make_customer(history, "Kunde B", accepted_at=SEEDED_AT)
    await notify(history, other, number, sent)
    assert await refused(history, other, number, deadline + SECOND) == ErrorCode.DEADLINE_PASSED


async def test_notice_periods_count_calendar_days_across_the_end_of_summer_time(history):
    # Notified at 10:00 Copenhagen summer time (08:00Z) on 20 October; clocks go back on 25 October.
    published = datetime(2026, 10, 20, 7, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", notice_days=40, accepted_at=SEEDED_AT)
    number = await publish(history, at=published, notice_days=40)
    await notify(history, customer, number, datetime(2026, 10, 20, 8, 0, tzinfo=UTC))
    # 40 days later it is 10:00 winter time, which is 09:00Z, not 08:00Z.
    deadline = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

    async with history.session() as session:
        version = await session.get(versions.RegistryVersion, number)
        window = await window_for(session=session, customer_id=customer, version=version,
                                             terms=await customer_terms(session=session,
                                                                                   customer_id=customer))

    assert window.closes_at == deadline
    assert window.accepts_objection(deadline - SECOND) and not window.accepts_objection(deadline)


async def test_notice_periods_count_calendar_days_across_the_start_of_summer_time(history):
    published = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # 10:00 winter time; clocks go forward 29 March
    number = await publish(history, at=published)
    async with history.session() as session:
        version = await session.get(versions.RegistryVersion, number)

    assert version.effective_at == datetime(2026, 4, 19, 8, 0, tzinfo=UTC)  # 10:00 summer time


async def test_customer_not_yet_told_can_still_object_after_the_effective_date(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    number = await publish(history, at=published)

    objection, created = await object_at(history, customer, number, published + timedelta(days=45))

    assert created


async def test_repeat_objection_returns_the_first_record(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    number = await publish(history, at=published)
    first, _ = await object_at(history, customer, number, published + timedelta(days=1))

    again, created = await object_at(history, customer, number, published + timedelta(days=2))

    assert not created and again.id == first.id
    async with history.session() as session:
        assert len(await objections.list_objections(session=session, customer_id=customer)) == 1


async def test_removals_and_withdrawn_versions_take_no_objection(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    removal = await publish(history, at=published, remove="iex")
    addition = await publish(history, at=published + timedelta(days=1))
    async with history.transaction() as session:
        await versions.withdraw_version(session=session, actor="t", number=addition, reason="r",
                                        now=published + timedelta(days=2))

    assert await refused(history, customer, removal, published + SECOND) == ErrorCode.INVALID_STATE
    assert await refused(history, customer, addition, published + timedelta(days=3)) == ErrorCode.INVALID_STATE


async def test_changes_to_services_the_customer_does_not_use_open_no_window(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", services=["Telefoni"], accepted_at=SEEDED_AT)
    number = await publish(history, at=published, services=["Webshop"])

    assert await refused(history, customer, number, published + SECOND) == ErrorCode.INVALID_STATE


async def test_versions_must_give_the_longest_notice_any_active_agreement_promises(history):
    await make_customer(history, "Kunde A", notice_days=60, accepted_at=SEEDED_AT)

    with pytest.raises(RegistryError) as caught:
        await publish(history, at=datetime(2026, 2, 2, 8, 0, tzinfo=UTC), notice_days=30)

    assert caught.value.problems[0].code == ErrorCode.NOTICE_TOO_SHORT


async def standing_at(db, customer_id: int, at: datetime):
    async with db.session() as session:
        return await standing.customer_standing(session=session, customer_id=customer_id, now=at)


async def test_authorised_list_waits_for_the_customers_own_deadline(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    number = await publish(history, at=published)
    sent = published + timedelta(days=10)
    await notify(history, customer, number, sent)
    deadline = sent + timedelta(days=30)

    during = await standing_at(history, customer, deadline - SECOND)
    after = await standing_at(history, customer, deadline)

    assert during.authorised.number == 1 and "mailgun" not in {e["slug"] for e in during.authorised.entries}
    assert [v.version.number for v in during.open_versions] == [number]
    assert after.authorised.number == number and "mailgun" in {e["slug"] for e in after.authorised.entries}
    assert after.open_versions == []


async def test_open_objection_holds_the_change_back_until_resolved(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    number = await publish(history, at=published)
    await notify(history, customer, number, published)
    objection, _ = await object_at(history, customer, number, published + timedelta(days=1))
    later = published + timedelta(days=60)

    held = await standing_at(history, customer, later)
    async with history.transaction() as session:
        await objections.resolve_objection(session=session, actor="admin", objection_id=objection.id,
                                           outcome=ObjectionOutcome.REJECTED, note="We keep Mailgun.",
                                           now=later)
    released = await standing_at(history, customer, later)

    assert held.authorised.number == 1
    assert released.authorised.number == number


async def test_authorised_list_holds_only_the_customers_services(history, gql):
    # Given a customer whose agreement covers telephony, told of a webshop provider and then a telephony carrier
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", services=["Telefoni"], accepted_at=SEEDED_AT)
    token = await make_token(history, Role.CUSTOMER, "kunde-a", customer_id=customer)
    await publish(history, at=published, slug="webshop-psp", services=["Webshop"])
    voip = await publish(history, at=published + timedelta(days=1), slug="voip-carrier", services=["Telefoni"])
    await notify(history, customer, voip, published + timedelta(days=1))

    # When the customer looks at their authorised list, months after both took effect
    me = (await gql(AUTHORISED, token=token))["data"]["me"]

    # Then it rests on the carrier's version and lists the carrier and the services-wide entries, not the webshop's
    slugs = {entry["slug"] for entry in me["authorisedSubprocessors"]}
    assert "voip-carrier" in slugs and "webshop-psp" not in slugs and "dropbox" in slugs
    assert me["authorisedVersion"] == voip


async def test_a_change_never_told_to_the_customer_is_never_authorised_by_them(history):
    published = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    customer = await make_customer(history, "Kunde A", accepted_at=SEEDED_AT)
    number = await publish(history, at=published)

    result = await standing_at(history, customer, published + timedelta(days=365))

    assert result.authorised.number == 1
    assert [(v.version.number, v.window.closes_at) for v in result.open_versions] == [(number, None)]
