"""Engine, sessions and the column types both SQLite and PostgreSQL store the same way."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel.ext.asyncio.session import AsyncSession


# Every id and version number is an INTEGER column: PostgreSQL refuses a larger parameter outright.
MAX_INTEGER = 2**31 - 1


def is_stored_number(value: object) -> bool:
    """Whether a value from outside could name a row: a positive int within INTEGER (a bool is no number)."""
    return type(value) is int and 0 < value <= MAX_INTEGER


# How long a SQLite writer waits for another's write lock before failing: far longer than any write
# transaction takes (the importer commits every 500 rows), short enough to report a stuck process.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def utcnow() -> datetime:
    """The current instant, timezone-aware, truncated to microseconds both engines keep."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out; SQLite keeps them naive UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the registry stores instants in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Database:
    """One engine and its session factory; the app, the CLI and the worker each own one."""

    def __init__(self, url: str, *, echo: bool = False, pre_ping: bool = True) -> None:
        self.url = url
        options: dict = {"echo": echo}
        if url.startswith("postgresql"):
            # Pre-ping costs two round trips per checkout (BEGIN; ROLLBACK): worth it for requests; the
            # worker turns it off and retries what a dropped connection interrupted (see worker.py).
            options |= {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": pre_ping}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessionmaker = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def listen_dsn(self) -> str:
        """The URL as asyncpg.connect takes it, for a connection of its own that LISTENs outside the pool."""
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for reads; nothing it does is committed."""
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits as one transaction, or not at all."""
        async with self.sessionmaker() as session, session.begin():
            if self.dialect == "sqlite":
                # The driver would begin at the first write, so a transaction that read first became a
                # writer late, and SQLite refuses that at once ("database is locked"), without the busy
                # timeout, when another process wrote meanwhile. Taking the write lock first waits instead.
                await (await session.connection()).exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the API read while the worker writes; the timeout waits out other writers' transactions
    # (the import, a publish, the worker's), and comes first so that even switching to WAL waits for them.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
