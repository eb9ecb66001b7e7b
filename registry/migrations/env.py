"""Alembic environment: runs migrations on the registry's async engine, one process at a time."""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from registry.models import load_all
from registry.settings import get_settings

# Any fixed number: API processes starting together take turns to migrate instead of racing.
MIGRATION_LOCK_KEY = 284_028

config = context.config


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=load_all(), render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            await connection.commit()
        try:
            await connection.run_sync(_run)
            await connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=load_all(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
