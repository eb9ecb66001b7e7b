"""Given the public answer cache, readers never see an answer older than the registry's state."""

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest

from registry.db import Database, utcnow
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from schema import cache_state, published
from schema.app import create_app
from schema.cache import ResponseCache
from schema.cache_state import close_stamp, stamp_for
from bench.large_list import embed_query
from tests.conftest import GraphQLClient
from tests.support.sql_statements import counting

LIST = "{ subprocessors { slug name } }"
HISTORY = "{ registryVersions(first: 5) { edges { node { number status } } } }"
SAVE = """mutation($input: SubprocessorInput!) { saveSubprocessorDraft(input: $input) { userErrors { message } } }"""
PUBLISH = """mutation($note: String!) { publishVersion(input: {note: $note}) {
  version { number effectiveAt } userErrors { message } } }"""
WITHDRAW = """mutation($n: Int!) { withdrawVersion(number: $n, reason: "Changed our mind") { userErrors { message } } }"""
NEW_ENTRY = {"slug": "hetzner", "name": "Hetzner", "purposeDa": "Hosting", "purposeEn": "Hosting",
             "countries": ["DE"], "transferMechanism": "EEA"}


class Clock:
    """Moves the registry's and the cache's notion of now, so no test waits for time to pass."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment: datetime | None = None
        monkeypatch.setattr(versions, "utcnow", lambda: self.moment or utcnow())
        monkeypatch.setattr(cache_state, "now", lambda: (self.moment or utcnow()).timestamp())
        monkeypatch.setattr(published, "utcnow", lambda: self.moment or utcnow())

    def set(self, moment: datetime) -> None:
        self.moment = moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


async def publish_hetzner(gql: GraphQLClient, token: str) -> dict:
    saved = await gql(SAVE, {"input": NEW_ENTRY}, token=token)
    assert saved["data"]["saveSubprocessorDraft"]["userErrors"] == []
    published = await gql(PUBLISH, {"note": "Hosting moves to Hetzner."}, token=token)
    assert published["data"]["publishVersion"]["userErrors"] == []
    return published["data"]["publishVersion"]["version"]


def statuses(result: dict) -> dict[int, str]:
    return {edge["node"]["number"]: edge["node"]["status"] for edge in result["data"]["registryVersions"]["edges"]}


async def test_publishing_shows_the_pending_version_on_the_next_read(seeded, gql, admin_token):
    assert statuses(await gql(HISTORY)) == {1: "EFFECTIVE"}
    assert statuses(await gql(HISTORY)) == {1: "EFFECTIVE"}  # now answered from the cache

    await publish_hetzner(gql, admin_token)

    assert statuses(await gql(HISTORY)) == {2: "PENDING", 1: "EFFECTIVE"}


async def test_withdrawing_shows_on_the_next_read(seeded, gql, admin_token):
    await publish_hetzner(gql, admin_token)
    assert statuses(await gql(HISTORY))[2] == "PENDING"

    withdrawn = await gql(WITHDRAW, {"n": 2}, token=admin_token)
    assert withdrawn["data"]["withdrawVersion"]["userErrors"] == []

    assert statuses(await gql(HISTORY)) == {2: "WITHDRAWN", 1: "EFFECTIVE"}


async def test_the_list_changes_the_moment_a_pending_version_takes_effect(seeded, gql, admin_token, clock):
    version = await publish_hetzner(gql, admin_token)
    effective_at = datetime.fromisoformat(version["effectiveAt"])

    clock.set(effective_at - timedelta(microseconds=1))
    before = await gql(LIST)
    assert "hetzner" not in [s["slug"] for s in before["data"]["subprocessors"]]
    assert await gql(LIST) == before  # cached, one microsecond before the boundary

    clock.set(effective_at)
    after = await gql(LIST)

    assert "hetzner" in [s["slug"] for s in after["data"]["subprocessors"]]
    assert statuses(await gql(HISTORY)) == {2: "EFFECTIVE", 1: "SUPERSEDED"}


async def history_once_told(gql: GraphQLClient, db: Database, expected: dict[int, str]) -> dict[int, str]:
    """The history as the next reader sees it once the database has told this server of the change.

    SQLite: the next request reads the revision itself, so the first answer must be the new one.
    PostgreSQL: the publishing transaction's NOTIFY reaches this server as it commits; in one test
    process that delivery needs the event loop to run, so the reader retries for at most two seconds.
    """
    answer = statuses(await gql(HISTORY))
    for _ in range(400 if db.dialect == "postgresql" else 0):
        if answer == expected:
            break
        await asyncio.sleep(0.005)
        answer = statuses(await gql(HISTORY))
    return answer


async def test_a_publish_through_another_server_shows_on_this_one(seeded, gql, settings, admin_token):
    # Given a second server process: its own app and its own Database object on the same database
    other_db = Database(settings.database_url)
    other_app = create_app(settings, db=other_db)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other_app), base_url="http://other") as http:
            other = GraphQLClient(http)
            assert statuses(await gql(HISTORY)) == {1: "EFFECTIVE"}
            assert statuses(await other(HISTORY)) == {1: "EFFECTIVE"}

            await publish_hetzner(other, admin_token)  # when the other server publishes
            expected = {2: "PENDING", 1: "EFFECTIVE"}
            assert await history_once_told(gql, seeded, expected) == expected  # this one shows it

            assert (await gql(WITHDRAW, {"n": 2}, token=admin_token))["data"]["withdrawVersion"]["userErrors"] == []
            expected = {2: "WITHDRAWN", 1: "EFFECTIVE"}
            assert await history_once_told(other, other_db, expected) == expected  # and the reverse
    finally:
        await close_stamp(other_db)
        await other_db.dispose()


async def test_get_answers_carry_an_etag_and_revalidate_to_304(seeded, client, gql, admin_token):
    first = await client.get("/graphql", params={"query": HISTORY})
    assert first.status_code == 200 and first.json()["data"]["registryVersions"]
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")

    again = await client.get("/graphql", params={"query": HISTORY}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag

    await publish_hetzner(gql, admin_token)
    changed = await client.get("/graphql", params={"query": HISTORY}, headers={"If-None-Match": etag})

    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert statuses(changed.json()) == {2: "PENDING", 1: "EFFECTIVE"}


async def test_the_website_embeds_read_is_answered_from_the_cache_and_names_a_new_service_after_a_publish(
        seeded, client, db, gql, admin_token):
    # Given the embed's one read (list, services, history), asked as embed.js asks it
    embed = f"/graphql?{embed_query()}"
    assert "Hosting" not in (await client.get(embed)).json()["data"]["subprocessorServices"]

    # When it is asked again, then after an admin announces a sub-processor for the service Hosting
    with counting(db) as statements:
        again = await client.get(embed)
    saved = await gql(SAVE, {"input": NEW_ENTRY | {"services": ["Hosting"]}}, token=admin_token)
    assert saved["data"]["saveSubprocessorDraft"]["userErrors"] == []
    assert (await gql(PUBLISH, {"note": "Hosting moves to Hetzner."}, token=admin_token))["data"]["publishVersion"]
    after = await client.get(embed)

    # Then the repeat came from the shared cache without SQL, and the next read names the new service
    assert again.status_code == 200 and "etag" in again.headers and statements == []
    assert "Hosting" in after.json()["data"]["subprocessorServices"]


async def test_browsers_may_keep_an_answer_only_until_the_next_version_takes_effect(seeded, db, settings, gql,
                                                                                  admin_token, clock):
    app = create_app(settings.model_copy(update={"http_max_age": 3600}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        assert (await http.get("/graphql", params={"query": LIST})).headers["cache-control"] == "public, max-age=3600"
        version = await publish_hetzner(gql, admin_token)

        clock.set(datetime.fromisoformat(version["effectiveAt"]) - timedelta(seconds=90))
        answer = await http.get("/graphql", params={"query": LIST})

    assert answer.headers["cache-control"] == "public, max-age=90"


async def test_answers_to_an_admin_are_never_shared(seeded, client, admin_token):
    headers = {"Authorization": f"Bearer {admin_token}"}
    anonymous = await client.get("/graphql", params={"query": LIST})
    admin = await client.get("/graphql", params={"query": LIST}, headers=headers)

    assert admin.json() == anonymous.json()
    assert "etag" not in admin.headers and "public" not in admin.headers.get("cache-control", "")
    assert "Authorization" in [v.strip() for v in anonymous.headers["vary"].split(",")]


async def test_anonymous_mutations_and_failed_queries_are_never_cached(seeded, client):
    mutation = {"query": PUBLISH, "variables": {"note": "sneaky"}}
    for _ in range(2):
        refused = await client.post("/graphql", json=mutation)
        assert refused.json()["errors"][0]["message"].startswith("An admin token is required")
    bad = await client.get("/graphql", params={"query": '{ registryDiff(fromVersion: 1, toVersion: 9) { fromVersion } }'})

    assert bad.json()["errors"] and "etag" not in bad.headers


async def test_a_server_that_lost_its_change_notices_still_shows_a_publish_at_once(seeded, gql, settings):
    assert statuses(await gql(HISTORY)) == {1: "EFFECTIVE"}
    stamp = stamp_for(seeded)
    if seeded.dialect == "postgresql":
        stamp._connection.terminate()  # the LISTEN connection drops, as in a database restart
    else:
        await stamp.close()

    other_db = Database(settings.database_url)  # another process publishes meanwhile
    try:
        async with other_db.transaction() as session:
            await drafts.save_draft_entry(session=session, actor="other", entry=drafts.parse_entry(
                {"slug": "hetzner", "name": "Hetzner", "purpose_da": "Hosting", "purpose_en": "Hosting"}))
            await versions.publish_version(session=session, actor="other", note="Hetzner.", min_notice_days=30)
    finally:
        await other_db.dispose()

    assert statuses(await gql(HISTORY)) == {2: "PENDING", 1: "EFFECTIVE"}


def answer_cache(app) -> ResponseCache:
    """The app's answer cache, to look at what it holds."""
    graphql = next(route for route in app.routes if getattr(route, "path", None) == "/graphql").app.app
    return graphql.cache


