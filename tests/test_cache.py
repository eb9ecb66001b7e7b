"""Given the public answer cache, readers never see an answer older than the registry's state."""

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest

from registry.db import Database, utcnow
from registry.subprocessors import service as drafts
from registry.versions import service as versions
from schema import cache_state
from schema.app import create_app
from schema.cache_state import close_stamp, stamp_for
from tests.conftest import GraphQLClient

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
