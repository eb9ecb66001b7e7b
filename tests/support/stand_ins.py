"""A stand-in for the notifications package's subscription service, with the signature the form calls.

Import the `subscriptions` fixture into a test module to use it; it replaces the real module while the
test runs, in this process and so in a live server thread too.
"""

import sys
import types

import pytest

from registry.errors import RegistryError
from schema.pages.public import SUBSCRIPTIONS_MODULE


class SubscriptionsStandIn:
    """Records calls to request_subscription and raises what a test tells it to."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.error: RegistryError | None = None

    async def request_subscription(self, *, session, settings, email: str, language: str, client: str,
                                   now=None) -> None:
        self.calls.append({"session": session, "settings": settings, "email": email, "language": language,
                           "client": client})
        if self.error:
            raise self.error


@pytest.fixture
def subscriptions(monkeypatch) -> SubscriptionsStandIn:
    stand_in = SubscriptionsStandIn()
    module = types.ModuleType(SUBSCRIPTIONS_MODULE)
    module.request_subscription = stand_in.request_subscription
    monkeypatch.setitem(sys.modules, SUBSCRIPTIONS_MODULE, module)
    return stand_in