class CountedGraphQL:
    """Counts how often the app's cache runs GraphQL; optionally holds each run until released."""

    def __init__(self, app, *, fail_first: bool = False) -> None:
        self.runs = 0
        self.release = asyncio.Event()
        self.release.set()
        cache = answer_cache(app)
        original = cache.app

        async def execute(scope, receive, send):
            self.runs += 1
            await self.release.wait()
            if fail_first and self.runs == 1:
                raise RuntimeError("the database went away")
            await original(scope, receive, send)

        cache.app = execute

    async def settle(self) -> None:
        """Lets every request started so far reach the point where it runs GraphQL or waits for a run."""
        for _ in range(200):
            await asyncio.sleep(0)
        await asyncio.sleep(0.2)  # PostgreSQL: the requests' own revision reads are on the wire


async def test_a_read_while_another_reload_is_under_way_waits_for_the_new_answer(seeded, gql, admin_token,
                                                                                monkeypatch):
    # Given a cached history and a publish whose new state is slow to load (a busy database)
    assert statuses(await gql(HISTORY)) == {1: "EFFECTIVE"}
    await publish_hetzner(gql, admin_token)
    loading, release = asyncio.Event(), asyncio.Event()
    load_pending = versions.pending_versions

    async def slow_pending_versions(*, session, **options):
        loading.set()
        await release.wait()
        return await load_pending(session=session, **options)

    monkeypatch.setattr(versions, "pending_versions", slow_pending_versions)
    await asyncio.sleep(0.2)  # PostgreSQL: this server hears the publish's own notice before anyone reads

    # When one reader starts the reload and another reads while it is under way
    first = asyncio.create_task(gql(HISTORY))
    await asyncio.wait_for(loading.wait(), 10)
    second = asyncio.create_task(gql(HISTORY))
    await asyncio.wait({second}, timeout=1)  # the old cache answered from its old state here
    release.set()

    # Then both see the published version
    expected = {2: "PENDING", 1: "EFFECTIVE"}
    assert statuses(await first) == expected
    assert statuses(await second) == expected


