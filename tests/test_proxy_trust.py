"""`serve` believes X-Forwarded-For only from the proxies the operator names, so one client cannot pose as many."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.support.live import STARTUP_LIMIT_SECONDS, free_socket
from tests.support.notify_helpers import SUBSCRIBE


@contextmanager
def served(tmp_path, **settings: str) -> Iterator[str]:
    """`python -m registry serve` on loopback as an operator starts it, with REGISTRY_* settings; yields its URL."""
    with free_socket() as sock:
        port = sock.getsockname()[1]
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("REGISTRY_") and name != "FORWARDED_ALLOW_IPS"}
    env |= {"REGISTRY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}",
            "REGISTRY_MAIL_DIR": str(tmp_path / "mail"), "REGISTRY_INPROCESS_WORKER": "false"}
    env |= {f"REGISTRY_{name.upper()}": value for name, value in settings.items()}
    server = subprocess.Popen([sys.executable, "-m", "registry", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"serve did not start: {server.communicate()[1][-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.communicate(timeout=STARTUP_LIMIT_SECONDS)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def subscribe_as(url: str, forwarded_for: str, email: str) -> str:
    answer = httpx.post(f"{url}/graphql", json={"query": SUBSCRIBE, "variables": {"email": email, "language": "DA"}},
                        headers={"X-Forwarded-For": forwarded_for}, timeout=10).json()["data"]["subscribe"]
    return "ok" if answer["ok"] else answer["userErrors"][0]["code"]


def test_by_default_a_client_on_the_host_cannot_pose_as_others(tmp_path):
    # Given the registry served as by default, one subscribe request allowed per client and hour
    with served(tmp_path, subscribe_per_client_per_hour="1") as url:
        # When a client on this host asks twice, claiming each time to be someone else on another network
        first = subscribe_as(url, "203.0.113.5", "first@example.dk")
        second = subscribe_as(url, "198.51.100.7", "second@example.dk")

    # Then both requests count against the real peer, and the second is refused
    assert (first, second) == ("ok", "RATE_LIMITED")


def test_a_named_proxy_is_believed(tmp_path):
    # Given the operator says the proxy at 127.0.0.1 fronts the registry
    with served(tmp_path, subscribe_per_client_per_hour="1", forwarded_allow_ips="127.0.0.1") as url:
        # When the proxy passes on requests from two clients on different networks
        first = subscribe_as(url, "203.0.113.5", "first@example.dk")
        second = subscribe_as(url, "198.51.100.7", "second@example.dk")
        # And the first client asks again
        again = subscribe_as(url, "203.0.113.5", "third@example.dk")

    # Then each client is counted as itself
    assert (first, second, again) == ("ok", "ok", "RATE_LIMITED")


def test_a_mistyped_proxy_stops_serve_before_it_listens(tmp_path):
    # Given a proxy named by host name, which uvicorn would silently never match
    env = {**{n: v for n, v in os.environ.items() if not n.startswith("REGISTRY_")},
           "REGISTRY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}",
           "REGISTRY_FORWARDED_ALLOW_IPS": "127.0.0.1,proxy.local"}

    # When the operator starts serve
    result = subprocess.run([sys.executable, "-m", "registry", "serve", "--port", "9"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)

    # Then it refuses, naming the setting and the entry, and has created nothing
    assert result.returncode != 0
    assert "forwarded_allow_ips" in result.stderr and "'proxy.local' is neither an IP address" in result.stderr
    assert not (tmp_path / "registry.db").exists()
