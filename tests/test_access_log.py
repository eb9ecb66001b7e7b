"""Tokens in email links never reach the server's log: `python -m registry serve`, read as an operator reads it."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.live import free_socket

ROOT = Path(__file__).parents[1]
STARTUP_LIMIT_SECONDS = 60


class Served:
    url: str
    output: str = ""


@contextmanager
def serve(tmp_path: Path):
    """`python -m registry serve` on SQLite and a port of its own; its whole output is read once it has stopped."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}",
           "REGISTRY_SECRET_KEY": "access-log-test-secret-key", "REGISTRY_MAIL_DIR": str(tmp_path / "mail")}
    process = subprocess.Popen([sys.executable, "-m", "registry", "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = Served()
    served.url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, served.url)
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            served.output = process.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            served.output = process.communicate()[0]


def _wait_until_healthy(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"serve did not start:\n{process.communicate()[0]}")


def test_the_access_log_records_email_link_requests_without_their_tokens(tmp_path):
    secrets = {name: f"SECRET-{name}-7d2f9c41" for name in ("unsubscribe", "one-click", "confirm", "objection")}

    # Given the server, and a recipient who follows every link an email carries, and a mail client's one-click POST
    with serve(tmp_path) as served, httpx.Client(base_url=served.url) as http:
        answers = [
            http.get("/subscriptions/unsubscribe", params={"token": secrets["unsubscribe"]}),
            http.post(f"/subscriptions/unsubscribe?token={secrets['one-click']}", content="List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"}),
            http.get(f"/subscriptions/confirm?lang=en&token={secrets['confirm']}"),
            http.get(f"/objections/new?token={secrets['objection']}&lang=en"),
        ]

    # When the operator reads the server's log
    log = served.output

    # Then each request is there, with its status, but no token is
    assert [answer.status_code for answer in answers] == [200, 200, 200, 400]
    assert '"GET /subscriptions/unsubscribe?token=<redacted> HTTP/1.1" 200' in log
    assert '"POST /subscriptions/unsubscribe?token=<redacted> HTTP/1.1" 200' in log
    assert '"GET /subscriptions/confirm?lang=en&token=<redacted> HTTP/1.1" 200' in log
    assert '"GET /objections/new?token=<redacted>&lang=en HTTP/1.1" 400' in log
    assert not [secret for secret in secrets.values() if secret in log], log
