"""Published versions as this process has read them, kept per revision of the registry, served without SQL.

A published version never changes, except that a pending one may be withdrawn, and that moves the revision
(cache_state.py tells this process of every move, also one made by another process). So rows read once are
kept: a row that was in effect or withdrawn when read can change no more and stays across revisions; any
other row is read again once the revision moves. Which version is in effect at a time after the timeline
was read follows from the timeline itself: the version then in effect, and the pending ones with their
effective times (registry.versions.service decides both). Times before it are asked of the database.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from registry.db import Database, is_stored_number, utcnow
from registry.subprocessors.index import ListIndex, by_initial, by_name, index
from registry.subprocessors.models import SubprocessorEntry
from registry.versions import service as versions
from registry.versions.models import Change, RegistryVersion
from registry.versions.service import VersionView
from schema.cache_state import RegistryStamp

MAX_DIFFS = 256
T = TypeVar("T")


@dataclass(frozen=True)
class Timeline:
    """One revision's facts about the whole history: how many versions, and which is in effect when."""

    revision: int
    read_at: datetime
    latest: int
    current: int | None  # in effect at read_at
    pending: tuple[tuple[datetime, int], ...]  # not withdrawn, not yet in effect at read_at

    def covers(self, at: datetime) -> bool:
        return at >= self.read_at

    def effective_number(self, at: datetime) -> int | None:
        """The version in effect at `at`, for `at` no earlier than read_at (see covers)."""
        return max((number for effective_at, number in self.pending if effective_at <= at), default=self.current)


