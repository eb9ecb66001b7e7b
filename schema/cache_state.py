"""What a cached public answer depends on: the registry's revision and the next pending effective time.

On SQLite the revision is read afresh for every turn of the event loop, synchronously on a dedicated
connection (microseconds, no thread hop), so a publish by any process shows on the next request. On
PostgreSQL a LISTEN connection hears every publish and withdrawal as it commits (see PostgresStamp).
A publish or withdrawal served by this process marks the stamp stale itself before its response leaves
(registry_changed), so no read sent after that response waits on the notice.
"""

import asyncio
import sqlite3
import time
import weakref
from dataclasses import dataclass

import asyncpg

from registry.db import Database
from registry.listening import listen
from registry.versions import service as versions

_REVISION_SQL = "SELECT revision FROM registry_state WHERE id = 1"
# Requests wait for a revision read at most this long, then are answered without the cache.
ROUND_TIMEOUT_SECONDS = 2.0
STAMP_APPLICATION_NAME = "registry-cache-stamp"  # how pg_stat_activity shows the LISTEN connection


def now() -> float:
    """The clock the cache compares effective times with (tests move it)."""
    return time.time()


@dataclass(frozen=True)
class CacheState:
    """Answers computed under one state are valid exactly while the state is the same."""

    revision: int
    boundary: float | None  # POSIX time of the next pending version's effective_at; None when none is pending

    def seconds_left(self, now: float) -> float | None:
        return None if self.boundary is None else max(0.0, self.boundary - now)


