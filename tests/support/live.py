"""Real HTTP servers on loopback for browser tests: the registry under uvicorn, and a foreign host page."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import uvicorn

from registry.db import Database
from schema.settings import AppSettings
from schema.app import create_app

STARTUP_LIMIT_SECONDS = 20


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class LiveRegistry:
    """The real app under uvicorn in a thread, with its own database engine, on a port of its own."""

    def __init__(self, settings: AppSettings, sock: socket.socket) -> None:
        self.sock = sock
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = create_app(settings.model_copy(update={"public_url": self.url}))
        self.server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)

    def __enter__(self) -> "LiveRegistry":
        self.thread.start()
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the registry did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(STARTUP_LIMIT_SECONDS)
        self.sock.close()


class HostPage:
    """Another origin: a tiny web server whose one page is the operator's website holding the embed."""

    def __init__(self, html: str = "") -> None:
        self.html = html
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                body = page.html.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "HostPage":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def registry(db: Database, settings: AppSettings):
    """The app under uvicorn on its own port, over the test's database."""
    with LiveRegistry(settings, free_socket()) as server:
        yield server