class PublishedVersions:
    """One app's memory of the published versions; every method answers None when it cannot answer from it."""

    def __init__(self, db: Database, stamp: RegistryStamp | None, *, max_entries: int) -> None:
        self.db, self.stamp, self.max_entries = db, stamp, max_entries
        self.held = 0  # entries in the rows kept: what the memory costs grows with them, not with the versions
        self.last_size = 0  # entries of the row read last: what a row not read yet is likely to hold
        self.forgotten = 0  # times the changeable rows were dropped: a row read across one may be out of date
        self.timeline: Timeline | None = None
        self.rows: OrderedDict[int, RegistryVersion] = OrderedDict()  # least recently used first
        self.final: set[int] = set()  # rows nothing can change any more
        self.made: dict[int, dict[Hashable, object]] = {}  # per row: what was built from it
        self.diffs: OrderedDict[tuple[int, int], list[Change]] = OrderedDict()
        self._started = False
        self._loading: asyncio.Lock = asyncio.Lock()

    async def current_timeline(self) -> Timeline | None:
        if self.stamp is None:
            return None
        if not self._started:
            self._started = True
            self.stamp.mark_stale()  # another app on this database may have left its revision behind
        state = await self.stamp.current()
        if state is None:
            return None
        if self.timeline is not None and self.timeline.revision == state.revision:
            return self.timeline
        async with self._loading:
            if self.timeline is not None and self.timeline.revision == state.revision:
                return self.timeline
            timeline, pending_rows = await self._read_timeline()
            if timeline.revision != state.revision:
                return None  # the stamp has not yet seen this move: let the database answer until it has
            self._forget_changeable()
            for row in pending_rows:
                self._keep(row, final=False)
            self.timeline = timeline
            return timeline

    async def _read_timeline(self) -> tuple[Timeline, list[RegistryVersion]]:
        now = utcnow()
        async with self.db.session() as session:
            revision = await versions.revision(session=session)
            latest = await versions.latest_number(session=session)
            current = await versions.effective_number(session=session, at=now)
            pending = await versions.pending_versions(session=session, now=now)
        timeline = Timeline(revision=revision, read_at=now, latest=latest or 0, current=current,
                            pending=tuple((row.effective_at, row.number) for row in pending))
        return timeline, pending

    def _forget_changeable(self) -> None:
        self.forgotten += 1
        for number in [n for n in self.rows if n not in self.final]:
            self._forget(number)

    def _keep(self, row: RegistryVersion, *, final: bool) -> None:
        if row.number in self.rows:
            self._forget(row.number)
        self.rows[row.number] = row
        self.last_size = _size(row)
        self.held += self.last_size
        if final:
            self.final.add(row.number)
        # Least recently used first; a list larger than the whole bound is not kept at all.
        while self.held > self.max_entries:
            self._forget(next(iter(self.rows)))

    def _forget(self, number: int) -> None:
        self.held -= _size(self.rows.pop(number))
        self.final.discard(number)
        self.made.pop(number, None)

    def _fits(self, numbers: list[int]) -> bool:
        """Whether these rows would stay together: otherwise reading the missing ones would drop some of the
        others (the version in effect, say) at every read, and read them again at the next."""
        kept = sum(_size(self.rows[number]) for number in numbers if number in self.rows)
        missing = sum(number not in self.rows for number in numbers)
        return kept + missing * self.last_size <= self.max_entries

    async def _rows(self, numbers: list[int]) -> dict[int, RegistryVersion]:
        """The rows asked for that exist: kept ones, and those read now (kept when they fit, see _fits)."""
        # Taken, and made the most recently used, before anything read now is kept: keeping may drop old rows.
        found = {}
        for number in numbers:
            if number in self.rows:
                self.rows.move_to_end(number)
                found[number] = self.rows[number]
        missing = [n for n in numbers if n not in found]
        read: dict[int, RegistryVersion] = {}
        if missing:
            keep, read_at, forgotten = self._fits(numbers), utcnow(), self.forgotten
            async with self.db.session() as session:
                read = {row.number: row for row in await versions.versions_by_number(session=session, numbers=missing)}
            for row in read.values():
                # In effect or withdrawn when read: nothing can change it any more (only pending ones are withdrawn).
                final = row.withdrawn_at is not None or row.effective_at <= read_at
                # A pending row read while the revision moved may be withdrawn already: it answers the request
                # that read it (sent before the move) and is not kept for later ones.
                if keep and (final or forgotten == self.forgotten):
                    self._keep(row, final=final)
                else:
                    self.last_size = _size(row)
        found |= read
        return {number: found[number] for number in numbers if number in found}

    def _view(self, row: RegistryVersion, timeline: Timeline, now: datetime) -> VersionView:
        return VersionView(row, row.status(now=now, effective_number=timeline.effective_number(now)))

    async def rows_of(self, numbers: list[int]) -> dict[int, RegistryVersion] | None:
        """The rows of those numbers that exist, kept as the other reads keep them; None when memory cannot tell."""
        if await self.current_timeline() is None:
            return None
        return await self._rows(numbers)

    async def effective_number(self, at: datetime) -> tuple[Timeline, int | None] | None:
        """The timeline and the number of the version in effect at `at`; None when memory cannot tell."""
        timeline = await self.current_timeline()
        if timeline is None or not timeline.covers(at):
            return None
        return timeline, timeline.effective_number(at)

    async def effective(self, at: datetime | None) -> tuple[VersionView | None] | None:
        """The version in effect at `at` (default now), wrapped in a 1-tuple; None when memory cannot tell."""
        now = utcnow()
        known = await self.effective_number(at or now)
        if known is None:
            return None
        timeline, number = known
        if number is None:
            return (None,)
        row = (await self._rows([number])).get(number)
        return (self._view(row, timeline, now),) if row is not None else None

    async def page(self, *, limit: int, before_number: int | None) -> tuple[list[VersionView], int] | None:
        """Up to `limit` versions older than `before_number`, newest first, and the latest number."""
        timeline = await self.current_timeline()
        if timeline is None:
            return None
        top = timeline.latest if before_number is None else min(before_number - 1, timeline.latest)
        numbers = list(range(top, max(top - limit, 0), -1))
        if not self._fits(numbers):
            # The database reads a page without its lists, which a history does not show.
            return None
        rows = await self._rows(numbers)
        if len(rows) != len(numbers):
            return None  # numbers with gaps: not a history this memory knows how to page
        now = utcnow()
        return [self._view(rows[n], timeline, now) for n in numbers], timeline.latest

    async def version(self, number: int) -> tuple[VersionView | None] | None:
        timeline = await self.current_timeline()
        if timeline is None:
            return None
        if not 0 < number <= timeline.latest:
            return (None,)
        row = (await self._rows([number])).get(number)
        return (self._view(row, timeline, utcnow()),) if row is not None else None

    async def diff(self, from_number: int, to_number: int) -> list[Change] | None:
        """The changes between two versions (their lists never change, so neither does this), or None."""
        key = (from_number, to_number)
        if key in self.diffs:
            self.diffs.move_to_end(key)
            return self.diffs[key]
        timeline = await self.current_timeline()
        if timeline is None or not (0 < from_number <= timeline.latest and 0 < to_number <= timeline.latest):
            return None
        rows = await self._rows([from_number, to_number])
        if len(rows) != len({from_number, to_number}):
            return None
        changes = versions.diff_of(rows, from_number=from_number, to_number=to_number)
        self.diffs[key] = changes
        while len(self.diffs) > MAX_DIFFS:
            self.diffs.popitem(last=False)
        return changes

    async def lists(self, numbers: list[int]) -> dict[int, list[dict]]:
        """Those versions' lists (kept when they fit): a list never changes, even when withdrawn."""
        return {number: row.entries for number, row in (await self._rows(numbers)).items()}

    def derived(self, row: RegistryVersion, key: Hashable, make: Callable[[RegistryVersion], T]) -> T:
        """make(row), computed once per key while the row is kept (answers built from it never change)."""
        if self.rows.get(row.number) is not row:
            return make(row)
        made = self.made.setdefault(row.number, {})
        if key not in made:
            made[key] = make(row)
        return made[key]

    def entries_of(self, row: RegistryVersion) -> list[SubprocessorEntry]:
        """The row's list, decoded once while the row is kept."""
        return self.derived(row, "entries", lambda r: VersionView(r, None).entries())

    def entries_by_name(self, row: RegistryVersion) -> list[SubprocessorEntry]:
        """The row's list in the order readers look names up, sorted once while the row is kept."""
        return self.derived(row, "by name", lambda r: by_name(self.entries_of(r)))

    def entries_by_initial(self, row: RegistryVersion) -> dict[str, list[SubprocessorEntry]]:
        """The row's list by name, grouped by initial letter once while the row is kept."""
        return self.derived(row, "by initial", lambda r: by_initial(self.entries_by_name(r)))

    def index(self, row: RegistryVersion, asked: str | None) -> ListIndex[SubprocessorEntry]:
        """What a reader who asks for the letter `asked` is shown of the row's list (registry/subprocessors/index.py)."""
        return index(self.entries_by_name(row), asked, self.entries_by_initial(row))


