"""A real webhook receiver on loopback: verifies each request with standardwebhooks, can fail on purpose."""

import ipaddress
import json
import threading
import time
from dataclasses import dataclass

import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.live import STARTUP_LIMIT_SECONDS, free_socket

# The receiver's network, as the validated REGISTRY_WEBHOOK_ALLOW_NETWORKS holds it (model_copy does not validate).
LOOPBACK = ipaddress.ip_network("127.0.0.1/32")


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
    registry has shown it. Every request, answered or not, is kept in `received`.
    """

    def __init__(self) -> None:
        self.secret: str | None = None
        self.fail_first = 0
        self.always_fail = False
        self.echo = True
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
        if status != 200:
            return Response(status_code=status)
        challenge = (event or {}).get("data", {}).get("challenge")
        return JSONResponse({"challenge": challenge} if self.echo and challenge else {})

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
