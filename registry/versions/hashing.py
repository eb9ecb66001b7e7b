"""The content hash that chains every published version to the one before it."""

import hashlib
import json
from datetime import UTC, datetime

from registry.versions.models import RegistryVersion


def canonical_json(document: object) -> bytes:
    """Sorted keys, no spaces, UTF-8: for strings, numbers and lists this is RFC 8785's form."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_content(
    *, number: int, previous_hash: str | None, published_at: datetime, effective_at: datetime,
    note: str, entries: list[dict],
) -> bytes:
    """The exact bytes a version's content hash is taken over; the exports publish them as they are."""
    document = {
        "number": number,
        "previous_hash": previous_hash,
        "published_at": _instant(published_at),
        "effective_at": _instant(effective_at),
        "note": note,
        "entries": sorted(entries, key=lambda entry: entry["slug"]),
    }
    return canonical_json(document)


def hash_of(canonical: bytes) -> str:
    """The content hash of canonical bytes: SHA-256, lower-case hex."""
    return hashlib.sha256(canonical).hexdigest()


def content_hash(
    *, number: int, previous_hash: str | None, published_at: datetime, effective_at: datetime,
    note: str, entries: list[dict],
) -> str:
    """SHA-256 over the version's canonical form, which includes the previous version's hash."""
    return hash_of(canonical_content(number=number, previous_hash=previous_hash, published_at=published_at,
                                     effective_at=effective_at, note=note, entries=entries))


def version_canonical_content(version: RegistryVersion) -> bytes:
    """canonical_content of a stored version (a RegistryVersion), from its columns as stored."""
    return canonical_content(number=version.number, previous_hash=version.previous_hash,
                             published_at=version.published_at, effective_at=version.effective_at,
                             note=version.note, entries=version.entries)


def draft_hash(*, number: int, previous_hash: str | None, entries: list[dict], changes: list[dict]) -> str:
    """SHA-256 over what a version made from the draft would hold, apart from its note and times.

    The number and previous hash pin the version it would follow; the changes pin the list it is compared with,
    which a withdrawal changes while the previous hash stays. An approval checks it to refuse a changed draft.
    """
    document = {"number": number, "previous_hash": previous_hash, "changes": changes,
                "entries": sorted(entries, key=lambda entry: entry["slug"])}
    return hash_of(canonical_json(document))
