"""GraphiQL in a real Chromium: no other site can frame it, and no bearer token stays behind in localStorage.

GraphiQL's own code comes from unpkg.com, which this machine cannot reach: the tests block it and check
what the registry's page does before and without it.
"""

import json
from collections.abc import Iterator

import pytest

from registry.db import Database
from schema.settings import AppSettings
from tests.support.live import HostPage, LiveRegistry, free_socket

TOKEN = "Bearer admin-token-that-must-not-stay"


@pytest.fixture
def registry(db: Database, settings: AppSettings) -> Iterator[LiveRegistry]:
    with LiveRegistry(settings, free_socket()) as server:
        yield server


@pytest.fixture
async def offline(page):
    await page.route("https://unpkg.com/**", lambda route: route.abort())
    return page


async def test_a_token_an_earlier_graphiql_kept_is_gone_once_graphiql_opens(db, registry, offline):
    # Given a browser in which an earlier GraphiQL kept an admin's token (its headers tab, in two places)
    await offline.goto(f"{registry.url}/healthz")
    tabs = {"tabs": [{"id": "t1", "query": "{ draft { version } }", "headers": json.dumps({"Authorization": TOKEN})}],
            "activeTabIndex": 0}
    await offline.evaluate("""([headers, tabs]) => {
        localStorage.setItem("graphiql:headers", headers);
        localStorage.setItem("graphiql:tabState", tabs);
    }""", [json.dumps({"Authorization": TOKEN}), json.dumps(tabs)])

    # When the admin opens GraphiQL again
    await offline.goto(f"{registry.url}/graphql")

    # Then the token is in no stored value any more, while the tab's query is kept
    stored = await offline.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    assert TOKEN not in json.dumps(stored)
    assert json.loads(stored["graphiql:tabState"])["tabs"][0]["query"] == "{ draft { version } }"


async def test_another_site_cannot_frame_graphiql(db, registry, page):
    # Given a page on another origin that puts GraphiQL in a frame
    with HostPage(f'<!doctype html><iframe name="ide" src="{registry.url}/graphql"></iframe>') as site:
        # When a browser opens that page
        await page.goto(site.origin)
        await page.wait_for_load_state("load")

        # Then the frame shows nothing of the registry
        frame = page.frame(name="ide")
        assert not frame.url.startswith(registry.url)
        assert "GraphiQL" not in await frame.content()
