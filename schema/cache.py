"""A shared cache of public GraphQL answers, served as bytes without running GraphQL again.

Only anonymous queries whose root fields all read published versions are kept: their answer depends on
nothing but the registry's revision and the clock passing a pending version's effective time (see
cache_state.py). A request carrying an Authorization header, a mutation, an answer with errors, or a
field not listed below always goes to GraphQL. GET answers carry an ETag and revalidate to 304.
"""

import asyncio
import hashlib
import json
import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from graphql.language import FieldNode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema import cache_state
from schema.cache_state import CacheState, RegistryStamp
from schema.media import negotiate

# Root fields whose answers are a function of the published versions and the clock alone.
# subprocessorServices reads the list in effect and the announced ones: the website embed asks for it.
CACHEABLE_ROOT_FIELDS = frozenset({
    "subprocessors", "subprocessor", "subprocessorServices", "registryVersions", "registryVersion", "registryDiff",
    "organisation", "__typename",
})
MAX_BYTES = 64 * 1024 * 1024  # REGISTRY_CACHE_MAX_BYTES; a stranger can vary the query text, so bytes are bounded
ENTRY_OVERHEAD_BYTES = 512  # the Entry, its etag, headers and dict slot, roughly
_JSON = b"application/json"


@dataclass(frozen=True)
class Entry:
    body: bytes
    etag: bytes
    post_headers: list[tuple[bytes, bytes]]
    content_type: bytes = _JSON


def cacheable_request(payload: object) -> bool:
    """True for a single query whose root fields are all in CACHEABLE_ROOT_FIELDS."""
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return False
    variables, operation_name = payload.get("variables"), payload.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        return False
    if operation_name is not None and not isinstance(operation_name, str):
        return False
    try:
        operation = get_operation_ast(parse(payload["query"]), operation_name)
    except GraphQLError:
        return False
    return (operation is not None and operation.operation is OperationType.QUERY
            and all(isinstance(node, FieldNode) and node.name.value in CACHEABLE_ROOT_FIELDS
                    for node in operation.selection_set.selections))


def _get_payload(query_string: bytes) -> dict:
    params = {key: values[0] for key, values in parse_qs(query_string.decode("latin-1")).items()}
    if "variables" in params:
        try:
            params["variables"] = json.loads(params["variables"])
        except ValueError:
            params["variables"] = []  # not a dict: never cacheable
    return params


def cache_control(state: CacheState, now: float, max_age: int) -> bytes:
    """Cache-Control of a public answer valid while `state` lasts: at most max_age, never past the boundary."""
    # A browser or CDN may reuse the answer no longer than until the next version takes effect.
    left = state.seconds_left(now)
    age = max_age if left is None else min(max_age, math.floor(left))
    return b"public, max-age=%d" % age if age > 0 else b"public, no-cache"


def etag_matches(if_none_match: bytes, etag: bytes) -> bool:
    """Whether an If-None-Match header names this ETag (weak or strong, or *)."""
    if if_none_match.strip() == b"*":
        return True
    return any(candidate.strip().removeprefix(b"W/") == etag for candidate in if_none_match.split(b","))


def etag_of(media_type: bytes, body: bytes) -> bytes:
    """A strong ETag per representation: the same body in another media type is another one."""
    return f'"{hashlib.blake2b(media_type + b" " + body, digest_size=16).hexdigest()}"'.encode()


