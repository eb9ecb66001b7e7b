"""/healthz as a load balancer reads it: from a probe of the database, answering in one loop turn."""

import asyncio

import httpx
from sqlalchemy.exc import OperationalError

from schema.health import HealthProbe
from tests.support.live import registry  # noqa: F401 - the live server fixture


async def test_a_running_server_answers_from_its_probe_and_reports_a_database_that_stopped_answering(
        registry, monkeypatch):  # noqa: F811 - the fixture
    # Given a live server whose probe has asked the database
    async with httpx.AsyncClient(base_url=registry.url) as http:
        first = await http.get("/healthz")

        # When the database stops answering the probe for longer than an answer is trusted
        async def refuse(self) -> bool:
            return False

        monkeypatch.setattr(HealthProbe, "check", refuse)
        monkeypatch.setattr("schema.health.TRUSTED_FOR_SECONDS", 0.5)
        await asyncio.sleep(1.5)
        later = await http.get("/healthz")

    # Then the server said ok first, and unavailable once the answer was too old
    assert first.status_code == 200 and first.json() == {"status": "ok"}
    assert later.status_code == 503 and later.json() == {"status": "unavailable"}


async def test_without_a_running_probe_the_check_asks_the_database_itself(db):
    # Given a probe that is not running, over a database that works and one that does not
    working = HealthProbe(db)

    class Broken:
        def session(self):
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    broken = HealthProbe(Broken())

    # When each is asked, then only the working database counts as healthy
    assert await working.healthy() is True
    assert await broken.healthy() is False
