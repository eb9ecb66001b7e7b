"""Given lists and histories of any length, a read costs the same number of SQL statements (no N+1)."""

import asyncio
from datetime import timedelta

from bench.audience import add_notified_customers
from registry.db import Database, utcnow
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from schema.cache_state import stamp_for
from schema.published import PublishedVersions, effective_view
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
    # The first read after a publish: the cache's re-read of the state (2), the history's timeline (4), a page (1).
    assert all(count <= 7 for count in large)


async def page_statements(db: Database, client) -> int:
    with counting(db) as statements:
        assert (await client.get("/subprocessors")).status_code == 200
    return len(statements)


async def test_the_public_page_costs_the_same_at_3_and_60_versions_and_a_repeat_reads_no_list(db, client):
    # Given histories of 3, then 60 versions, each adding one sub-processor (each presented in place)
    await grow(db, to=3)
    small = [await page_statements(db, client) for _ in range(2)]
    await grow(db, to=60)
    large = [await page_statements(db, client) for _ in range(2)]

    # Then the page costs the same, and a repeat reads only the announced versions and the history without its
    # lists (a version and its number in effect): the list in effect and the lists it presents come from memory
    assert large == small, (small, large)
    assert large[1] == 3


async def test_a_repeated_public_read_costs_no_statement_and_an_admin_read_always_reaches_the_database(
        db, gql, admin_token):
    await grow(db, to=2)
    await gql(LIST)

    assert await statements_for(db, gql, LIST) == 0
    assert await statements_for(db, gql, LIST, token=admin_token) >= 2  # the token, then the list itself


async def test_a_repeated_read_with_a_token_reaches_the_database_only_for_the_token(db, gql, admin_token):
    # given a history of 60 versions, read once by an admin (the published versions are read then)
    await grow(db, to=60)
    reads = (LIST, HISTORY, _diff(1, 60), "{ registryVersion(number: 7) { number changes { slug } } }")
    first = [await statements_for(db, gql, query, token=admin_token) for query in reads]

    # when the same reads come again with the token, which keeps them away from the shared answer cache
    again = [await statements_for(db, gql, query, token=admin_token) for query in reads]

    # then each costs one statement, the token's, and the published versions come from memory
    assert again == [1, 1, 1, 1], (first, again)


async def test_a_read_with_a_token_after_a_publish_shows_the_new_version(db, gql, admin_token):
    # given an admin has read the list and history of 3 versions
    await grow(db, to=3)
    await gql(HISTORY, token=admin_token)
    await gql(LIST, token=admin_token)

    # when a fourth is published straight into the database, as another process would
    await grow(db, to=4)

    # then the next reads with the token show it
    history = await _eventually(gql, HISTORY, admin_token, lambda data: data["registryVersions"]["totalCount"] == 4)
    assert history["registryVersions"]["edges"][0]["node"]["number"] == 4


async def _eventually(gql, query: str, token: str, done, seconds: float = 2.0) -> dict:
    # Another process hears of a publish on PostgreSQL by NOTIFY, which takes a moment to arrive.
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        data = (await gql(query, token=token))["data"]
        if done(data) or asyncio.get_running_loop().time() > deadline:
            return data
        await asyncio.sleep(0.02)


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


async def test_the_published_memory_never_holds_more_entries_than_its_bound_and_still_answers_right(db):
    # Given 12 published versions, version n listing n sub-processors, and a process memory bounded to 30 entries
    # (REGISTRY_PUBLISHED_MEMORY_ENTRIES): the lists of two or three of them at most
    await grow(db, to=12)
    memory = PublishedVersions(db, stamp_for(db), max_entries=30)

    # When every version is read one by one, newest first and again oldest first, then a page of 10
    read, held = [], []
    for number in [*range(12, 0, -1), *range(1, 13)]:
        read.append((await memory.version(number))[0])
        held.append(memory.held)
    page = await memory.page(limit=10, before_number=None)

    # Then each read was the version asked for with its whole list, the memory never held more than 30 entries
    # (what it built from them included), and the page that would not fit is left to the database
    assert [(view.version.number, len(view.entries())) for view in read] == [
        (number, number) for number in [*range(12, 0, -1), *range(1, 13)]]
    kept = sum(len(row.entries) for row in memory.rows.values())
    assert max(held) <= 30 and memory.held == kept and set(memory.made) <= set(memory.rows), (held, kept)
    assert page is None


