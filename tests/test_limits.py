"""Strangers cannot make the server do unbounded work, and crashes do not leak internals."""

import httpx
import pytest

from registry.versions import service as versions
from schema.app import create_app
from tests.conftest import GraphQLClient


async def test_query_beyond_the_configured_depth_is_refused(seeded, settings):
    # The registry's own types nest about five deep, so the test lowers the limit to reach it.
    app = create_app(settings.model_copy(update={"max_query_depth": 3}), db=seeded)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        gql = GraphQLClient(http)
        shallow = await gql("{ registryVersions { totalCount } }")
        deep = await gql("{ registryVersions { edges { node { subprocessors { slug } } } } }")

    assert "errors" not in shallow
    assert deep["data"] is None and "exceeds maximum operation depth" in deep["errors"][0]["message"]


async def test_too_many_aliases_are_refused_even_through_fragments(seeded, gql):
    aliases = " ".join(f"a{i}: subprocessors {{ slug }}" for i in range(16))
    in_fragment = "query { ...F } fragment F on Query { " + aliases + " }"

    direct = await gql("{ " + aliases + " }")
    via_fragment = await gql(in_fragment)

    for result in (direct, via_fragment):
        assert result["data"] is None and "aliases" in result["errors"][0]["message"]


async def test_too_many_tokens_are_refused(seeded, gql):
    query = "{ subprocessors { " + " ".join(["slug"] * 2100) + " } }"

    result = await gql(query)

    assert result["data"] is None and "token" in result["errors"][0]["message"].lower()


async def test_oversized_bodies_are_refused_before_parsing(seeded, client):
    response = await client.post("/graphql", content=b'{"query": "' + b" " * 70_000 + b'{ subprocessors { slug } }"}',
                                 headers={"content-type": "application/json"})

    assert response.status_code == 413


async def test_unexpected_errors_are_masked(seeded, gql, monkeypatch):
    async def broken(**_):
        raise RuntimeError("connection string postgresql://secret@db")

    monkeypatch.setattr(versions, "effective_version", broken)

    result = await gql("{ subprocessors { slug } }")

    assert result["errors"][0]["message"] == "Unexpected error."
    assert "secret" not in str(result)


@pytest.mark.parametrize("path", ["/healthz"])
async def test_health_check_answers_ok(seeded, client, path):
    response = await client.get(path)

    assert response.status_code == 200 and response.json() == {"status": "ok"}
