"""Every database test runs twice: on SQLite and on the PostgreSQL server at 127.0.0.1:5432.

PostgreSQL is never skipped: if it cannot be reached the run fails and says how to start it. Under pytest-xdist
each worker has a PostgreSQL database and SQLite files of its own (tmp_path_factory is per worker).
"""

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from registry.auth import service as auth
from registry.auth.models import Role
from registry.customers import service as customers
from registry.db import Database, utcnow
from registry.migrations import upgrade
from registry.models import load_all
from registry.seed.service import seed_demo
from schema.settings import AppSettings
from schema.app import create_app
from tests.support.graphql_documents import NEW_SUBPROCESSOR, PUBLISH, SAVE_DRAFT

POSTGRES_URL = os.environ.get("REGISTRY_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
# One Chromium for the whole run: a test module that imports the fixture gets a browser of its own, kept open to
# the end of the session (twelve of them, each a launch and a few hundred MB).
pytest_plugins = ["tests.support.browsing"]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """A freshly migrated, empty database of each engine, one per test session."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'registry.db'}"
    else:
        url = _own_postgres(POSTGRES_URL)
        _reset_postgres(url)
    upgrade(url)
    return url


def _own_postgres(url: str) -> str:
    """Under pytest-xdist (-n N) each worker gets a database of its own beside the one named, made if missing:
    workers sharing one would empty each other's tables mid-test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return url
    server, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    try:
        if not asyncio.run(_on_server(url, f"SELECT 1 FROM pg_database WHERE datname = '{own}'")):
            asyncio.run(_on_server(url, f"CREATE DATABASE {own}"))
    except OSError as error:
        pytest.fail(f"PostgreSQL at {url} is not reachable ({error}); start it: {START_POSTGRES}", pytrace=False)
    return f"{server}/{own}"


async def _on_server(url: str, statement: str) -> list:
    """One statement outside any database's transaction (CREATE and DROP DATABASE), through the server's postgres."""
    engine = create_async_engine(f"{url.rsplit('/', 1)[0]}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(statement))
            return result.all() if result.returns_rows else []
    finally:
        await engine.dispose()


def _reset_postgres(url: str) -> None:

    async def reset() -> None:
        db = Database(url)
        try:
            async with db.engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        except OSError as error:
            pytest.fail(f"PostgreSQL at {url} is not reachable ({error}); start it: {START_POSTGRES}", pytrace=False)
        finally:
            await db.dispose()

    asyncio.run(reset())


@pytest.fixture(scope="session")
async def session_db(database_url) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def db(session_db: Database) -> AsyncIterator[Database]:
    """The session's database, emptied before each test."""
    async with session_db.engine.begin() as connection:
        tables = [table.name for table in reversed(load_all().sorted_tables)]
        if session_db.dialect == "postgresql":
            # DELETE, children first, and every sequence back to 1, in one round trip: the tables hold a test's
            # few rows, where TRUNCATE's new files cost ~0.2 s a test (two minutes of a CI run).
            script = "".join(f"DELETE FROM {table};" for table in tables) + (
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace;")
            await (await connection.get_raw_connection()).driver_connection.execute(script)
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))
    yield session_db


@pytest.fixture
def settings(database_url, tmp_path: Path) -> AppSettings:
    # Mail goes to .eml files under the test's own directory unless a test points it at an SMTP server.
    return AppSettings(database_url=database_url, public_url="https://registry.example.test",
                    secret_key="test-secret-key-not-for-production", min_notice_days=30,
                    mail_dir=tmp_path / "mail")


@pytest.fixture
async def seeded(db: Database, settings: AppSettings) -> Database:
    """The database holding the demo data: version 1 with the seed's 17 sub-processors."""
    async with db.transaction() as session:
        await seed_demo(session=session, min_notice_days=settings.min_notice_days)
    return db


@pytest.fixture
async def client(db: Database, settings: AppSettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the real app, in process."""
    app = create_app(settings, db=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def make_token(db: Database, role: Role, name: str, customer_id: int | None = None) -> str:
    async with db.transaction() as session:
        return await auth.create_token(session=session, name=name, role=role, customer_id=customer_id)


async def make_customer(db: Database, name: str, *, contacts: list[tuple[str, str]] = (), services: list[str] = (),
                        notice_days: int = 30, accepted_at=None) -> int:
    """A customer with one active agreement on template 1; returns its id."""
    async with db.transaction() as session:
        customer, _ = await customers.create_customer(session=session, actor="test", name=name, cvr=None,
                                                      contacts=list(contacts))
        await customers.create_agreement(session=session, actor="test", customer_id=customer.id, template_version=1,
                                         accepted_at=accepted_at, services=list(services), notice_days=notice_days,
                                         min_notice_days=0)
        return customer.id


async def notified_customer(db: Database, gql, admin_token: str, name: str) -> int:
    """A customer whose contact dpo@kunde-a.dk was told of version 2 (Mailgun added); returns its id."""
    customer = await make_customer(db, name, contacts=[("dpo@kunde-a.dk", "da")])
    await gql(SAVE_DRAFT, {"input": NEW_SUBPROCESSOR}, token=admin_token)
    await gql(PUBLISH, {"input": {"note": "Mailgun sender vores e-mails"}}, token=admin_token)
    async with db.transaction() as session:
        await customers.record_notice(session=session, customer_id=customer, version_number=2, sent_at=utcnow(),
                                      message_id="<v2@registry>", recipient="dpo@kunde-a.dk")
    return customer


@pytest.fixture
async def admin_token(db: Database) -> str:
    return await make_token(db, Role.ADMIN, "alice@office2go.test")


class GraphQLClient:
    """Posts GraphQL over HTTP as the website or an admin tool would."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict | None = None, *, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                        headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
def smtp():
    """A real aiosmtpd server on 127.0.0.1, its accepted messages in smtp.sink."""
    from tests.support.smtp_sink import SmtpServer

    with SmtpServer() as server:
        yield server


@pytest.fixture
def mail_settings(settings: AppSettings, smtp) -> AppSettings:
    """AppSettings that send through the test SMTP server, retrying at once so tests need not wait."""
    return settings.model_copy(update={"smtp_url": smtp.url, "mail_from": "noreply@registry.example.test",
                                       "retry_base_seconds": 0.0001, "retry_cap_seconds": 0.0001,
                                       "delivery_max_attempts": 3})


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the same engine, apart from the one the other tests share."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"{database_url.rsplit('/', 1)[1]}_scratch"
    asyncio.run(_on_server(database_url, f"DROP DATABASE IF EXISTS {name}"))
    asyncio.run(_on_server(database_url, f"CREATE DATABASE {name}"))
    yield f"{database_url}_scratch"
    asyncio.run(_on_server(database_url, f"DROP DATABASE {name} WITH (FORCE)"))
