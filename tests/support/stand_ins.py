"""A stand-in for the notifications package's subscription service, with the signature the form calls.

Import the `subscriptions` fixture into a test module to use it; it takes the real module's place in the
public pages while the test runs, in this process and so in a live server thread too.
"""

import pytest

from registry.errors import RegistryError
from schema.pages import public


class SubscriptionsStandIn:
    """Records calls to request_subscription and raises what a test tells it to."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.error: RegistryError | None = None

    async def request_subscription(self, *, session, settings, email: str, language: str, client: str,
                                   services: list[str] = (), now=None) -> None:
        self.calls.append({"session": session, "settings": settings, "email": email, "language": language,
                           "client": client, "services": list(services)})
        if self.error:
            raise self.error


@pytest.fixture
def subscriptions(monkeypatch) -> SubscriptionsStandIn:
    stand_in = SubscriptionsStandIn()
    monkeypatch.setattr(public, "subscriptions", stand_in)
    return stand_in


def public_dns(monkeypatch) -> None:
    """No internet here: every webhook host name resolves to one public address (the guard still checks it)."""
    from ipaddress import ip_address

    from notifications.webhooks import network

    monkeypatch.setattr(network, "resolve_addresses", lambda host, port: [ip_address("93.184.215.14")])
