"""Reading a mailing list's CSV export into confirmed subscriptions."""

import asyncio
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from notifications.subscriptions import service as subscriptions
from registry.db import Database
from registry.errors import RegistryError
from registry.text import check_fields

HEADER = ["email", "language", "consented_at", "consent_source"]
CHUNK = 500
# SQLite has one write lock, and a writer waiting for it retries with sleeps of up to 100 ms: an import that took
# it back the moment it let go would starve `serve` (a publish, the worker) until the whole file was in.
SQLITE_PAUSE_SECONDS = 0.15


@dataclass
class ImportSummary:
    imported: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if [name.strip().lower() for name in reader.fieldnames or []] != HEADER:
            raise ValueError(f"the header row must be {','.join(HEADER)}")
        for row in reader:
            yield reader.line_num, {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}


async def import_csv(*, db: Database, path: Path, progress: Callable[[int], None] = lambda done: None) -> ImportSummary:
    """Import every valid row, one savepoint per row and one transaction per chunk; safe to run again."""
    summary = ImportSummary()
    rows = list(_rows(path))
    for start in range(0, len(rows), CHUNK):
        async with db.transaction() as session:
            for line, row in rows[start:start + CHUNK]:
                try:
                    consented_at = datetime.fromisoformat(row.get("consented_at", ""))
                except ValueError:
                    summary.rejected.append((line, "consented_at is not an ISO 8601 date and time"))
                    continue
                try:
                    check_fields(row)
                    async with session.begin_nested():
                        added = await subscriptions.import_subscriber(
                            session=session, email=row.get("email", ""), language=row.get("language", ""),
                            consented_at=consented_at, consent_source=row.get("consent_source", ""))
                except RegistryError as error:
                    summary.rejected.append((line, str(error)))
                    continue
                if added:
                    summary.imported += 1
                else:
                    summary.unchanged += 1
        progress(min(start + CHUNK, len(rows)))
        if db.dialect == "sqlite" and start + CHUNK < len(rows):
            await asyncio.sleep(SQLITE_PAUSE_SECONDS)
    return summary
