"""The content hash that chains every published version to the one before it."""

import hashlib
import json
from datetime import UTC, datetime


def canonical_json(document: object) -> bytes:
    """Sorted keys, no spaces, UTF-8: for strings, numbers and lists this is RFC 8785's form."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def content_hash(
    *, number: int, previous_hash: str | None, published_at: datetime, effective_at: datetime,
    note: str, entries: list[dict],
) -> str:
    """SHA-256 over the version's canonical form, which includes the previous version's hash."""
    document = {
        "number": number,
        "previous_hash": previous_hash,
        "published_at": _instant(published_at),
        "effective_at": _instant(effective_at),
        "note": note,
        "entries": sorted(entries, key=lambda entry: entry["slug"]),
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()