async def test_the_published_memory_lets_the_least_recently_read_version_go_first(db):
    # Given 12 versions (version n lists n) and a memory bounded to 30 entries
    await grow(db, to=12)
    memory = PublishedVersions(db, stamp_for(db), max_entries=30)

    # When 12, 5, 12 again, 11 and 3 are read in turn (12 + 5 + 11 fit; 3 more do not)
    for number in (12, 5, 12, 11, 3):
        await memory.version(number)

    # Then 5, read least recently, made room, and 12, read first but again since, stayed
    assert sorted(memory.rows) == [3, 11, 12]


async def test_a_list_larger_than_the_whole_memory_is_read_but_not_kept(db):
    # Given 12 versions and a memory bounded to 5 entries, less than version 12 lists
    await grow(db, to=12)
    memory = PublishedVersions(db, stamp_for(db), max_entries=5)

    # When the version in effect (12) is read three times
    reads = [await effective_view(memory, db, None) for _ in range(3)]

    # Then every read answers it in full, and the memory keeps nothing rather than pass its bound
    assert [(view.version.number, len(view.entries())) for view in reads] == [(12, 12)] * 3
    assert memory.held == 0 and not memory.rows


async def test_the_lists_of_more_versions_than_the_memory_holds_are_all_given_and_the_version_in_effect_stays(db):
    # Given 12 published versions (version n lists n), a process memory bounded to 30 entries, and the version
    # in effect (12) read into it
    await grow(db, to=12)
    memory = PublishedVersions(db, stamp_for(db), max_entries=30)
    await effective_view(memory, db, None)
    await effective_view(memory, db, None)

    # When the public page asks, twice, for the lists of 10 of them (to present what each added)
    lists = [await memory.lists(list(range(1, 11))) for _ in range(2)]

    # Then every list is given, each the version's own, the memory keeps at most 30 entries, and the version in
    # effect is still among them: lists that cannot stay together do not push it out at every page view
    assert all(sorted(given) == list(range(1, 11)) and all(len(given[n]) == n for n in given) for given in lists)
    assert sum(len(row.entries) for row in memory.rows.values()) <= 30
    assert 12 in memory.rows


async def test_a_page_the_memory_cannot_hold_beside_what_it_keeps_is_left_to_the_database_without_lists(db):
    # Given 12 versions (version n lists n), a memory bounded to 40 entries, and the newest three (33) kept in it
    await grow(db, to=12)
    memory = PublishedVersions(db, stamp_for(db), max_entries=40)
    assert len((await memory.page(limit=3, before_number=None))[0]) == 3

    # When a page of the newest four (42 entries) is asked for three times, as a history of 20 at 1,000 entries is
    with counting(db) as statements:
        pages = [await memory.page(limit=4, before_number=None) for _ in range(3)]

    # Then each is left to the database (which reads a history without its lists) instead of reading a list the
    # memory would drop another for, and the memory keeps what it held
    assert pages == [None] * 3 and not [s for s in statements if "registry_version" in s], statements
    assert sorted(memory.rows) == [10, 11, 12]


async def test_rows_read_beside_kept_ones_never_push_out_a_kept_one_that_was_asked_for(db):
    # Given 12 versions (version n lists n), a memory bounded to 40 entries, and versions 5, 11 and 12 read into
    # it in that order (28 entries; 5 the least recently used)
    await grow(db, to=12)
    memory = PublishedVersions(db, stamp_for(db), max_entries=40)
    for number in (5, 11, 12):
        await memory.version(number)

    # When the lists of 5, 9 and 10 are asked for together (the two read now would pass the bound beside 11 and 12)
    lists = await memory.lists([5, 9, 10])

    # Then all three are given, each the version's own, and the memory still keeps no more than its bound
    assert {number: len(entries) for number, entries in lists.items()} == {5: 5, 9: 9, 10: 10}
    assert memory.held <= 40
