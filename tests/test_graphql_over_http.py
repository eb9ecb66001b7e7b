"""Given the GraphQL-over-HTTP spec, /graphql answers each client in the media type it asked for."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlmodel import func, select

from notifications.subscriptions.models import Subscription
from tests.support.live import LiveRegistry, free_socket

GRAPHQL_RESPONSE = "application/graphql-response+json"
AUDIT_DIR = Path(__file__).parent / "support" / "http_audit"
LIST = "{ subprocessors { slug } }"


async def post(client, body: object, accept: str | None = None, content_type: str = "application/json"):
    headers = {"content-type": content_type} | ({"accept": accept} if accept else {})
    content = body if isinstance(body, str) else json.dumps(body)
    return await client.post("/graphql", content=content, headers=headers)


@pytest.mark.parametrize("body", [
    {"query": "{ subprocessors { nosuchfield } }"},  # validation
    {"query": "{ subprocessors "},  # parsing
    {"query": "query($n: Int!) { registryVersion(number: $n) { number } }", "variables": {"n": "one"}},  # variables
], ids=["validation", "parsing", "variables"])
async def test_a_request_that_never_ran_is_400_without_data_under_graphql_response_json(seeded, client, body):
    response = await post(client, body, accept=f"{GRAPHQL_RESPONSE}, application/json;q=0.9")

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    answer = response.json()
    assert "data" not in answer and answer["errors"][0]["message"]


@pytest.mark.parametrize("accept", ["application/json", "*/*", None, f"application/json, {GRAPHQL_RESPONSE};q=0.5"])
async def test_application_json_clients_keep_200_with_the_errors(seeded, client, accept):
    response = await post(client, {"query": "{ subprocessors { nosuchfield } }"}, accept=accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] is None and response.json()["errors"]


async def test_an_operation_that_ran_into_an_error_is_200_under_graphql_response_json(seeded, client):
    response = await post(client, {"query": "{ draft { subprocessors { slug } } }"}, accept=GRAPHQL_RESPONSE)

    assert response.status_code == 200 and response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json() == {"data": None, "errors": [
        {"message": response.json()["errors"][0]["message"], "locations": [{"line": 1, "column": 3}],
         "path": ["draft"], "extensions": {"code": "FORBIDDEN"}}]}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"])
async def test_a_post_that_is_not_json_is_415_and_changes_nothing(seeded, client, content_type):
    subscribe = {"query": 'mutation { subscribe(input: {email: "a@example.test", language: EN}) { ok } }'}

    response = await post(client, subscribe, accept=GRAPHQL_RESPONSE, content_type=content_type)

    assert response.status_code == 415 and response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["errors"][0]["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}
    async with seeded.session() as session:
        assert (await session.exec(select(func.count()).select_from(Subscription))).one() == 0


async def test_a_mutation_by_get_is_405_and_runs_nothing(seeded, client):
    subscribe = 'mutation { subscribe(input: {email: "a@example.test", language: EN}) { ok } }'

    response = await client.get("/graphql", params={"query": subscribe}, headers={"accept": GRAPHQL_RESPONSE})

    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    async with seeded.session() as session:
        assert (await session.exec(select(func.count()).select_from(Subscription))).one() == 0


async def test_the_answer_cache_keeps_one_answer_per_media_type(seeded, client):
    asked = [(accept, await client.get("/graphql", params={"query": LIST}, headers={"accept": accept}))
             for accept in ("application/json", GRAPHQL_RESPONSE, "application/json", GRAPHQL_RESPONSE)]
    posted = [(accept, await post(client, {"query": LIST}, accept=accept))
              for accept in (GRAPHQL_RESPONSE, "application/json", GRAPHQL_RESPONSE)]

    for accept, response in asked + posted:
        assert response.status_code == 200 and response.headers["content-type"] == accept
        assert "Accept" in response.headers["vary"]
        assert len(response.json()["data"]["subprocessors"]) == 17
    assert asked[0][1].headers["etag"] == asked[2][1].headers["etag"] != asked[1][1].headers["etag"]


def test_the_graphql_over_http_audit_passes_every_must_and_should(seeded, settings):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: scripts/test installs it (apt-get install nodejs npm)", pytrace=False)
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        pytest.fail(f"graphql-http is missing: npm ci --prefix {AUDIT_DIR}", pytrace=False)

    with LiveRegistry(settings, free_socket()) as server:
        run = subprocess.run([node, str(AUDIT_DIR / "audit.mjs"), f"{server.url}/graphql"],
                             capture_output=True, text=True, timeout=60, check=False)

    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    required = [result for result in results if result["name"].startswith(("MUST", "SHOULD"))]
    assert len(required) >= 36
    assert [result for result in required if result["status"] != "ok"] == []
