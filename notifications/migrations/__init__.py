"""The notification tables' migrations, in the registry's one Alembic history (see registry.migrations)."""

from pathlib import Path

# Plugged into `registry.migrations.upgrade` through the "registry.migrations" entry point.
VERSIONS = str(Path(__file__).parent / "versions")