async def test_a_read_while_the_revision_is_being_read_again_after_a_publish_waits_for_it(seeded, gql, admin_token,
                                                                                       monkeypatch):
    if seeded.dialect != "postgresql":
        pytest.skip("SQLite reads the revision afresh in every turn of the loop: no read is ever in flight")
    # Given a cached history, and a database that is slow to answer the revision once more (a busy one)
    assert statuses(await gql(HISTORY)) == {1: "EFFECTIVE"}
    stamp = stamp_for(seeded)
    reading, release = asyncio.Event(), asyncio.Event()

    class SlowConnection:
        def __init__(self, connection) -> None:
            self.connection = connection

        def __getattr__(self, name: str):
            return getattr(self.connection, name)

        async def fetchval(self, *args, **kwargs):
            reading.set()
            await release.wait()
            return await self.connection.fetchval(*args, **kwargs)

    monkeypatch.setattr(stamp, "_connection", SlowConnection(stamp._connection))
    await publish_hetzner(gql, admin_token)
    await asyncio.sleep(0.2)  # this server hears the publish's own notice before anyone reads

    # When one reader's request reads the revision again, and another reader asks while that read is on the wire
    first = asyncio.create_task(gql(HISTORY))
    await asyncio.wait_for(reading.wait(), 10)
    second = asyncio.create_task(gql(HISTORY))
    await asyncio.wait({second}, timeout=1)  # it took the revision read before the publish here, and was answered
    release.set()

    # Then both see the published version
    expected = {2: "PENDING", 1: "EFFECTIVE"}
    assert statuses(await first) == expected
    assert statuses(await second) == expected


