"""The web server's configuration (HTTP, GraphQL, CORS, the answer cache and its limits), and the whole app's.

AppSettings is every section in one object: the registry's, the notifications' and this layer's.
"""

import ipaddress
from functools import cache
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from notifications.settings import NotificationSettings
from registry.settings import listed


class AppSettings(NotificationSettings):
    """Every knob an operator can turn; defaults run the embedded demo on one machine."""

    max_query_depth: int = 10
    max_query_tokens: int = 2000
    max_query_aliases: int = 15
    max_page_size: int = 100
    # How many sub-processor entries, summed over the published versions it keeps, each API process holds read in
    # memory (schema/published.py): about 3 KB each with what is built from them. Counted in entries, not versions,
    # because a large processor's version holds a thousand of them.
    published_memory_entries: int = Field(default=20_000, ge=1)
    # What one GraphQL operation may cost (schema/cost.py: fields times the lists around them), checked before
    # it runs so a stranger cannot block the server with nested pages; tokens of admins and customers get more.
    query_cost_anonymous: int = Field(default=10_000, ge=1)
    query_cost_authenticated: int = Field(default=100_000, ge=1)
    # The assumed length of a list without `first` (a version's entries or changes) when pricing a query.
    query_list_size: int = Field(default=25, ge=1)
    # GraphiQL on GET /graphql; unset, only while the server listens on loopback (a developer's machine).
    graphiql: bool | None = None
    # Web origins (scheme://host[:port]) whose pages may call /graphql from a browser, e.g. for the embed.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # The environment gives one string: "https://a.dk,https://b.dk" as well as a JSON list (registry's `listed`);
        # an origin never ends in "/", so one typed with it still matches the browser's Origin header.
        items = listed(value)
        return [item.rstrip("/") for item in items] if isinstance(value, str) else items

    # How long browsers and CDNs may reuse a public GET answer without asking (0: revalidate every time,
    # cheap through ETag and 304). Never longer than until the next pending version takes effect.
    http_max_age: int = Field(default=0, ge=0)
    # A scraper presents it as "Authorization: Bearer …" on /metrics; unset, only this host may scrape.
    metrics_token: str | None = Field(default=None, min_length=16)

    # Proxies (IPs or networks, or "*") whose X-Forwarded-For names the client; by default none, since
    # trusting a proxy that is not there lets any client pose as many and dodge the per-client limits.
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _ips_or_networks(cls, value: list[str]) -> list[str]:
        # uvicorn silently treats a mistyped entry as a name no peer ever has: refuse it here instead.
        if value == ["*"]:
            return value
        for entry in value:
            try:
                ipaddress.ip_network(entry) if "/" in entry else ipaddress.ip_address(entry)
            except ValueError:
                raise ValueError(f"{entry!r} is neither an IP address nor a network such as 10.0.0.0/8 "
                                 "(or '*' alone)") from None
        return value

    # The public answer cache's bound per process, counted in bytes because a stranger chooses how large
    # an answer is; an answer over a sixteenth of it is served but not kept.
    cache_max_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    # Concurrent requests for an answer not yet cached wait for one computation; off only to measure that.
    cache_coalesce: bool = True

    @property
    def serves_graphiql(self) -> bool:
        """Whether GET /graphql opens GraphiQL: as configured, else only on a loopback-only server."""
        return self.listens_on_loopback if self.graphiql is None else self.graphiql


# The process-wide settings, read from the environment on first use.
get_settings = cache(AppSettings)
