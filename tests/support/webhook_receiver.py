"""A real webhook receiver on loopback: verifies each request with standardwebhooks, can fail on purpose."""

import asyncio
import ipaddress
import json
import threading
import time
from dataclasses import dataclass

import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support.live import STARTUP_LIMIT_SECONDS, free_socket

# The receiver's network, as the validated REGISTRY_WEBHOOK_ALLOW_NETWORKS holds it (model_copy does not validate).
LOOPBACK = ipaddress.ip_network("127.0.0.1/32")
TRICKLE_STEP = 0.1


@dataclass
class Received:
    """One request as it arrived, and whether the receiver's secret verified it."""

    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class WebhookReceiver:
    """Answers 2xx to what its secret verifies (echoing a verification challenge), after `fail_first` 503s per id.

    `echo=False` plays an endpoint that never answers the verification request; `secret` is set once the
    registry has shown it. A slow endpoint: `delay` seconds before it answers at all, or `trickle` seconds
    over which it sends its answer a byte at a time. Every request, answered or not, is kept in `received`.
    """

    def __init__(self) -> None:
        self.secret: str | None = None
        self.fail_first = 0
        self.always_fail = False
        self.echo = True
        self.delay = 0.0
        self.trickle = 0.0
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self.sock = free_socket()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])
        self.server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        verified, event = False, None
        if self.secret is not None:
            try:
                event = Webhook(self.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                pass
        with self._lock:
            seen = sum(1 for r in self.received if r.headers.get("webhook-id") == headers.get("webhook-id"))
            status = 503 if self.always_fail or seen < self.fail_first else (200 if verified or self.secret is None
                                                                             else 401)
            self.received.append(Received(headers=headers, body=body, verified=verified, answered=status))
        await self._wait(self.delay)
        if status != 200:
            return Response(status_code=status)
        challenge = (event or {}).get("data", {}).get("challenge")
        answer = {"challenge": challenge} if self.echo and challenge else {}
        if self.trickle:
            return StreamingResponse(self._trickled(json.dumps(answer).encode()), media_type="application/json")
        return JSONResponse(answer)

    async def _trickled(self, answer: bytes):
        # Leading spaces are valid JSON: the answer stays readable however slowly it comes.
        for _ in range(round(self.trickle / TRICKLE_STEP)):
            yield b" "
            await self._wait(TRICKLE_STEP)
        yield answer

    async def _wait(self, seconds: float) -> None:
        # In steps, so a receiver asked to stop is not kept by an answer it is still holding back.
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.server.should_exit:
            await asyncio.sleep(min(TRICKLE_STEP, deadline - time.monotonic()))

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in self.received if r.headers.get("content-type") and _type(r) == event_type]

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the receiver did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(STARTUP_LIMIT_SECONDS)
        self.sock.close()


def _type(received: Received) -> str | None:
    try:
        return received.json.get("type")
    except ValueError:
        return None