class RegistryStamp:
    """Reads the current CacheState of one database; None means: do not use the cache now."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._revision: int | None = None
        self._pending: list[float] = []  # effective times still ahead, as of the last reload, ascending
        self._reload_lock = asyncio.Lock()
        self._state: CacheState | None = None

    async def current(self) -> CacheState | None:
        try:
            revision = await self._read_revision()
        except Exception:  # noqa: BLE001 - a stamp that cannot be read only costs the cache, never an answer
            await self.close()
            return None
        if revision != self._revision:
            await self._reload(revision)
            if revision != self._revision:  # moved again meanwhile: let the next request settle it
                return None
        pending = self._pending
        while pending and pending[0] <= now():
            pending.pop(0)
        boundary = pending[0] if pending else None
        state = self._state
        if state is None or state.revision != revision or state.boundary != boundary:
            state = self._state = CacheState(revision, boundary)
        return state

    async def _reload(self, seen: int) -> None:
        # Rare: only after a publish or withdrawal. Uses the registry's own definition of "pending".
        async with self._reload_lock:
            if self._revision == seen:  # the request that waited before this one reloaded it already
                return
            async with self.db.session() as session:
                revision = await versions.revision(session=session)
                pending = await versions.pending_versions(session=session)
            self._pending = sorted(version.effective_at.timestamp() for version in pending)
            self._revision = revision

    @property
    def latest(self) -> CacheState | None:
        """The state the last reload established: only answers computed under it are worth keeping."""
        return self._state

    async def _read_revision(self) -> int:
        raise NotImplementedError

    def mark_stale(self) -> None:
        """Read the revision again on the next request (this process may just have changed it)."""

    def forget(self) -> None:
        """Reload everything on the next request, even if the revision looks the same (a new app starting)."""
        self._revision = None
        self.mark_stale()

    async def close(self) -> None:
        pass


class SQLiteStamp(RegistryStamp):
    """A blocking read on its own connection, shared by the requests of one turn of the event loop.

    Request bytes are taken off the sockets from what select() returned at the start of a turn, and
    their handling is queued in order. The memo is dropped by a callback queued when it is read, so it
    is seen only by handling queued before the read: requests that had arrived before the turn began,
    and so before the read. Sharing it is as fresh as reading per request, at a fraction of the cost.
    """

    def __init__(self, db: Database, path: str) -> None:
        super().__init__(db)
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._cursor: sqlite3.Cursor | None = None
        self._memo: int | None = None

    async def _read_revision(self) -> int:
        if self._memo is not None:
            return self._memo
        if self._cursor is None:
            self._connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                               timeout=1.0)
            self._cursor = self._connection.cursor()
        row = self._cursor.execute(_REVISION_SQL).fetchone()
        self._memo = row[0] if row else 0
        asyncio.get_running_loop().call_soon(self._drop_memo)
        return self._memo

    def _drop_memo(self) -> None:
        self._memo = None

    def mark_stale(self) -> None:
        self._memo = None

    async def close(self) -> None:
        self._memo = None
        if self._connection is not None:
            self._connection.close()
            self._connection = self._cursor = None


class PostgresStamp(RegistryStamp):
    """Trusts the last revision read while a LISTEN connection hears every publish and withdrawal.

    publish_version and withdraw_version NOTIFY in the transaction that bumps the revision, so PostgreSQL
    tells every listening process as the transaction commits; the next request there reads the revision
    again. Until the listener is connected (and whenever it drops) every request reads the revision
    itself: callers that arrive while a read is on the wire share the next one, never the one in flight,
    which may have been answered before the caller's own request was sent.
    """

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.dsn = db.listen_dsn
        # The revision the last round read. Trusted rather than the one last reloaded: between a round
        # that sees a change and the reload it causes, requests must wait for the reload, not take the old.
        self._seen: int | None = None
        # Notices (and losses of the listener) counted; _seen is trusted only while none came after the round
        # that read it began. A flag cleared as a round begins would trust the previous round's revision,
        # read before the change, for as long as the new round is on the wire.
        self._notices = 0
        self._seen_after = -1  # _notices when the round that read _seen began
        self._connection: asyncpg.Connection | None = None
        self._listening = False
        self._next_round: asyncio.Future | None = None
        self._runner: asyncio.Task | None = None

    async def _read_revision(self) -> int:
        if self._listening and self._seen_after == self._notices:
            return self._seen
        if self._next_round is None:
            self._next_round = asyncio.get_running_loop().create_future()
        round_ = self._next_round
        if self._runner is None:
            self._runner = asyncio.create_task(self._run_rounds())
        return await asyncio.shield(round_)

    async def _run_rounds(self) -> None:
        try:
            while self._next_round is not None:
                round_, self._next_round = self._next_round, None
                try:
                    if self._connection is None or self._connection.is_closed():
                        await self._connect()
                    notices = self._notices  # before the read: a notice arriving during it is not covered by it
                    value = await self._connection.fetchval(_REVISION_SQL, timeout=ROUND_TIMEOUT_SECONDS)
                except Exception as error:  # noqa: BLE001 - handed to every waiter of this round
                    round_.set_exception(error)
                    round_.exception()  # marks it retrieved even if every waiter has gone
                    await self._drop_connection()
                else:
                    self._seen, self._seen_after = value or 0, notices
                    round_.set_result(self._seen)
        finally:
            self._runner = None

    async def _connect(self) -> None:
        # LISTEN before the first read, so no change can fall between the two.
        self._connection = await listen(dsn=self.dsn, channel=versions.REVISION_CHANNEL, on_notice=self.mark_stale,
                                        on_lost=self._lost, timeout=ROUND_TIMEOUT_SECONDS,
                                        application_name=STAMP_APPLICATION_NAME)
        self._listening = True

    def mark_stale(self) -> None:
        self._notices += 1

    def _lost(self) -> None:
        self._listening = False
        self._notices += 1

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        self._lost()
        if connection is not None:
            connection.terminate()

    async def close(self) -> None:
        if self._runner is None:
            await self._drop_connection()


_stamps: "weakref.WeakKeyDictionary[Database, RegistryStamp | None]" = weakref.WeakKeyDictionary()


def stamp_for(db: Database) -> RegistryStamp | None:
    """The stamp of that database, shared by every app using it; None where no cheap stamp exists."""
    if db not in _stamps:
        path = db.engine.url.database
        if db.dialect == "postgresql":
            _stamps[db] = PostgresStamp(db)
        elif db.dialect == "sqlite" and path and path != ":memory:" and not path.startswith("file:"):
            _stamps[db] = SQLiteStamp(db, path)
        else:
            _stamps[db] = None
    return _stamps[db]


def registry_changed(db: Database) -> None:
    """Called by a publish or withdrawal once it committed, before its response leaves: no later
    request in this process may be answered from what was cached before (other processes hear NOTIFY)."""
    stamp = _stamps.get(db)
    if stamp is not None:
        stamp.mark_stale()


async def close_stamp(db: Database) -> None:
    """Close the stamp's own connection; the next request opens it again."""
    stamp = _stamps.pop(db, None)
    if stamp is not None:
        await stamp.close()
