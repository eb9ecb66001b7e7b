"""Re-checking another registry's hash chain from its public exports: `python -m registry verify --url`.

Each /subprocessors/versions/{n}.json carries the exact canonical content its hash is taken over
(hashing.canonical_content), so the chain is checked from what the server published, with no trust in
its own verdict: the content hashes to contentHash, is in canonical form, names its number and the
previous version's hash, and agrees with the metadata shown beside it.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from registry.versions.hashing import canonical_json, hash_of

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # a version with a thousand long entries is well under this
TIMEOUT_SECONDS = 30

Fetch = Callable[[str], dict | None]


class Unreachable(Exception):
    """The registry could not be read (network, HTTP status other than 404, not JSON)."""


def fetch_json(url: str) -> dict | None:
    """GET a JSON document; None for 404 (no such version), Unreachable for anything else that fails."""
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "subprocessor-registry-verify"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise Unreachable(f"{url} answered HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise Unreachable(f"{url} could not be read: {getattr(error, 'reason', error)}") from error
    if len(body) > MAX_DOCUMENT_BYTES:
        raise Unreachable(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = json.loads(body)
    except ValueError as error:
        raise Unreachable(f"{url} is not JSON") from error
    if not isinstance(document, dict):
        raise Unreachable(f"{url} is not a JSON object")
    return document


@dataclass
class RemoteChain:
    """What checking a remote chain found: how many versions held, the newest hash, the first problem."""

    checked: int = 0
    newest_hash: str | None = None
    problems: list[str] = field(default_factory=list)


def version_problem(document: dict, *, number: int, previous_hash: str | None) -> str | None:
    """Why this version's document breaks the chain, or None when its hash and link hold."""
    canonical_text = document.get("canonicalContent")
    if not isinstance(canonical_text, str):
        return "it carries no canonicalContent"
    canonical = canonical_text.encode("utf-8")
    if hash_of(canonical) != document.get("contentHash"):
        return "content hash does not match its canonical content"
    try:
        content = json.loads(canonical)
    except ValueError:
        return "canonical content is not JSON"
    if not isinstance(content, dict) or canonical_json(content) != canonical:
        return "canonical content is not in canonical form"
    if content.get("number") != number or document.get("number") != number:
        return f"it calls itself version {document.get('number')} (canonical: {content.get('number')})"
    if content.get("previous_hash") != previous_hash or document.get("previousHash") != previous_hash:
        return f"previous hash does not match version {number - 1}" if number > 1 else "version 1 names a previous hash"
    for shown, hashed in (("publishedAt", "published_at"), ("effectiveAt", "effective_at")):
        if not _same_instant(document.get(shown), content.get(hashed)):
            return f"{shown} differs from the hashed content"
    if document.get("note") != content.get("note"):
        return "note differs from the hashed content"
    return None


def _same_instant(shown: object, hashed: object) -> bool:
    try:
        return datetime.fromisoformat(str(shown)) == datetime.fromisoformat(str(hashed))
    except ValueError:
        return False


def verify_remote(base_url: str, *, fetch: Fetch = fetch_json) -> RemoteChain:
    """Walk /subprocessors/versions/1.json, 2.json, … until a 404; stop at the first version that breaks."""
    base, result, previous_hash = base_url.rstrip("/"), RemoteChain(), None
    number = 1
    while (document := fetch(f"{base}/subprocessors/versions/{number}.json")) is not None:
        problem = version_problem(document, number=number, previous_hash=previous_hash)
        if problem is not None:
            result.problems.append(f"version {number}: {problem}")
            return result
        previous_hash = result.newest_hash = document["contentHash"]
        result.checked = number
        number += 1
    if result.checked == 0:
        result.problems.append(f"{base}/subprocessors/versions/1.json does not exist: no registry there?")
    return result