async def test_concurrent_reads_after_a_publish_run_graphql_once(seeded, settings, admin_token):
    app = create_app(settings, db=seeded)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    gql = GraphQLClient(http)
    # Given a cached history and then a publish, which makes it stale
    assert statuses(await gql(HISTORY)) == {1: "EFFECTIVE"}
    await publish_hetzner(gql, admin_token)
    graphql = CountedGraphQL(app)
    graphql.release.clear()

    # When 20 readers ask for it at once
    readers = [asyncio.create_task(gql(HISTORY)) for _ in range(20)]
    await graphql.settle()
    graphql.release.set()
    answers = await asyncio.gather(*readers)

    # Then GraphQL ran once and every reader got the new history
    assert graphql.runs == 1
    assert all(statuses(answer) == {2: "PENDING", 1: "EFFECTIVE"} for answer in answers)


async def test_a_failed_shared_run_fails_its_waiters_but_not_the_next_reader(seeded, db, settings):
    app = create_app(settings, db=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        # Given the first run of a query fails while 5 readers wait for it
        graphql = CountedGraphQL(app, fail_first=True)
        graphql.release.clear()
        readers = [asyncio.create_task(http.post("/graphql", json={"query": LIST})) for _ in range(5)]
        await graphql.settle()
        graphql.release.set()
        failed = await asyncio.gather(*readers)

        # When the next reader asks
        answer = await http.post("/graphql", json={"query": LIST})

    # Then the waiters got the failure, and the next reader an answer computed anew
    assert [response.status_code for response in failed] == [500] * 5
    assert answer.status_code == 200 and answer.json()["data"]["subprocessors"]
    assert graphql.runs == 2


async def test_readers_waiting_on_a_run_get_it_even_if_its_starter_went_away(seeded, settings):
    app = create_app(settings, db=seeded)
    gql = GraphQLClient(httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver"))
    # Given a reader whose run of the list is under way
    graphql = CountedGraphQL(app)
    graphql.release.clear()
    starter = asyncio.create_task(gql(LIST))
    await graphql.settle()
    followers = [asyncio.create_task(gql(LIST)) for _ in range(3)]
    await graphql.settle()

    # When that reader goes away before the answer is ready
    starter.cancel()
    graphql.release.set()

    # Then the others still get the answer from that one run
    answers = await asyncio.wait_for(asyncio.gather(*followers), 10)
    assert all(answer["data"]["subprocessors"] for answer in answers)
    assert graphql.runs == 1


async def test_the_cache_holds_no_more_bytes_than_its_bound(seeded, db, settings):
    # Given a cache bound to 32 KiB, so an answer over 2 KiB is not kept
    app = create_app(settings.model_copy(update={"cache_max_bytes": 32 * 1024}), db=db)
    cache = answer_cache(app)
    graphql = CountedGraphQL(app)
    full = "{ subprocessors { slug name legalEntity purposeDa purposeEn dataCategories countries services website } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        # When a stranger asks 200 variants of a query, each differing in a comment
        for n in range(200):
            answer = await http.post("/graphql", json={"query": f"# variant {n}\n{LIST}"})
            assert answer.status_code == 200
        held, runs = cache.held_bytes, graphql.runs

        # and asks twice for an answer larger than a sixteenth of the bound
        large = [await http.post("/graphql", json={"query": full}) for _ in range(2)]

    # Then the cache kept under its bound, and served the large answer both times without keeping it
    assert runs == 200 and 0 < held <= 32 * 1024
    assert sum(len(key) + len(entry.body) for key, entry in cache.entries.items()) <= held
    assert len(large[0].content) > 2 * 1024 and large[0].content == large[1].content
    assert graphql.runs == 202
