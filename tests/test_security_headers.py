"""What a browser or a stranger is told about how to treat the registry's answers, and who sees GraphiQL and /metrics."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from schema.settings import AppSettings
from schema.app import create_app

IDE = {"Accept": "text/html"}


@asynccontextmanager
async def http_to(db, settings: AppSettings, client: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, db=db), client=(client, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def graphiql_status(db, settings: AppSettings, **update) -> int:
    async with http_to(db, settings.model_copy(update=update)) as http:
        return (await http.get("/graphql", headers=IDE)).status_code


@pytest.mark.parametrize(("listen_host", "graphiql", "served"), [
    ("127.0.0.1", None, True),   # a developer's machine: the default serves it
    ("::1", None, True),
    ("0.0.0.0", None, False),    # reachable from the network: off unless asked for
    ("203.0.113.4", None, False),
    ("0.0.0.0", True, True),     # the operator's explicit choice wins either way
    ("127.0.0.1", False, False),
])
async def test_graphiql_is_on_by_default_only_on_loopback(db, settings, listen_host, graphiql, served):
    chosen = {} if graphiql is None else {"graphiql": graphiql}
    status = await graphiql_status(db, settings, listen_host=listen_host, **chosen)

    assert status == (200 if served else 404)


def test_the_graphiql_setting_reads_from_the_environment(monkeypatch):
    monkeypatch.setenv("REGISTRY_LISTEN_HOST", "0.0.0.0")
    assert AppSettings().serves_graphiql is False
    monkeypatch.setenv("REGISTRY_GRAPHIQL", "true")
    assert AppSettings().serves_graphiql is True


async def test_graphiql_cannot_be_framed_and_keeps_no_headers(db, settings):
    # Given GraphiQL on a loopback server
    async with http_to(db, settings) as http:
        # When a browser opens it
        page = await http.get("/graphql", headers=IDE)

    # Then no other site may frame it (clickjacking an admin's session)
    assert page.status_code == 200 and "GraphiQL" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    # And GraphiQL is told not to keep the headers tab (an admin token) in localStorage, nor to offer to,
    # and a token an earlier version kept there is removed before GraphiQL starts
    assert "shouldPersistHeaders: false" in page.text and "shouldPersistHeaders: true" not in page.text
    assert "showPersistHeadersSettings: false" in page.text
    assert page.text.index('localStorage.removeItem("graphiql:headers")') < page.text.index("unpkg.com")


@pytest.mark.parametrize("path", ["/graphql?query={__typename}", "/feed.atom", "/embed.js", "/healthz",
                                  "/subprocessors", "/registry.css", "/no-such-page"])
async def test_every_answer_forbids_sniffing_and_framing_and_insists_on_https(seeded, settings, path):
    # Given a registry whose public URL is https (the test settings' is)
    assert settings.public_url.startswith("https://")
    async with http_to(seeded, settings) as http:
        # When anything is asked for
        response = await http.get(path)

    # Then the browser may neither guess the type, nor frame it, nor use plain http again for a year
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    policy = response.headers["content-security-policy"]
    assert policy.count("frame-ancestors") == 1 and "frame-ancestors 'none'" in policy


async def test_pages_keep_their_own_policy_beside_the_framing_rule(seeded, settings):
    async with http_to(seeded, settings) as http:
        page = await http.get("/subprocessors")

    assert "script-src 'none'" in page.headers["content-security-policy"]


async def test_no_hsts_while_the_registry_is_served_over_http(seeded, settings):
    async with http_to(seeded, settings.model_copy(update={"public_url": "http://127.0.0.1:8000"})) as http:
        response = await http.get("/healthz")

    assert "strict-transport-security" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("forwarded", [{"X-Forwarded-For": "203.0.113.9"}, {"X-Real-IP": "203.0.113.9"},
                                       {"Forwarded": "for=203.0.113.9"}, {"X-Forwarded-Host": "registry.example"}])
async def test_metrics_need_the_token_when_a_proxy_passed_the_request_on(db, settings, forwarded):
    # Given no metrics token, and a proxy on this host passing a stranger's request on
    async with http_to(db, settings, client="127.0.0.1") as http:
        # When the stranger asks for /metrics through it, and this host asks directly
        through_proxy = await http.get("/metrics", headers=forwarded)
        direct = await http.get("/metrics")

    # Then only the direct request is answered
    assert through_proxy.status_code == 401
    assert direct.status_code == 200 and "registry_notifications_queue" in direct.text
