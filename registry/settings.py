"""The registry's configuration, read once from REGISTRY_* environment variables.

Only what the domain needs lives here; notifications/settings.py and schema/settings.py extend it with their
own sections, and the app reads all of them as one object (schema.settings.AppSettings).
"""

import ipaddress
import json
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def listed(value: object) -> object:
    """A list setting from the environment's one string: "a,b" as well as a JSON list; other values unchanged."""
    if isinstance(value, str):
        text = value.strip()
        return json.loads(text) if text.startswith("[") else [item.strip() for item in text.split(",") if item.strip()]
    return value


class RegistrySettings(BaseSettings):
    """The registry's knobs; defaults run the embedded demo on one machine."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/registry.db"
    public_url: str = "http://127.0.0.1:8000"
    # The address `serve` binds (it sets this from --host); loopback-only defaults are safe, others are not.
    listen_host: str = "127.0.0.1"
    secret_key: str = Field(default="dev-only-change-me", min_length=8)
    min_notice_days: int = Field(default=30, ge=0)
    # Four-eyes publishing: approvals a publish request needs from admins other than the requester; 0 publishes at once.
    publish_approvals: int = Field(default=0, ge=0, le=10)

    organisation_name: str = "Office2go ApS"
    privacy_contact_name: str = "Jacob Holm, Adm. dir."
    privacy_contact_email: str = "Jacob@Office2go.dk"
    privacy_contact_phone: str = "24 42 11 32"

    # Keys retired by a rotation (comma-separated or a JSON list): links they signed still open, nothing new is
    # signed with them, so rotating REGISTRY_SECRET_KEY does not void every link in every inbox at once.
    secret_key_fallbacks: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("secret_key_fallbacks", mode="before")
    @classmethod
    def _key_list(cls, value: object) -> object:
        return listed(value)

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
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL, or None for memory and other engines."""
        if not self.is_sqlite or ":memory:" in self.database_url:
            return None
        return Path(self.database_url.split(":///", 1)[1])


# The registry's settings, read from the environment on first use.
get_settings = cache(RegistrySettings)
