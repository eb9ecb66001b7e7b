"""One network, however many addresses it holds, can neither flood the subscribe form nor use up everyone's emails."""

import httpx
import pytest

from schema.app import create_app
from tests.support.notify_helpers import SUBSCRIBE, notifications


class Visitors:
    """The real app, asked over HTTP from whichever client address a test names."""

    def __init__(self, db, settings) -> None:
        self.app = create_app(settings, db=db)

    async def subscribe(self, client: str, email: str) -> dict:
        transport = httpx.ASGITransport(app=self.app, client=(client, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.post("/graphql", json={"query": SUBSCRIBE,
                                                         "variables": {"email": email, "language": "DA"}})
        return response.json()["data"]["subscribe"]


def outcome(answer: dict) -> str:
    return "ok" if answer["ok"] else answer["userErrors"][0]["code"]


async def test_a_flood_from_one_network_leaves_confirmations_for_everyone_else(db, settings):
    # Given an hourly cap of 20 confirmation emails, of which one network may use a quarter
    tight = settings.model_copy(update={"confirmation_emails_per_hour": 20, "confirmation_share_per_network": 0.25,
                                        "subscribe_per_network_per_hour": 10_000})
    visitors = Visitors(db, tight)

    # When three times the cap of subscribe requests for different mailboxes come from 30 addresses of one /24
    flood = [outcome(await visitors.subscribe(f"203.0.113.{n % 30 + 1}", f"victim{n}@example.dk"))
             for n in range(60)]

    # Then that network got its share of confirmations and no more
    assert flood.count("ok") == 5 and set(flood) == {"ok", "RATE_LIMITED"}
    # And the next honest subscriber, from another network, still gets a confirmation
    assert outcome(await visitors.subscribe("198.51.100.7", "honest@example.dk")) == "ok"
    assert len(await notifications(db)) == 6


@pytest.mark.parametrize(("crowd", "neighbour"), [
    ([f"192.0.2.{n}" for n in range(1, 8)] + ["::ffff:192.0.2.200"], "192.0.3.1"),
    ([f"2001:db8:0:1::{n:x}" for n in range(1, 5)] + [f"2001:db8:0:1:ffff:ffff:ffff:{n:x}" for n in range(1, 5)],
     "2001:db8:0:2::1"),
], ids=["ipv4-24", "ipv6-64"])
async def test_many_addresses_of_one_network_share_one_limit(db, settings, crowd, neighbour):
    # Given at most 5 subscribe requests an hour from one network
    visitors = Visitors(db, settings.model_copy(update={"subscribe_per_network_per_hour": 5}))

    # When eight addresses of one network ask once each
    answers = [outcome(await visitors.subscribe(client, f"reader{n}@example.dk")) for n, client in enumerate(crowd)]

    # Then the first five are served and the rest refused, though no single address asked twice
    assert answers == ["ok"] * 5 + ["RATE_LIMITED"] * 3
    # And the next network is not held back by it
    assert outcome(await visitors.subscribe(neighbour, "neighbour@example.dk")) == "ok"