class ResponseCache:
    """Serves hits itself and hands everything else to `app`, keeping the cacheable answers it returns.

    Every answer is computed under one CacheState and kept only while that state is the stamp's latest;
    a request is served only what was computed under the state it read itself. Concurrent misses on one
    (key, state) share one computation. Entries are evicted least recently used, by bytes.
    """

    def __init__(self, app: ASGIApp, *, stamp: RegistryStamp | None, max_age: int, max_bytes: int = MAX_BYTES,
                 coalesce: bool = True) -> None:
        self.app = app
        self.stamp = stamp
        self.max_age = max_age
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 16
        self.coalesce = coalesce
        self.entries: OrderedDict[bytes, Entry] = OrderedDict()
        self.held_bytes = 0
        self.state: CacheState | None = None
        self._computing: dict[tuple[bytes, CacheState], asyncio.Task[_Answer]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if self.stamp is None or method not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        content_type = if_none_match = accept = b""
        for name, value in scope["headers"]:
            if name == b"authorization":  # anything per caller never touches the shared cache
                await self.app(scope, receive, send)
                return
            if name == b"content-type":
                content_type = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"accept":
                accept = value
        if method == "GET":
            if b"query=" not in scope["query_string"]:
                await self.app(scope, receive, send)  # GraphiQL and other pages
                return
            key, body = b"G" + scope["query_string"], b""
        else:
            if not content_type.startswith(_JSON):
                await self.app(scope, receive, send)
                return
            body = await _read_body(receive)
            key = b"P" + body
        # The same query answered in another media type is another answer (see schema/media.py).
        key = negotiate(accept.decode("latin-1")).encode() + b" " + key
        if self.state is None:
            self.stamp.forget()  # another app on this database may have left its view behind
        state = await self.stamp.current()
        if state is None:
            await self.app(scope, _replay(body, receive), send)
            return
        self._follow(state)
        entry = self.entries.get(key) if state is self.state else None
        if entry is not None:
            self.entries.move_to_end(key)
        else:
            answer = await self._answer(scope, receive, send, body, key, state)
            if answer is None:
                return
            if answer.entry is None:
                for message in answer.messages:
                    await send(dict(message))  # shared by every waiter: CORS and others may set headers
                return
            entry = answer.entry
        await self._send_entry(entry, method, state, if_none_match, send)

    def _follow(self, state: CacheState) -> None:
        # Only the stamp's latest state moves the cache on: a request that read the state just before a
        # change and is handled just after it must not bring the old state back.
        if state is not self.state and state is self.stamp.latest:
            self.state = state
            self.entries.clear()
            self.held_bytes = 0

    async def _answer(self, scope: Scope, receive: Receive, send: Send, body: bytes, key: bytes,
                      state: CacheState) -> "_Answer | None":
        """The answer to a miss: computed here, or shared with the request already computing it.

        None when it was not cacheable and went out already: a mutation, say, where every request must run.
        """
        if not cacheable_request(_payload(scope, body)):
            await self.app(scope, _replay(body, receive), send)
            return None
        if not self.coalesce:
            return await self._compute(scope, receive, body, key, state)
        task = self._computing.get((key, state))
        if task is None:
            # A task of its own, so the request that started it may go away without failing the others.
            task = asyncio.create_task(self._compute(scope, receive, body, key, state))
            self._computing[key, state] = task
            task.add_done_callback(lambda done: self._computed(key, state, done))
        return await asyncio.shield(task)

    def _computed(self, key: bytes, state: CacheState, task: asyncio.Task) -> None:
        if self._computing.get((key, state)) is task:
            del self._computing[key, state]
        if not task.cancelled():
            task.exception()  # retrieved: every waiter that was still there has raised it already

    async def _compute(self, scope: Scope, receive: Receive, body: bytes, key: bytes,
                       state: CacheState) -> "_Answer":
        """Run GraphQL once; the answer carries the entry to serve, or None when it goes out uncached."""
        captured = _Captured()
        await self.app(scope, _replay(body, receive), captured)
        if captured.status != 200 or not captured.complete:
            return _Answer(captured.messages, None)
        try:
            result = json.loads(captured.body)
        except ValueError:
            result = None
        # An answer computed while the boundary passed may already show the next version: keep it for no one.
        in_time = state.boundary is None or cache_state.now() < state.boundary
        if not (in_time and isinstance(result, dict) and "errors" not in result):
            return _Answer(captured.messages, None)
        media_type = captured.content_type
        entry = Entry(body=captured.body, etag=etag_of(media_type, captured.body), content_type=media_type,
                      post_headers=[(b"content-type", media_type), (b"vary", b"Accept"),
                                    (b"content-length", str(len(captured.body)).encode())])
        self._keep(key, entry, state)
        return _Answer(captured.messages, entry)

    def _keep(self, key: bytes, entry: Entry, state: CacheState) -> None:
        size = _size(key, entry)
        # Computed under a state that is no longer the latest: its reads may predate a change.
        if state is not self.state or size > self.max_entry_bytes:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.held_bytes -= _size(key, old)
        self.entries[key] = entry
        self.held_bytes += size
        while self.held_bytes > self.max_bytes:
            evicted_key, evicted = self.entries.popitem(last=False)
            self.held_bytes -= _size(evicted_key, evicted)

    async def _send_entry(self, entry: Entry, method: str, state: CacheState, if_none_match: bytes,
                          send: Send) -> None:
        if method == "POST":
            await send({"type": "http.response.start", "status": 200, "headers": entry.post_headers})
            await send({"type": "http.response.body", "body": entry.body})
            return
        control = cache_control(state, cache_state.now(), self.max_age)
        headers = [(b"etag", entry.etag), (b"cache-control", control), (b"vary", b"Authorization, Accept")]
        if if_none_match and etag_matches(if_none_match, entry.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [(b"content-type", entry.content_type), (b"content-length", str(len(entry.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})


@dataclass(frozen=True)
class _Answer:
    messages: list[Message]  # the response as the app sent it
    entry: Entry | None  # what to serve instead, when the answer may be cached


def _size(key: bytes, entry: Entry) -> int:
    # The key is kept too, and each entry costs its objects' headers beside the bytes themselves.
    return len(key) + len(entry.body) + ENTRY_OVERHEAD_BYTES


def _payload(scope: Scope, body: bytes) -> object:
    try:
        return json.loads(body) if scope["method"] == "POST" else _get_payload(scope["query_string"])
    except ValueError:
        return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    """The body already read, then whatever the client sends next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class _Captured:
    """An ASGI `send` that keeps the response instead of sending it."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.status = 0
        self.content_type = _JSON
        self.body = b""
        self.complete = False

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.content_type = dict(message.get("headers", [])).get(b"content-type", _JSON)
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
            self.complete = not message.get("more_body", False)

    async def forward(self, send: Send) -> None:
        for message in self.messages:
            await send(message)
