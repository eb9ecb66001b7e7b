"""Browsers on the operator's configured websites may call /graphql; pages from anywhere else may not."""

from collections.abc import AsyncIterator

import httpx
import pytest

from schema.settings import AppSettings
from schema.app import create_app

WEBSITE = "https://www.office2go.test"
QUERY = {"query": "{ subprocessors { name } }"}


@pytest.fixture
async def website_client(db, settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"cors_origins": [WEBSITE]}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


def preflight(origin: str) -> dict:
    return {"Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"}


async def test_configured_origin_may_read_by_get_and_post(seeded, website_client):
    got = await website_client.get("/graphql", params=QUERY, headers={"Origin": WEBSITE})
    allowed = await website_client.options("/graphql", headers=preflight(WEBSITE))
    posted = await website_client.post("/graphql", json=QUERY, headers={"Origin": WEBSITE})

    assert got.status_code == 200 and got.headers["access-control-allow-origin"] == WEBSITE
    assert len(got.json()["data"]["subprocessors"]) == 17
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == WEBSITE
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert posted.headers["access-control-allow-origin"] == WEBSITE


async def test_other_origins_get_no_cors_permission(seeded, website_client):
    got = await website_client.get("/graphql", params=QUERY, headers={"Origin": "https://evil.example"})
    refused = await website_client.options("/graphql", headers=preflight("https://evil.example"))

    assert "access-control-allow-origin" not in got.headers
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers


async def test_no_origin_is_allowed_by_default(seeded, client):
    got = await client.get("/graphql", params=QUERY, headers={"Origin": WEBSITE})

    assert got.status_code == 200 and "access-control-allow-origin" not in got.headers


async def test_cors_applies_to_graphql_only(seeded, website_client):
    page = await website_client.get("/subprocessors", headers={"Origin": WEBSITE})

    assert "access-control-allow-origin" not in page.headers


@pytest.mark.parametrize("value", ["https://a.example, https://b.example/", '["https://a.example", "https://b.example"]'])
def test_origins_are_read_from_the_environment_as_a_list(monkeypatch, value):
    monkeypatch.setenv("REGISTRY_CORS_ORIGINS", value)

    assert AppSettings().cors_origins == ["https://a.example", "https://b.example"]
