"""Given a customer with an agreement and a change still open to them, `me` costs the same however long the history."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from registry.auth.models import Role
from registry.customers import service as customers
from registry.db import utcnow
from registry.seed.service import seed_demo
from registry.versions import service as versions
from registry.versions.models import RegistryVersion
from tests.conftest import make_customer, make_token
from tests.test_sql_statements import START, grow, statements_for

ME = """{ me { authorisedVersion authorisedSubprocessors { slug }
  pendingChanges { version { number } canObject changes { slug } } notices { versionNumber } } }"""


@contextmanager
def versions_loaded() -> Iterator[list[int]]:
    """The numbers of the version rows the work reads from the database."""
    numbers: list[int] = []

    def loaded(row, context):
        numbers.append(row.number)

    event.listen(RegistryVersion, "load", loaded)
    try:
        yield numbers
    finally:
        event.remove(RegistryVersion, "load", loaded)


async def cost(db, gql, token: str) -> tuple[int, int]:
    """The statements a repeated `me` sends and the version rows it reads from the database."""
    await gql(ME, token=token)  # the first read after a publish also reads the timeline and the new rows
    with versions_loaded() as rows:
        statements = await statements_for(db, gql, ME, token=token)
    return statements, len(rows)


async def customer_since_the_start(db) -> tuple[int, str]:
    """The demo list published at START, and a customer who accepted it then: their id and token."""
    async with db.transaction() as session:
        await seed_demo(session=session, min_notice_days=30, now=START)
    customer = await make_customer(db, "Kunde A", contacts=[("dpo@kunde-a.dk", "da")], accepted_at=START)
    return customer, await make_token(db, Role.CUSTOMER, "kunde-a", customer_id=customer)


async def tell(db, customer_id: int, *, numbers: range, recently: int | None = None) -> None:
    """Record the customer's notice of each version the day it was published (or, for `recently`, yesterday)."""
    async with db.transaction() as session:
        for version in await versions.versions_by_number(session=session, numbers=list(numbers)):
            sent = utcnow() - timedelta(days=1) if version.number == recently else version.published_at
            await customers.record_notice(session=session, customer_id=customer_id, version_number=version.number,
                                          sent_at=sent, message_id=f"<v{version.number}@registry>",
                                          recipient="dpo@kunde-a.dk")


async def test_me_costs_the_same_statements_at_5_and_25_versions_and_answers_the_same(db, gql):
    # Given the demo list long ago, a customer who accepted then, and 4 later versions they were told of,
    # the last only yesterday so that they can still object to it
    customer, token = await customer_since_the_start(db)
    await grow(db, to=5)
    await tell(db, customer, numbers=range(2, 6), recently=5)
    small = await cost(db, gql, token)
    before = (await gql(ME, token=token))["data"]["me"]

    # When 20 more versions were published and told the day they were (windows long closed)
    await grow(db, to=25)
    await tell(db, customer, numbers=range(6, 26))
    large = await cost(db, gql, token)
    after = (await gql(ME, token=token))["data"]["me"]

    # Then `me` sends the same statements and reads the same version rows, and the customer still stands on version 4 with version 5 open
    # (every later version waits behind it)
    assert large == small, (small, large)
    # the token, the customer, their contacts, agreements, notices and objections, and the versions still open to
    # them; every version row, and the one their list rests on, comes from the process's memory
    assert large == (7, 0)
    assert before["authorisedVersion"] == after["authorisedVersion"] == 4
    assert before["pendingChanges"] == after["pendingChanges"] == [
        {"version": {"number": 5}, "canObject": True, "changes": [{"slug": "vendor-5"}]}]
    assert len(after["notices"]) == 24


async def test_me_rests_on_the_version_below_a_withdrawn_one_when_the_next_is_held_back(db, gql):
    # Given a customer who accepted long ago and was told of versions 2 to 5 the day each was published, then
    # version 6 withdrawn while pending and version 7 (in effect now) announced to them only yesterday
    customer, token = await customer_since_the_start(db)
    await grow(db, to=6)
    async with db.transaction() as session:
        await versions.withdraw_version(session=session, actor="test", number=6, reason="Fejl",
                                        now=START + timedelta(days=7))
    await grow(db, to=7)
    await tell(db, customer, numbers=range(2, 8), recently=7)

    # When they read `me` twice (the second from the process's memory of the versions)
    first, again = [(await gql(ME, token=token))["data"]["me"] for _ in range(2)]

    # Then their list rests on version 5, the newest in effect below the held-back 7, not on the withdrawn 6
    assert first == again
    assert again["authorisedVersion"] == 5
    assert [p["version"]["number"] for p in again["pendingChanges"]] == [7]
