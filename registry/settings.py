"""Operator configuration, read once from REGISTRY_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob an operator can turn; defaults run the embedded demo on one machine."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/registry.db"
    public_url: str = "http://127.0.0.1:8000"
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
    graphiql: bool = True
    # How long browsers and CDNs may reuse a public GET answer without asking (0: revalidate every time,
    # cheap through ETag and 304). Never longer than until the next pending version takes effect.
    http_max_age: int = Field(default=0, ge=0)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL, or None for memory and other engines."""
        if not self.is_sqlite or ":memory:" in self.database_url:
            return None
        return Path(self.database_url.split(":///", 1)[1])


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
