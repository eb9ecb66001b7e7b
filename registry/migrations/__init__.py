"""Alembic migrations; `upgrade` applies them to the configured database."""

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    """An Alembic config that needs no alembic.ini: the URL comes from the registry's settings."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call from several processes at once on PostgreSQL."""
    command.upgrade(alembic_config(database_url), revision)
