"""Change notifications' configuration: delivery, retries, the worker and the limits on the public form."""

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, IPvAnyNetwork, field_validator
from pydantic_settings import NoDecode

from registry.settings import RegistrySettings, listed


class NotificationSettings(RegistrySettings):
    """The registry's knobs and those of the mail it sends."""

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

    # Webhook targets (notifications/webhooks/network.py) must be public addresses reached over https. These
    # networks are exempt from the refusal of private, loopback, link-local ... addresses (an internal receiver,
    # a test's 127.0.0.1/32); a cloud metadata address only when listed alone (/32, /128).
    webhook_allow_networks: Annotated[list[IPvAnyNetwork], NoDecode] = Field(default_factory=list)
    # Hosts (names or addresses) a webhook may reach over plain http; every other target needs https.
    webhook_http_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # How long one delivery may take, connection included, before it counts as a failed attempt.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Consecutive failed attempts after which an endpoint gets nothing for a while (its circuit opens):
    # the pause starts at REGISTRY_CIRCUIT_PAUSE_SECONDS and doubles while failures repeat, to an hour.
    webhook_circuit_failures: int = Field(default=5, ge=1)

    @field_validator("webhook_allow_networks", "webhook_http_hosts", mode="before")
    @classmethod
    def _webhook_lists(cls, value: object) -> object:
        return listed(value)

    @field_validator("webhook_http_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        # Compared with the host of a parsed URL, which is lower case and has no brackets around IPv6.
        return [host.strip("[]").lower() for host in value]

    @property
    def unsubscribe_address(self) -> str:
        return self.unsubscribe_mailbox or self.mail_from

    @property
    def runs_inprocess_worker(self) -> bool:
        """Whether `serve` delivers mail itself: by default only for the embedded SQLite setup."""
        return self.is_sqlite if self.inprocess_worker is None else self.inprocess_worker


# The worker's and the mail commands' settings, read from the environment on first use.
get_settings = cache(NotificationSettings)
