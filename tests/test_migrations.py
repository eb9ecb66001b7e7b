"""The migrations build exactly the schema the models describe, and every one of them can be undone."""

import asyncio

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
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


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the same engine, apart from the one the other tests share."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    server, name = database_url.rsplit("/", 1)

    async def run(statement: str) -> None:
        engine = create_async_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(run(f"DROP DATABASE IF EXISTS {name}_scratch"))
    asyncio.run(run(f"CREATE DATABASE {name}_scratch"))
    yield f"{server}/{name}_scratch"
    asyncio.run(run(f"DROP DATABASE {name}_scratch WITH (FORCE)"))


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
