"""The migrations build exactly the schema the models describe, and every one of them can be undone."""

import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from registry.migrations import alembic_config, upgrade
from registry.models import load_all


async def _differences(url: str) -> list:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}),
                                              load_all()))
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


def test_migrated_database_matches_the_models(scratch_url):
    # Given a database migrated from empty to the newest revision
    upgrade(scratch_url)

    # Then autogenerate finds nothing the models have that the migrations did not build, or the reverse
    assert asyncio.run(_differences(scratch_url)) == []


def test_every_migration_can_be_undone_and_done_again(scratch_url):
    # Given a database at the newest revision
    upgrade(scratch_url)

    # When an operator rolls all the way back and forward again
    command.downgrade(alembic_config(scratch_url), "base")
    emptied = asyncio.run(_tables(scratch_url))
    upgrade(scratch_url)

    # Then rolling back left only Alembic's own bookkeeping, and the schema is whole again
    assert emptied == {"alembic_version"}
    assert asyncio.run(_differences(scratch_url)) == []
