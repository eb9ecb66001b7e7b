"""Alembic migrations; `upgrade` applies them to the configured database.

The history is one chain of revisions. Packages built on the registry keep the revisions of their own tables
in their own folder and add it through the "registry.migrations" entry point group, so the registry never
imports them; their revisions keep the ids and places in the chain they had when they lived here.
"""

import os
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).parent
MIGRATION_GROUP = "registry.migrations"


@cache
def version_locations() -> tuple[str, ...]:
    """The registry's versions folder and every plugged-in package's."""
    return (str(HERE / "versions"), *(plugin.load() for plugin in entry_points(group=MIGRATION_GROUP)))


def alembic_config(database_url: str) -> Config:
    """An Alembic config that needs no alembic.ini: the URL comes from the registry's settings."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(version_locations()))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call from several processes at once on PostgreSQL."""
    command.upgrade(alembic_config(database_url), revision)
