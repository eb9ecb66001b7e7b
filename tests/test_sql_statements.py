"""Given lists and histories of any length, a read costs the same number of SQL statements (no N+1)."""

from datetime import timedelta

from bench.audience import add_notified_customers
from registry.db import Database, utcnow
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from tests.support.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT
from tests.support.sql_statements import counting

LIST = "{ subprocessors { slug name purpose countries transferMechanism thirdCountry } }"
HISTORY = """{ registryVersions(first: 50) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { number status publishedAt effectiveAt note contentHash changes { kind slug field before after } } } } }"""
START = utcnow() - timedelta(days=1000)


async def grow(db: Database, *, to: int) -> None:
    """Publish versions until there are `to`, each adding one sub-processor; all in effect by now."""
    async with db.session() as session:
        latest = await versions.latest_number(session=session) or 0
    for number in range(latest + 1, to + 1):
        async with db.transaction() as session:
            entry = drafts.parse_entry({"slug": f"vendor-{number}", "name": f"Vendor {number}",
                                        "purpose_da": "Drift", "purpose_en": "Operations", "countries": ["DK"]})
            await drafts.save_draft_entry(session=session, actor="test", entry=entry)
            await versions.publish_version(session=session, actor="test", note=f"Adds vendor {number}.",
                                           min_notice_days=30, now=START + timedelta(days=number))


async def statements_for(db: Database, gql, query: str, **kwargs) -> int:
    with counting(db) as statements:
        result = await gql(query, **kwargs)
    assert "errors" not in result, result
    return len(statements)


async def test_list_and_history_reads_cost_the_same_at_3_and_60_versions(db, gql):
    await grow(db, to=3)
    small = [await statements_for(db, gql, query) for query in (LIST, HISTORY, _diff(1, 3))]

    await grow(db, to=60)
    large = [await statements_for(db, gql, query) for query in (LIST, HISTORY, _diff(1, 60))]

    assert large == small, (small, large)
    assert all(count <= 4 for count in large)  # includes the cache's re-read of the state after a publish


async def test_a_repeated_public_read_costs_no_statement_and_an_admin_read_always_reaches_the_database(
        db, gql, admin_token):
    await grow(db, to=2)
    await gql(LIST)

    assert await statements_for(db, gql, LIST) == 0
    assert await statements_for(db, gql, LIST, token=admin_token) >= 2  # the token, then the list itself


def _diff(start: int, end: int) -> str:
    return f"{{ registryDiff(fromVersion: {start}, toVersion: {end}) {{ changes {{ kind slug field before after }} }} }}"


async def test_history_without_lists_and_with_them_both_answer(seeded, gql):
    # The history leaves each version's list undecoded unless the query asks for it, also via a fragment.
    bare = await gql("{ registryVersions(first: 5) { edges { node { number changes { kind } } } } }")
    lists = await gql("query { registryVersions(first: 5) { edges { node { ...L } } } } "
                      "fragment L on RegistryVersion { number subprocessors { slug } }")

    assert "errors" not in bare and bare["data"]["registryVersions"]["edges"][0]["node"]["number"] == 1
    assert len(lists["data"]["registryVersions"]["edges"][0]["node"]["subprocessors"]) == 17


AUDIENCE_PAGE = """query($after: String) { versionAudience(number: 2, first: 2, after: $after) {
  edges { node { customer { name contacts { email } agreements { status } } notifiedAt deadline holdsBack
  noticeStatus objection { status } } } pageInfo { hasNextPage endCursor } } }"""
REPORT_PAGE = """query($after: String) { noticeReport(versionNumber: 2) { totals { sent total }
  recipients(first: 2, after: $after) { edges { node { email kind status customerId } }
  pageInfo { hasNextPage endCursor } } } }"""


async def statements_per_page(db: Database, gql, token: str, query: str, path: tuple[str, ...]) -> list[int]:
    """Page through a connection to its end; the statements each page cost."""
    counts, after = [], None
    while True:
        with counting(db) as statements:
            result = await gql(query, {"after": after}, token=token)
        assert "errors" not in result, result
        counts.append(len(statements))
        connection = result["data"]
        for key in path:
            connection = connection[key]
        if not connection["pageInfo"]["hasNextPage"]:
            return counts
        after = connection["pageInfo"]["endCursor"]


async def test_a_page_of_a_versions_audience_and_its_proof_of_notice_costs_the_same_at_4_and_41_customers(
        seeded, gql, admin_token):
    # Given version 2, told to 4 customers (every tenth objected)
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Mailgun"}}, token=admin_token)
    await add_notified_customers(seeded, count=4, version_number=2)
    small = [await statements_per_page(seeded, gql, admin_token, AUDIENCE_PAGE, ("versionAudience",)),
             await statements_per_page(seeded, gql, admin_token, REPORT_PAGE, ("noticeReport", "recipients"))]

    # When 37 more customers were told, and an admin pages through both lists two at a time
    await add_notified_customers(seeded, count=37, version_number=2)
    large = [await statements_per_page(seeded, gql, admin_token, AUDIENCE_PAGE, ("versionAudience",)),
             await statements_per_page(seeded, gql, admin_token, REPORT_PAGE, ("noticeReport", "recipients"))]

    # Then every page costs the same, the first and the last (one customer: no per-row statement hides),
    # of the small audience and of the large one
    assert len(large[0]) == 21
    assert [len(set(small_pages + large_pages)) for small_pages, large_pages in zip(small, large)] == [1, 1], (
        small, large)
