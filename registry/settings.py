"""Operator configuration, read once from REGISTRY_* environment variables."""

import ipaddress
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob an operator can turn; defaults run the embedded demo on one machine."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/registry.db"
    public_url: str = "http://127.0.0.1:8000"
    # The address `serve` binds (it sets this from --host); loopback-only defaults are safe, others are not.
    listen_host: str = "127.0.0.1"
    secret_key: str = Field(default="dev-only-change-me", min_length=8)
    min_notice_days: int = Field(default=30, ge=0)

    organisation_name: str = "Office2go ApS"
    privacy_contact_name: str = "Jacob Holm, Adm. dir."
    privacy_contact_email: str = "Jacob@Office2go.dk"
    privacy_contact_phone: str = "24 42 11 32"

    max_query_depth: int = 10
    max_query_tokens: int = 2000
    max_query_aliases: int = 15
    max_page_size: int = 100
    # How many published versions each API process keeps read in memory (schema/published.py), lists included.
    published_memory_versions: int = Field(default=2000, ge=1)
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
        # The environment gives one string: accept "https://a.dk,https://b.dk" as well as a JSON list.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip().rstrip("/") for origin in text.split(",") if origin.strip()]
        return value

    # Change notifications (notifications/): delivery, retries and the limits on the public form.
    smtp_url: str | None = None  # smtp://user:pass@host:587?starttls=true; unset writes .eml files instead
    mail_dir: Path = Path("./var/mail")
    mail_from: str = "no-reply@registry.invalid"
    # Where the List-Unsubscribe mailto: goes; `subscribers unsubscribe-mail` reads what arrives there.
    unsubscribe_mailbox: str | None = None
    inprocess_worker: bool | None = None  # serve runs the worker too; default: only on SQLite
    # The most rows one claim leases; fewer when mail goes out slowly (see notifications/claims.py).
    worker_batch_size: int = Field(default=500, ge=1, le=1000)
    # A live worker renews its lease every quarter of it (a heartbeat), so it can be short: a crashed
    # worker's rows, the batch it claimed ahead too, are taken over once it runs out.
    worker_lease_seconds: int = Field(default=30, ge=1)
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    # Sent marks are committed in groups this large while the batch goes out: larger is faster, and a crash
    # may resend up to 2x+1 of it (one group being written, one being filled, one message on the wire).
    worker_settle_group: int = Field(default=16, ge=1, le=500)
    delivery_max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=60.0, gt=0)
    retry_cap_seconds: float = Field(default=6 * 3600.0, gt=0)
    circuit_pause_seconds: float = Field(default=60.0, gt=0)
    subscribe_per_address_per_hour: int = Field(default=3, ge=1)
    subscribe_per_client_per_hour: int = Field(default=20, ge=1)
    confirmation_emails_per_hour: int = Field(default=500, ge=1)
    # One client rarely has a single address: an IPv4 /24 or IPv6 /64 counts as one network too.
    subscribe_per_network_per_hour: int = Field(default=60, ge=1)
    # One network may use at most this fraction of the hourly confirmation emails, so a flood from it
    # leaves the rest for everybody else.
    confirmation_share_per_network: float = Field(default=0.1, gt=0, le=1)

    # Remind customers who have neither objected nor acknowledged this many days before their deadline (0: never).
    reminder_days_before: int = Field(default=7, ge=0, le=365)
    # How long browsers and CDNs may reuse a public GET answer without asking (0: revalidate every time,
    # cheap through ETag and 304). Never longer than until the next pending version takes effect.
    http_max_age: int = Field(default=0, ge=0)
    # A scraper presents it as "Authorization: Bearer …" on /metrics; unset, only this host may scrape.
    metrics_token: str | None = Field(default=None, min_length=16)
    # Keys retired by a rotation (comma-separated or a JSON list): links they signed still open, nothing new is
    # signed with them, so rotating REGISTRY_SECRET_KEY does not void every link in every inbox at once.
    secret_key_fallbacks: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("secret_key_fallbacks", mode="before")
    @classmethod
    def _key_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [key.strip() for key in text.split(",") if key.strip()]
        return value

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
    def unsubscribe_address(self) -> str:
        return self.unsubscribe_mailbox or self.mail_from

    @property
    def listens_on_loopback(self) -> bool:
        """Whether the server is reachable from this host only."""
        host = self.listen_host.strip("[]")
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def signing_keys(self) -> tuple[str, ...]:
        """The keys links are verified with, the current one last: itsdangerous signs with the last only."""
        return (*self.secret_key_fallbacks, self.secret_key)

    @property
    def serves_graphiql(self) -> bool:
        """Whether GET /graphql opens GraphiQL: as configured, else only on a loopback-only server."""
        return self.listens_on_loopback if self.graphiql is None else self.graphiql

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def runs_inprocess_worker(self) -> bool:
        """Whether `serve` delivers mail itself: by default only for the embedded SQLite setup."""
        return self.is_sqlite if self.inprocess_worker is None else self.inprocess_worker

    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL, or None for memory and other engines."""
        if not self.is_sqlite or ":memory:" in self.database_url:
            return None
        return Path(self.database_url.split(":///", 1)[1])


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