def _size(row: RegistryVersion) -> int:
    return max(len(row.entries), 1)


async def effective_view(published: PublishedVersions | None, db: Database, at: datetime | None) -> VersionView | None:
    """The version in effect at `at` (default now): from memory when it can tell, else from the database."""
    remembered = await published.effective(at) if published else None
    if remembered is not None:
        return remembered[0]
    async with db.session() as session:
        return await versions.effective_version(session=session, at=at)


async def rows_by_number(published: PublishedVersions | None, db: Database,
                         numbers: list[int]) -> dict[int, RegistryVersion]:
    """Version rows by number: from memory when it can tell, else from the database."""
    remembered = await published.rows_of(numbers) if published else None
    if remembered is not None:
        return remembered
    async with db.session() as session:
        return {row.number: row for row in await versions.versions_by_number(session=session, numbers=numbers)}


async def effective_number(published: PublishedVersions | None, db: Database, at: datetime) -> int | None:
    """The number of the version in effect at `at`: from memory when it can tell, else from the database."""
    remembered = await published.effective_number(at) if published else None
    if remembered is not None:
        return remembered[1]
    async with db.session() as session:
        return await versions.effective_number(session=session, at=at)


async def effective_and_pending(published: PublishedVersions | None, db: Database,
                                now: datetime) -> tuple[VersionView | None, list[RegistryVersion]]:
    """The version in effect at `now` (effective_view) and those announced then, whose lists name the known services."""
    current = await effective_view(published, db, now)
    async with db.session() as session:
        return current, await versions.pending_versions(session=session, now=now)


async def numbered_view(published: PublishedVersions | None, db: Database, number: int) -> VersionView | None:
    """Version `number` with its status now, or None if there is none: from memory when it can tell."""
    remembered = await published.version(number) if published and is_stored_number(number) else None
    if remembered is not None:
        return remembered[0]
    if not is_stored_number(number):
        return None
    async with db.session() as session:
        return await versions.get_version(session=session, number=number)
